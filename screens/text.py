"""Visitor text for Kivy labels: translated, and shaped for right-to-left scripts.

Kivy's text renderer has no bidi support, so Arabic is reshaped and put in visual order
here. Feed text goes through `shape` too; it is never rendered as markup.
"""
from __future__ import annotations

import re

import arabic_reshaper
from bidi.algorithm import get_display
from kivy.app import App

from kiosk import i18n

_RTL = re.compile(r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]")


def shape(text: str) -> str:
    """Text in visual order when it holds right-to-left script; unchanged otherwise."""
    if not text or not _RTL.search(text):
        return text
    return "\n".join(get_display(arabic_reshaper.reshape(line)) for line in text.split("\n"))


def current_language() -> str:
    app = App.get_running_app()
    return getattr(app, "lang", i18n.SOURCE_LANGUAGE) if app else i18n.SOURCE_LANGUAGE


def tr(msgid: str, lang: str | None = None, **values) -> str:
    """Translate a Dutch msgid into the visitor's language, fill {values}, shape it.

    kv rules pass `app.lang` as `lang` so the text is rebuilt when the language changes.
    """
    text = i18n.gettext_for(lang or current_language())(msgid)
    if values:
        text = text.format(**values)
    return shape(text)


def pick(texts: dict | str | None, lang: str | None = None) -> str:
    """A feed text in the visitor's language when the feed has it, else Dutch; shaped."""
    return shape(i18n.feed_text(texts, lang or current_language()))


def result_heading(result, lang: str) -> tuple[str, str]:
    """A result's course title and provider name, as the list and the detail show them."""
    return pick(result.course["title"], lang), shape(result.provider.get("name") or "")
