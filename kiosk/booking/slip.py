"""The paper slip for a visitor without a smartphone: the Leerwinkel's name, phone,
address and opening hours, the chosen courses, the booking QR code and the typed code a
counsellor can enter on the counsellor page. The whole slip is one raster image, sent as
ESC/POS (python-escpos) to a receipt printer over the network or USB ([printer] in the
site config). A printer that is off, out of paper, unplugged or silent raises PrinterError
with a calm sentence for the visitor; the visit goes on.
"""
from __future__ import annotations

import io
import logging
import re
from datetime import date

from kiosk import clock
from kiosk.booking import handoff, shortcode
from kiosk.booking.reference import read_handoff
from kiosk.guidance.course_facts import day_text
from kiosk.text.i18n import N_, gettext_for

LOG = logging.getLogger("kiosk.printer")
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FONT_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
FONT_MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"
MARGIN = 8
GROUPS_PER_LINE = 5          # typed-code groups of four per printed line
ONLINE_QUERY, PAPER_QUERY = b"\x10\x04\x01", b"\x10\x04\x04"   # DLE EOT n (real-time status)
OFFLINE_BIT, PAPER_END_BITS = 0x08, 0x60

PRINTER_BROKEN = N_("De printer werkt nu niet. Je afspraak kan toch: scan de code, of vraag "
                    "hulp aan de balie.")
PAPER_OUT = N_("Het papier van de printer is op. Scan de code, of vraag hulp aan de balie.")
PRINTED = N_("Neem je briefje mee.")
PRINTING = N_("Even geduld: de printer maakt je briefje.")
PRINT_BUTTON = N_("Print een briefje")
TITLE = N_("Afspraak met een begeleider")
CALL = N_("Bel of kom langs:")
CHOICE = N_("Je keuze:")
TALK = N_("Praten over mijn mogelijkheden")
SCAN = N_("Scan de code met je smartphone, of geef dit briefje aan de begeleider.")
CODE = N_("Code voor de begeleider:")
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufefc]")


class PrinterError(Exception):
    """The slip could not be printed. `message`: the calm sentence for the visitor (to be
    translated); str(): the reason, for the log."""

    def __init__(self, message: str, reason: str):
        super().__init__(reason)
        self.message = message


def configured(cfg) -> bool:
    return bool(cfg.printer.kind)


# ---------------------------------------------------------------- the picture

def _visual(line: str) -> str:
    """Arabic in drawing order (joined letters, right to left); other text unchanged."""
    if not _RTL.search(line):
        return line
    import arabic_reshaper
    from bidi.algorithm import get_display
    return get_display(arabic_reshaper.reshape(line), base_dir="R")


def _wrap(draw, text: str, font, width: int) -> list[str]:
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            attempt = f"{line} {word}".strip()
            if line and draw.textlength(_visual(attempt), font=font) > width:
                lines.append(line)
                line = word
            else:
                line = attempt
        lines.append(line)
    return lines


def render(cfg, lang: str, titles: list[str], url: str, day: date | None = None):
    """The slip as a 1-bit PIL image as wide as the printer (printer.width_dots)."""
    from PIL import Image, ImageDraw, ImageFont
    _ = gettext_for(lang)
    width = cfg.printer.width_dots
    inner = width - 2 * MARGIN
    def font(path, size):           # basic layout: the text comes already in drawing order
        return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)

    body, bold, big, mono = font(FONT, 22), font(FONT_BOLD, 24), font(FONT_BOLD, 32), \
        font(FONT_MONO, 22)
    canvas = Image.new("L", (width, 4000), 255)
    draw = ImageDraw.Draw(canvas)
    y = MARGIN
    rtl = lang == "ar"

    def write(text: str, font, gap: int = 4, center: bool = False) -> None:
        nonlocal y
        for line in _wrap(draw, text, font, inner):
            shown = _visual(line)
            size = draw.textlength(shown, font=font)
            x = (width - size) / 2 if center else (width - MARGIN - size if rtl and
                                                    _RTL.search(line) else MARGIN)
            draw.text((x, y), shown, font=font, fill=0)
            y += font.size + gap
        y += gap

    site = cfg.site
    write(site.name, big, center=True)
    write(_(TITLE), bold, center=True)
    draw.line((MARGIN, y, width - MARGIN, y), fill=0, width=2)
    y += 10
    contact = [v for v in (site.phone, site.address, site.opening_hours) if v]
    if contact:
        write(_(CALL), bold)
        for value in contact:
            write(value, body, gap=2)
    write(_(CHOICE), bold)
    for title in titles or [_(TALK)]:
        write(f"• {title}", body, gap=2)
    y += 6
    modules = Image.open(io.BytesIO(handoff.qr_png(url, box_px=1))).width
    box = max(2, min(8, inner // modules))          # as large as the paper allows
    qr = Image.open(io.BytesIO(handoff.qr_png(url, box_px=box))).convert("L")
    canvas.paste(qr, ((width - qr.width) // 2, y))
    y += qr.height + 6
    write(_(SCAN), body, center=True)
    reference = read_handoff(cfg, url).token
    groups = shortcode.spell(reference).split("-")
    write(_(CODE), bold)
    for n in range(0, len(groups), GROUPS_PER_LINE):
        write(" ".join(groups[n:n + GROUPS_PER_LINE]), mono, gap=2, center=True)
    write(day_text(day or clock.today()), body, center=True)
    return canvas.crop((0, 0, width, y + MARGIN)).point(lambda v: 0 if v < 128 else 255, "1")


def escpos_bytes(image) -> bytes:
    """The ESC/POS byte stream for the slip: initialise, the raster image, feed and cut."""
    from escpos.printer import Dummy
    printer = Dummy()
    printer.profile.profile_data["media"]["width"]["pixels"] = image.width
    printer.hw("INIT")
    printer.image(image, impl="bitImageRaster", center=False)
    printer.cut()
    return printer.output


# ---------------------------------------------------------------- the printer

def _device(cfg):
    printer = cfg.printer
    if printer.kind == "network":
        from escpos.printer import Network
        return Network(printer.host, port=printer.port, timeout=printer.timeout_s)
    from escpos.printer import Usb
    return Usb(printer.usb_vendor, printer.usb_product, timeout=int(printer.timeout_s * 1000))


def _status(device, query: bytes) -> int:
    answer = device.query_status(query)
    if not answer:
        raise PrinterError(PRINTER_BROKEN, "the printer did not answer its status")
    return answer[0]


def send(cfg, data: bytes) -> None:
    """Asks the printer whether it is online and has paper, then sends the slip.
    PrinterError (with the visitor's sentence) on any fault; never hangs longer than
    about three times printer.timeout_s."""
    if not configured(cfg):
        raise PrinterError(PRINTER_BROKEN, "no printer is configured")
    device = _device(cfg)
    try:
        device.open()
        if _status(device, PAPER_QUERY) & PAPER_END_BITS:
            raise PrinterError(PAPER_OUT, "the printer is out of paper")
        if _status(device, ONLINE_QUERY) & OFFLINE_BIT:
            raise PrinterError(PRINTER_BROKEN, "the printer is offline (cover open or error)")
        device._raw(data)
    except PrinterError as exc:
        LOG.warning("slip not printed: %s", exc)
        raise
    except Exception as exc:        # socket, USB and escpos errors alike: the visit goes on
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        LOG.warning("slip not printed: %s", reason)
        raise PrinterError(PRINTER_BROKEN, reason) from None
    finally:
        try:
            device.close()
        except Exception:           # a device that never opened has nothing to close
            pass


def print_slip(cfg, lang: str, titles: list[str], url: str) -> None:
    """Render the slip and print it; PrinterError when it cannot be printed."""
    send(cfg, escpos_bytes(render(cfg, lang, titles, url)))
