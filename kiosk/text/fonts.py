"""The font files the UI draws with, and the characters each offered language needs.

Kivy's bundled Roboto has no Arabic glyphs, so the UI registers DejaVu Sans (Debian
`fonts-dejavu-core`) when it is there. `kiosk doctor` checks these same files.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

from kiosk.text import i18n

FONT_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)
FONT_BOLD_CANDIDATES = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",)
FALLBACK = "Roboto-Regular.ttf"          # Kivy's own font, used when none of the above exists

_COMMON = ("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
           " .,:;!?'\"()-/+%€…«»–\u00a0\u202f")
_ARABIC_LETTERS = "ابتثجحخدذرسشصضطظعغفقكلمنهويءآأؤإئةى"
LETTERS = {
    "nl": "ëïéèöüäáó",
    "en": "",
    "fr": "éèêëàâçîïôûùüÿœæÉÈÀÇÊÔ",
    "ar": "،؟",
    "uk": "абвгґдеєжзиіїйклмнопрстуфхцчшщьюяАБВГҐДЕЄЖЗИІЇЙКЛМНОПРСТУФХЦЧШЩЬЮЯ’",
    "tr": "çğıöşüÇĞİÖŞÜ",
}


def first_existing(candidates) -> Path | None:
    return next((Path(f) for f in candidates if Path(f).exists()), None)


def kivy_fallback() -> Path | None:
    """Kivy's bundled Roboto, found without importing Kivy."""
    spec = importlib.util.find_spec("kivy")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "data" / "fonts" / FALLBACK
    return path if path.exists() else None


def needed_characters(lang: str) -> set[str]:
    """What a screen in `lang` may draw: its letters, the shared ones, its language name,
    and for Arabic every contextual form the reshaper produces."""
    chars = set(_COMMON) | set(LETTERS.get(lang, "")) | set(i18n.LANGUAGE_NAMES.get(lang, ""))
    if lang in i18n.RTL_LANGUAGES:
        from kiosk.text import arabic
        chars |= set(arabic.HARAKAT)
        for letter in _ARABIC_LETTERS + "لا":
            for word in (letter, "ب" + letter, letter + "ب", "ب" + letter + "ب", "لا"):
                chars |= set(arabic.reshape(word))
    return {c for c in chars if not c.isspace()}


def missing_glyphs(font: Path, chars: set[str]) -> list[str]:
    """The characters of `chars` the font has no glyph for (sorted)."""
    from fontTools.ttLib import TTFont
    with TTFont(str(font), lazy=True) as ttf:
        cmap = ttf.getBestCmap() or {}
    return sorted(c for c in chars if ord(c) not in cmap)
