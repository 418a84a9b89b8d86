"""The colours visitors see, named once (RGBA, 0-1), and how they must contrast.

The kv rules import these names; tests/test_reach.py computes the contrast ratios
(WCAG 2.2: text 4.5:1, control boundaries 3:1) of every pair below from these values and
of every control from the colours its canvas draws.
"""
from __future__ import annotations

WHITE = (1, 1, 1, 1)                      # the window's background
INK = (0.08, 0.08, 0.1, 1)                # body text
MUTED = (0.25, 0.28, 0.32, 1)             # hints, small print, the progress count
PRIMARY = (0.04, 0.31, 0.54, 1)           # primary buttons, every control's outline
BUTTON_FILL = (0.93, 0.95, 0.98, 1)       # a secondary button
BUTTON_DOWN = (0.82, 0.88, 0.95, 1)       # a button while pressed
BUTTON_TEXT = (0.05, 0.15, 0.3, 1)        # text on a secondary button
CARD = (0.95, 0.96, 0.98, 1)              # a result in the list
CARD_MARKED = (0.88, 0.94, 0.88, 1)       # a result the visitor chose
CARD_WAY = (0.99, 0.95, 0.86, 1)          # a route in "Jouw wegen"
NOTICE = (0.55, 0.3, 0.0, 1)              # "we searched further away"
ERROR = (0.7, 0.1, 0.1, 1)                # "we do not know this postcode"
DISABLED_FILL = (1, 1, 1, 1)              # a button that cannot be used yet: hollow,
DISABLED_LINE = (0.42, 0.44, 0.47, 1)     # with a grey outline
DISABLED_TEXT = (0.38, 0.4, 0.43, 1)      # and grey text
DOT_EMPTY = (0.5, 0.53, 0.58, 1)          # a question still to come (the step dots)
SCRIM = (0, 0, 0, 0.45)                   # behind a question that covers the screen

TEXT_PAIRS = {            # (text, background): at least 4.5:1
    "body": (INK, WHITE), "hint": (MUTED, WHITE), "on primary": (WHITE, PRIMARY),
    "on button": (BUTTON_TEXT, BUTTON_FILL), "on pressed": (BUTTON_TEXT, BUTTON_DOWN),
    "card": (INK, CARD), "card marked": (INK, CARD_MARKED), "provider": (PRIMARY, CARD),
    "card way": (INK, CARD_WAY), "provider on way": (PRIMARY, CARD_WAY),
    "notice": (NOTICE, WHITE), "error": (ERROR, WHITE), "disabled": (DISABLED_TEXT, WHITE),
}
BOUNDARY_PAIRS = {        # (outline or fill, what is around it): at least 3:1
    "outline": (PRIMARY, WHITE), "outline on card": (PRIMARY, CARD),
    "outline on marked card": (PRIMARY, CARD_MARKED), "outline on way": (PRIMARY, CARD_WAY),
    "disabled outline": (DISABLED_LINE, WHITE),
    "step dot": (DOT_EMPTY, WHITE),
}


def luminance(rgba) -> float:
    """Relative luminance (WCAG 2.2) of an sRGB colour given as 0-1 floats."""
    def linear(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (linear(c) for c in rgba[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(first, second) -> float:
    """WCAG contrast ratio of two opaque colours (1 to 21)."""
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
