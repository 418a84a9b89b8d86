"""Visitor text for Kivy labels: translated, and drawn right for right-to-left scripts.

Kivy's text renderer has no bidi support. Screens therefore keep every text in logical
order (the order it is read and spoken in) and `ShapedLabel` - registered as `Label` for
all kv rules - draws it: it wraps the logical text to the label's width first, then
reshapes and bidi-orders each wrapped line, so a long Arabic paragraph reads from its
first line down. Arabic is drawn ARABIC_SCALE times larger than Latin at the same role.
Feed text is never rendered as markup.
"""
from __future__ import annotations

import re

from kivy.app import App
from kivy.factory import Factory
from kivy.properties import StringProperty
from kivy.uix.label import Label

from kiosk.text import arabic, i18n

_RTL = re.compile(r"[\u0590-\u08FF\uFB1D-\uFDFF\uFE70-\uFEFF]")
ARABIC_SCALE = 1.2
_LAYOUT = ("text", "text_size", "font_size", "halign", "padding", "bold", "font_name")


def has_rtl(text: str) -> bool:
    return bool(text) and _RTL.search(text) is not None


# a run of Latin or Cyrillic words and numbers (a phone number, a Dutch address, a date
# list): kept left to right as one piece inside an Arabic line
_LETTER = r"A-Za-z0-9\u00C0-\u024F\u0400-\u04FF"
_LTR_RUN = re.compile(rf"[{_LETTER}](?:[{_LETTER} .,:/+'’&@-]*[{_LETTER}])?")
_LRE, _PDF = "\u202a", "\u202c"


def shape_line(line: str) -> str:
    """One line in visual order: Arabic letters joined, runs ordered right to left, each
    Latin run (with its numbers) embedded left to right. A line without right-to-left
    script is left as it is (a Dutch address on an Arabic screen)."""
    if not has_rtl(line):
        return line
    from bidi.algorithm import get_display
    embedded = _LTR_RUN.sub(lambda m: _LRE + m.group(0) + _PDF, line)
    return get_display(arabic.reshape(embedded), base_dir="R")


def shape(text: str) -> str:
    """Text in visual order when it holds right-to-left script; unchanged otherwise.
    For texts drawn by a plain Kivy widget; a ShapedLabel shapes by itself."""
    if not has_rtl(text):
        return text
    return "\n".join(shape_line(line) for line in text.split("\n"))


def visual_lines(text: str, fits) -> list[str]:
    """Wrap logical `text` into lines for which fits(shaped line) holds, then shape each
    line: the wrap follows the reading order, not the drawing order."""
    out = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        for word in paragraph.split(" "):
            if line and not fits(shape_line(" ".join(line + [word]))):
                out.append(shape_line(" ".join(line)))
                line = [word]
            else:
                line.append(word)
        out.append(shape_line(" ".join(line)))
    return out


class ShapedLabel(Label):
    """A Label whose `text` is logical; it draws Arabic shaped, in order, per wrapped line,
    larger, and aligns 'auto' to the start side of the visitor's language.
    `speech_lang` names the language the text is in when it is not the screen's (a Dutch
    course title), for reading aloud."""
    speech_lang = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._relayout()

    def follow_direction(self, rtl: bool) -> None:
        """The app's reading direction changed (KioskApp.on_rtl tells every widget that has
        this method; a binding per label would pile up as labels come and go)."""
        self._relayout()

    def _trigger_texture_update(self, name=None, source=None, value=None):
        super()._trigger_texture_update(name, source, value)
        if source and name in _LAYOUT and hasattr(self, "_label"):
            self._relayout()

    def _relayout(self, *args):
        core = self._label
        rtl_text = has_rtl(self.text)
        core.options["font_size"] = self.font_size * (ARABIC_SCALE if rtl_text else 1)
        halign = self.halign
        if halign == "auto":
            app = App.get_running_app()
            halign = "right" if getattr(app, "rtl", False) else "left"
        core.options["halign"] = halign
        core.text = self._drawn_text() if rtl_text else self.text
        self._trigger_texture()

    def _drawn_text(self) -> str:
        width = self.text_size[0]
        if not width:
            return shape(self.text)
        padding = self.padding if len(self.padding) == 4 else [0] * 4
        room = width - padding[0] - padding[2] - 2
        core = self._label
        return "\n".join(visual_lines(self.text, lambda line: core.get_extents(line)[0] <= room))


def follow_direction(roots, rtl: bool) -> None:
    """Tell every widget under `roots` that follows the reading direction (a ShapedLabel,
    a mirrored row) that it changed; each once."""
    seen = set()
    for root in roots:
        for widget in root.walk(restrict=True):
            if id(widget) not in seen and hasattr(widget, "follow_direction"):
                seen.add(id(widget))
                widget.follow_direction(rtl)


def install() -> None:
    """Every `Label` in the kv rules becomes a ShapedLabel (call before loading kv)."""
    Factory.unregister("Label")
    Factory.register("Label", cls=ShapedLabel)


def current_language() -> str:
    app = App.get_running_app()
    return getattr(app, "lang", i18n.SOURCE_LANGUAGE) if app else i18n.SOURCE_LANGUAGE


def tr(msgid: str, lang: str | None = None, **values) -> str:
    """Translate a Dutch msgid into the visitor's language and fill {values}; logical
    order (the label shapes it). kv rules pass `app.lang` as `lang` so the text is rebuilt
    when the language changes."""
    text = i18n.gettext_for(lang or current_language())(msgid)
    return text.format(**values) if values else text


def trn(singular: str, plural: str, count: int, lang: str | None = None, **values) -> str:
    """The plural form of a counted text for `count`, with {count} and {values} filled."""
    text = i18n.ngettext_for(lang or current_language())(singular, plural, count)
    return text.format(count=count, **values)


def pick(texts: dict | str | None, lang: str | None = None) -> str:
    """A feed text in the visitor's language when the feed has it, else Dutch."""
    return i18n.feed_text(texts, lang or current_language())


def result_heading(result, lang: str) -> tuple[str, str]:
    """A result's course title and provider name, as the list and the detail show them."""
    return pick(result.course["title"], lang), result.provider.get("name") or ""


def title_language(result, lang: str) -> str:
    """The language a result's title is shown in (Dutch unless the feed translated it)."""
    return i18n.feed_language(result.course["title"], lang)
