"""What the read-aloud button says: every text shown, taken from the real widget tree.

The open popup is read when there is one, else the current screen. Labels are read in
reading order (top to bottom, then from the start side of the line); a label's text is in
the screen's language unless it names its own (`speech_lang`: a Dutch course title, a
language's name on the picker). Arabic texts the kiosk ships are said in their vocalised
form (kiosk/text/spoken_forms.py).
"""
from __future__ import annotations

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView

from kiosk.text import speech, spoken_forms


def _shown(widget) -> bool:
    return widget.opacity > 0 and widget.width > 1 and widget.height > 1


def _in_order(children, rtl: bool):
    """Children in reading order: rows from the top, then from the start side."""
    return sorted(children, key=lambda w: (-round(w.top / 8), -w.right if rtl else w.x))


def labels_in_reading_order(root, rtl: bool):
    """The labels a visitor sees under root, in reading order."""
    if not _shown(root):
        return
    if isinstance(root, Label):
        if root.text.strip():
            yield root
        return
    for child in _in_order(root.children, rtl):
        yield from labels_in_reading_order(child, rtl)


def reading_root(app):
    """The open popup (the top one), else the current screen."""
    popups = [w for w in Window.children if isinstance(w, ModalView)]
    return popups[0] if popups else app.manager.current_screen


def segments(root, lang: str, rtl: bool) -> list[tuple[str, str]]:
    """(text, language) pairs for every label shown under root."""
    out = []
    for label in labels_in_reading_order(root, rtl):
        text_lang = getattr(label, "speech_lang", "") or lang
        out.append((spoken_forms.spoken(label.text, text_lang), text_lang))
    return out


def as_text(parts) -> str:
    """The segments as one text (what tests and the log see)."""
    return "\n".join(text for text, _ in parts)


class ReadAloud:
    """The app's read-aloud behaviour (mixed into KioskApp, which holds the properties
    `speaking`, `speech_on`, `can_speak`, `lang`, `rtl` and `last_spoken`)."""

    def read_aloud(self, screen=None) -> None:
        """The read-aloud button: starts reading what is shown, or stops a reading. While
        speech is on, every new screen and popup of this visit is read too."""
        if self.speaking:
            self.stop_reading()
            self.speech_on = False
            return
        self.speech_on = True
        self.read_view()

    def read_view(self, dt=None) -> None:
        """Read the open popup, else the current screen, in the screen's language."""
        parts = segments(reading_root(self), self.lang, self.rtl)
        self.last_spoken = as_text(parts)
        self.speaking = speech.speak_segments(parts)

    def view_changed(self) -> None:
        """A new screen, popup or language: read it when the visitor turned speech on."""
        if self.speech_on and self.can_speak:
            Clock.unschedule(self.read_view)
            Clock.schedule_once(self.read_view, 0.3)     # after the new view is laid out

    def stop_reading(self) -> None:
        Clock.unschedule(self.read_view)
        speech.stop()
        self.speaking = False

    def watch_speech(self, dt) -> None:
        if self.speaking and not speech.speaking():
            self.speaking = False
