"""Modal views: the idle warning and the language picker."""
from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import NumericProperty
from kivy.uix.modalview import ModalView

from screens.widgets import fill_language_buttons


class IdleWarning(ModalView):
    """'Are you still there?' with a big button; counts down to the visit being wiped."""
    seconds = NumericProperty(20)
    _tick = None

    def on_pre_open(self):
        # not on_open: that comes after the opening animation, and a visitor (or the
        # idle timer) may dismiss the warning before it ends
        self._tick = Clock.schedule_interval(self._count, 1)

    def on_dismiss(self):
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None

    def _count(self, dt):
        self.seconds = max(0, self.seconds - 1)


class LanguagePopup(ModalView):
    def on_pre_open(self):
        # before the fade-in, not after it (on_open): the buttons show as the popup does
        fill_language_buttons(self.ids.choices, self._choose, height="104dp")

    def _choose(self, button):
        App.get_running_app().set_language(button.value)
        self.dismiss()
