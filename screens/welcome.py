"""Welcome: language choice and the start button. Five quick taps on the site name open
the staff PIN screen (the documented hidden gesture)."""
from __future__ import annotations

import time

from kivy.app import App

from kiosk import i18n
from screens.widgets import KioskScreen, fill_language_buttons

STAFF_TAPS = 5
STAFF_TAP_WINDOW_S = 4.0


class WelcomeScreen(KioskScreen):
    def on_kv_post(self, base_widget):
        super().on_kv_post(base_widget)
        self._taps: list[float] = []

    def on_activate(self):
        fill_language_buttons(self.ids.languages, self._choose_language)

    def _choose_language(self, button):
        App.get_running_app().set_language(button.value)   # the buttons follow (on_activate)

    def site_name_tapped(self):
        now = time.monotonic()
        self._taps = [t for t in self._taps if now - t < STAFF_TAP_WINDOW_S] + [now]
        if len(self._taps) >= STAFF_TAPS:
            self._taps = []
            App.get_running_app().open_staff()

    def spoken_text(self) -> str:
        _ = i18n.gettext_for(App.get_running_app().lang)
        return " ".join((_("Welkom"), _("Zoek een opleiding die bij je past."),
                         _("Het is gratis. We bewaren niets over jou."), _("Raak de knop Start aan.")))


SCREEN_CLASS = WelcomeScreen
