"""Where a visitor can reach: the screen's mounting turned into pixel rows.

EN 301 549 asks that the operable parts of a closed device lie within reach, between
0.38 m and 1.22 m above the floor (the unobstructed forward reach, also from a
wheelchair). The site config says where the screen hangs (`[screen]`: the height of its
top edge, its diagonal); from that and the window's size in pixels this module says which
rows (counted from the bottom, as Kivy counts them) are within reach, where the QR code
goes, and how many millimetres a pixel is. Nothing here knows Kivy.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

REACH_LOW_M = 0.38           # lowest operable height
REACH_HIGH_M = 1.22          # highest operable height
QR_LOW_M, QR_HIGH_M = 1.0, 1.3   # a phone held by a standing or a seated visitor
LANDSCAPE_SHARE = 0.7        # landscape: the controls' share of the height, from the bottom
MIN_TARGET_MM = 20.0         # the kiosk's own minimum for a touch target (WCAG 2.5.8: 24 px)


@dataclass(frozen=True)
class Mounting:
    """A portrait screen on a wall or a stand: where its top edge is and how big it is."""
    top_edge_m: float = 1.6
    diagonal_in: float = 32.0


def mm_per_px(width_px: int, height_px: int, diagonal_in: float) -> float:
    """The size of one pixel on a screen of this diagonal (square pixels)."""
    return diagonal_in * 25.4 / math.hypot(width_px, height_px)


def height_above_floor(mounting: Mounting, size: tuple[int, int], y_px: float) -> float:
    """Metres above the floor of the row y_px (0 = the screen's bottom edge)."""
    width, height = size
    return mounting.top_edge_m - (height - y_px) * mm_per_px(width, height,
                                                            mounting.diagonal_in) / 1000


def row_at(mounting: Mounting, size: tuple[int, int], metres: float) -> float:
    """The row (from the bottom) at this height above the floor; may lie off the screen."""
    width, height = size
    px_per_m = 1000 / mm_per_px(width, height, mounting.diagonal_in)
    return height - (mounting.top_edge_m - metres) * px_per_m


def _clip(low: float, high: float, height: int, min_share: float) -> tuple[int, int]:
    """The rows from low to high on the screen; when less than min_share of the height is
    left (a mounting out of reach), the lower half, so the screen stays usable."""
    low, high = max(0.0, low), min(float(height), high)
    if high - low < height * min_share:
        return 0, int(height * 0.5)
    return int(math.ceil(low)), int(high)


def operable_band(mounting: Mounting, size: tuple[int, int]) -> tuple[int, int]:
    """(lowest, highest) row where controls go. Portrait: the rows within reach of this
    mounting. Landscape (a smaller screen on a stand or a desk, within reach as a whole):
    the lower part, so the question stays in view above its answers."""
    width, height = size
    if width > height:
        return 0, int(height * LANDSCAPE_SHARE)
    return _clip(row_at(mounting, size, REACH_LOW_M), row_at(mounting, size, REACH_HIGH_M),
                 height, 0.25)


def qr_band(mounting: Mounting, size: tuple[int, int]) -> tuple[int, int]:
    """(lowest, highest) row the booking QR code may cover on a portrait screen: between
    QR_LOW_M and QR_HIGH_M above the floor, clipped to the screen."""
    return _clip(row_at(mounting, size, QR_LOW_M), row_at(mounting, size, QR_HIGH_M),
                 size[1], 0.15)
