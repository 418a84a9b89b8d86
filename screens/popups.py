"""Modal views: the idle warning and the language picker."""
from __future__ import annotations

import tempfile
from pathlib import Path

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.modalview import ModalView

from kiosk import speech
from screens.text import trn
from screens.widgets import fill_language_buttons

_chime = None


def play_chime() -> None:
    """A short sound that draws a visitor's attention back to the screen (the idle
    warning); silent where the machine has no sound output."""
    global _chime
    if not speech.sound_output():        # no sound card: nothing to play, nothing to log
        return
    try:
        if _chime is None:
            from kivy.core.audio import SoundLoader
            path = Path(tempfile.gettempdir()) / "leerwinkel-chime.wav"
            path.write_bytes(speech.tone_wav())
            _chime = SoundLoader.load(str(path)) or False
        if _chime:
            _chime.play()
    except Exception:                 # a missing sound never stops the warning
        _chime = False


class IdleWarning(ModalView):
    """'Are you still there?' with a big button; counts down to the visit being wiped."""
    seconds = NumericProperty(20)
    countdown_text = StringProperty("")
    _tick = None

    def on_seconds(self, *args):
        self.countdown_text = trn(
            "Nog {count} seconde. Dan begint alles opnieuw en wissen we wat je koos.",
            "Nog {count} seconden. Dan begint alles opnieuw en wissen we wat je koos.",
            int(self.seconds))

    def on_pre_open(self):
        # not on_open: that comes after the opening animation, and a visitor (or the
        # idle timer) may dismiss the warning before it ends
        self._tick = Clock.schedule_interval(self._count, 1)
        self.on_seconds()
        play_chime()
        App.get_running_app().view_changed()

    def on_dismiss(self):
        App.get_running_app().view_changed()
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None

    def _count(self, dt):
        self.seconds = max(0, self.seconds - 1)


class LanguagePopup(ModalView):
    def on_pre_open(self):
        # before the fade-in, not after it (on_open): the buttons show as the popup does
        fill_language_buttons(self.ids.choices, self._choose, height="104dp")
        App.get_running_app().view_changed()

    def _choose(self, button):
        App.get_running_app().set_language(button.value)
        self.dismiss()
