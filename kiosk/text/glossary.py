"""The words a visitor meets at the counter and that the kiosk therefore keeps (such as
opleidingscheques), each with one short sentence per language (assets/glossary.json).

The Dutch word stays in every translation, so one search finds it in any language; the
screens show the sentence where the word appears.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

from kiosk import paths
from kiosk.text import i18n

GLOSSARY = paths.ASSETS / "glossary.json"


@lru_cache(maxsize=1)
def entries() -> dict[str, dict[str, str]]:
    """word -> {language: sentence}."""
    data = json.loads(GLOSSARY.read_text(encoding="utf-8"))
    return {word: dict(texts) for word, texts in data["words"].items()}


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    words = sorted(entries(), key=len, reverse=True)
    return re.compile(r"(?<!\w)(" + "|".join(re.escape(w) for w in words) + r")(?!\w)",
                      re.IGNORECASE)


def words_in(text: str) -> list[str]:
    """The glossary words in text, in the order they first appear (each once)."""
    found: list[str] = []
    by_lower = {w.lower(): w for w in entries()}
    for match in _pattern().finditer(text or ""):
        word = by_lower[match.group(1).lower()]
        if word not in found:
            found.append(word)
    return found


def sentence(word: str, lang: str) -> str:
    texts = entries()[word]
    return texts.get(lang) or texts[i18n.SOURCE_LANGUAGE]


def explain(text: str, lang: str) -> list[str]:
    """One sentence for each glossary word in text, in lang."""
    return [sentence(word, lang) for word in words_in(text)]
