"""The forms the speech voices pronounce well, for the kiosk's own texts.

espeak-ng reads Arabic without vowel marks poorly, so each Arabic translation the kiosk
ships has a vocalised spoken form (with harakat) in assets/locales/ar/spoken.json, keyed
by the text as shown. A text without a spoken form is read as shown.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

from kiosk import paths

_MARKS = re.compile(r"[\u064B-\u0652\u0670]")      # Arabic vowel marks, shadda, sukun


def spoken_forms_path(lang: str):
    return paths.LOCALES / lang / "spoken.json"


@lru_cache(maxsize=8)
def forms(lang: str) -> dict[str, str]:
    """Shown text -> spoken form, for lang (empty when the language has none)."""
    path = spoken_forms_path(lang)
    if lang != "ar" or not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}


def without_marks(text: str) -> str:
    return _MARKS.sub("", text)


def spoken(text: str, lang: str) -> str:
    """The form of `text` to feed to the voice: whole text first, else line by line."""
    table = forms(lang)
    if not table:
        return text
    if text in table:
        return table[text]
    return "\n".join(table.get(line, line) for line in text.split("\n"))
