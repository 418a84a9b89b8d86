"""Translations through gettext: catalogs in assets/locales/<lang>/LC_MESSAGES/kiosk.mo.

Message ids are the plain-Dutch texts, so Dutch needs no catalog. Core code that builds
visitor text takes a language and uses `translator(lang)`; `N_` marks a text for
extraction without translating it yet (it is translated where it is shown).
"""
from __future__ import annotations

import gettext
from functools import lru_cache

from . import paths

DOMAIN = "kiosk"
SOURCE_LANGUAGE = "nl"
RTL_LANGUAGES = {"ar"}
# endonyms shown on the language buttons: not translated on purpose
LANGUAGE_NAMES = {"nl": "Nederlands", "en": "English", "fr": "Français",
                  "ar": "العربية", "uk": "Українська", "tr": "Türkçe"}


def N_(message: str) -> str:
    return message


@lru_cache(maxsize=None)
def translator(lang: str | None) -> gettext.NullTranslations:
    if not lang or lang == SOURCE_LANGUAGE:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(paths.LOCALES), languages=[lang],
                               fallback=True)


def gettext_for(lang: str | None):
    """The `_` function for one language."""
    return translator(lang).gettext


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
