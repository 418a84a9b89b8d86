"""Translations through gettext: catalogs in assets/locales/<lang>/LC_MESSAGES/kiosk.mo.

Message ids are the plain-Dutch texts, so Dutch needs no catalog. Core code that builds
visitor text takes a language and uses `translator(lang)`; `N_` marks a text for
extraction without translating it yet (it is translated where it is shown).
"""
from __future__ import annotations

import gettext
import re
from functools import lru_cache

from kiosk import paths

DOMAIN = "kiosk"
SOURCE_LANGUAGE = "nl"
RTL_LANGUAGES = {"ar"}
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}", re.ASCII)
# endonyms shown on the language buttons: not translated on purpose
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English", "fr": "Français",
                  "ar": "العربية", "uk": "Українська", "tr": "Türkçe"}


def N_(message: str) -> str:
    return message


# between the items of a list, translated like any text (Arabic has its own comma):
# code that has only a language's `_` joins with _(LIST_SEPARATOR)
LIST_SEPARATOR = N_(", ")


def join_list(items, lang: str | None) -> str:
    return gettext_for(lang)(LIST_SEPARATOR).join(items)


def known_language(lang) -> bool:
    """lang is a code of the kiosk's languages: a name we know, or a catalog we ship. Only
    such a code ever becomes part of a path."""
    return (isinstance(lang, str) and LANGUAGE_CODE.fullmatch(lang) is not None
            and (lang in LANGUAGE_NAMES or lang in available_languages()))


@lru_cache(maxsize=64)
def translator(lang: str | None) -> gettext.NullTranslations:
    """The translations for lang; the source language (no translation) for any code that
    is not a known language, so a code like '../x' never names a folder."""
    if not lang or lang == SOURCE_LANGUAGE or not known_language(lang):
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(paths.LOCALES), languages=[lang],
                               fallback=True)


def gettext_for(lang: str | None):
    """The `_` function for one language."""
    return translator(lang).gettext


def ngettext_for(lang: str | None):
    """The `ngettext` function for one language (Dutch plural rules for the source)."""
    return translator(lang).ngettext


def available_languages() -> list[str]:
    found = {p.parent.parent.name for p in paths.LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")}
    return [SOURCE_LANGUAGE] + sorted(found)


def feed_text(texts: dict | str | None, lang: str | None) -> str:
    """A feed text (one string, or one per language) in lang when the feed has it, else
    in Dutch, else in any language it has."""
    if not texts:
        return ""
    if isinstance(texts, str):
        return texts
    return (texts.get(lang or SOURCE_LANGUAGE) or texts.get(SOURCE_LANGUAGE)
            or next(iter(texts.values()), ""))


def feed_language(texts: dict | str | None, lang: str | None) -> str:
    """The language `feed_text(texts, lang)` comes in (Dutch for a plain string)."""
    if not isinstance(texts, dict) or not texts:
        return SOURCE_LANGUAGE
    for code in (lang or SOURCE_LANGUAGE, SOURCE_LANGUAGE):
        if texts.get(code):
            return code
    return next(iter(texts), SOURCE_LANGUAGE)
