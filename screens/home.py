"""What the screens shown between visitors (welcome, unavailable, closed) share: the
language buttons and the hidden staff gesture, five quick taps on the site name."""
from __future__ import annotations

import time

from kivy.app import App

from screens.widgets import KioskScreen, fill_language_buttons

STAFF_TAPS = 5
STAFF_TAP_WINDOW_S = 4.0


class HomeScreen(KioskScreen):
    """A screen shown between visitors; its kv has ids `languages` and `site_name`."""

    def on_kv_post(self, base_widget):
        super().on_kv_post(base_widget)
        self._taps: list[float] = []

    def on_activate(self):
        fill_language_buttons(self.ids.languages, self._choose_language)

    def _choose_language(self, button):
        App.get_running_app().set_language(button.value)

    def site_name_tapped(self):
        now = time.monotonic()
        self._taps = [t for t in self._taps if now - t < STAFF_TAP_WINDOW_S] + [now]
        if len(self._taps) >= STAFF_TAPS:
            self._taps = []
            App.get_running_app().open_staff()
