"""Turn the ESC/POS byte stream the kiosk sends to a receipt printer back into the picture
the printer would print: the commands kiosk/booking/slip.py emits (initialise, raster
images, feed, cut), each checked; anything else is an error, so a change in what is sent
shows up here."""
from __future__ import annotations

from PIL import Image

INIT, RASTER, FEED, CUT = b"\x1b@", b"\x1dv0", b"\x1bd", b"\x1dV"


def render(data: bytes, feed_dots: int = 24):
    """(image, commands): the printed paper as a 1-bit image and the command names seen."""
    pieces, commands, pos, width = [], [], 0, None
    while pos < len(data):
        if data.startswith(INIT, pos):
            commands.append("init")
            pos += 2
        elif data.startswith(RASTER, pos):
            mode, xl, xh, yl, yh = data[pos + 3:pos + 8]
            assert mode == 0, f"raster mode {mode} (only normal density is sent)"
            row_bytes, rows = xl + 256 * xh, yl + 256 * yh
            body = data[pos + 8:pos + 8 + row_bytes * rows]
            assert len(body) == row_bytes * rows, "raster data cut short"
            width = width or row_bytes * 8
            assert row_bytes * 8 == width, "raster blocks of different widths"
            # ESC/POS: a set bit prints black; PIL's "1" mode: 0 is black
            block = Image.frombytes("1", (row_bytes * 8, rows), bytes(255 - b for b in body))
            pieces.append(block)
            commands.append("raster")
            pos += 8 + row_bytes * rows
        elif data.startswith(FEED, pos):
            pieces.append(Image.new("1", (width or 8, feed_dots * data[pos + 2] // 6), 1))
            commands.append("feed")
            pos += 3
        elif data.startswith(CUT, pos):
            commands.append("cut")
            pos += 3 if data[pos + 2] in (0, 1, 48, 49) else 4
        else:
            raise ValueError(f"unknown ESC/POS bytes at {pos}: {data[pos:pos + 8]!r}")
    width = width or 8
    paper = Image.new("1", (width, sum(p.height for p in pieces) or 1), 1)
    y = 0
    for piece in pieces:
        paper.paste(piece, (0, y))
        y += piece.height
    return paper, commands
