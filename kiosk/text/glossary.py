"""The words a visitor meets at the counter and that the kiosk therefore explains (such as
opleidingscheques or intake), each with one short sentence per language
(assets/glossary.json). docs/terms.md lists the same terms for translators.

Kept Dutch words (opleidingscheques) stay in every translation; a word the translations
render in their own language (hogeschool: "college", "haute école") lists those forms under
"forms", so the kiosk finds it in the visitor's language. Matching is on whole words, in
the kiosk's own texts only: the names under "names" (Agentschap Integratie en Inburgering)
and any names the caller passes are never searched.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache

from kiosk import paths
from kiosk.text import i18n

GLOSSARY = paths.ASSETS / "glossary.json"
_MARKS = re.compile(r"[\u064B-\u0652\u0670]")      # Arabic vowel marks: not part of a match


@lru_cache(maxsize=1)
def _data() -> dict:
    return json.loads(GLOSSARY.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def entries() -> dict[str, dict[str, str]]:
    """word -> {language: sentence}."""
    return {word: dict(texts) for word, texts in _data()["words"].items()}


def forms(word: str, lang: str) -> list[str]:
    """What the word looks like in a text in lang: the Dutch word itself (kept in many
    translations), its other Dutch forms and the language's own term."""
    by_lang = _data().get("forms", {}).get(word, {})
    found = [word, *by_lang.get(i18n.SOURCE_LANGUAGE, [])]
    if lang != i18n.SOURCE_LANGUAGE:
        found += by_lang.get(lang, [])
    return found


def names() -> list[str]:
    """Names that contain a glossary word but are not that word (a provider's name)."""
    return list(_data().get("names", []))


@lru_cache(maxsize=16)
def _matcher(lang: str) -> tuple[re.Pattern, dict[str, str]]:
    owner = {}
    for word in entries():
        for form in forms(word, lang):
            owner.setdefault(_MARKS.sub("", form).lower(), word)
    alternatives = sorted(owner, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(" + "|".join(re.escape(f) for f in alternatives) + r")(?![\w-])",
                         re.IGNORECASE)
    return pattern, owner


def _without_names(text: str, extra_names) -> str:
    for name in sorted([*names(), *(n for n in extra_names if n)], key=len, reverse=True):
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    return text


def words_in(text: str, lang: str = i18n.SOURCE_LANGUAGE, names_in_text=()) -> list[str]:
    """The glossary words in text (a text the kiosk wrote, in lang), in the order they
    first appear (each once). `names_in_text`: names in the text not to search (the
    provider's name)."""
    pattern, owner = _matcher(lang)
    plain = _MARKS.sub("", _without_names(text or "", names_in_text))
    found: list[str] = []
    for match in pattern.finditer(plain):
        word = owner[match.group(1).lower()]
        if word not in found:
            found.append(word)
    return found


def sentence(word: str, lang: str) -> str:
    texts = entries()[word]
    return texts.get(lang) or texts[i18n.SOURCE_LANGUAGE]


def explain(text: str, lang: str, names_in_text=()) -> list[str]:
    """One sentence for each glossary word in text, in lang."""
    return [sentence(word, lang) for word in words_in(text, lang, names_in_text)]
