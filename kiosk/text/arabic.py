"""Arabic letters joined into their contextual forms for drawing, vowel marks kept.

arabic_reshaper drops the harakat (vowel marks, shadda, tanwin) by default; the kiosk keeps
them, so «أهلًا وسهلًا» is drawn with its tanwin. The marks are moved behind their letter so
that they still sit on it once the line is put in visual (right-to-left) order.
"""
from __future__ import annotations

from functools import lru_cache

# fathatan … sukun, and the superscript alef
HARAKAT = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"


@lru_cache(maxsize=1)
def _reshaper():
    import arabic_reshaper  # loaded with the first Arabic text
    return arabic_reshaper.ArabicReshaper(
        configuration={"delete_harakat": False, "shift_harakat_position": True})


def reshape(text: str) -> str:
    """Contextual letter forms for a line that is bidi-ordered next (marks kept)."""
    return _reshaper().reshape(text)


def marks(text: str) -> str:
    """The vowel marks in text, in order."""
    return "".join(c for c in text if c in HARAKAT)
