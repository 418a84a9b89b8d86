"""Welcome: language choice and the start button. Five quick taps on the site name open
the staff PIN screen (the documented hidden gesture)."""
from __future__ import annotations

import time

from kivy.app import App

from kiosk import i18n
from screens.widgets import BigButton, KioskScreen

STAFF_TAPS = 5
STAFF_TAP_WINDOW_S = 4.0


class WelcomeScreen(KioskScreen):
    def on_kv_post(self, base_widget):
        self._taps: list[float] = []

    def on_activate(self):
        app = App.get_running_app()
        box = self.ids.languages
        box.clear_widgets()
        for lang in app.languages():
            button = BigButton(text=i18n.LANGUAGE_NAMES.get(lang, lang), value=lang,
                               selected=lang == app.lang)
            button.height = "80dp"
            button.bind(on_release=self._choose_language)
            box.add_widget(button)

    def _choose_language(self, button):
        App.get_running_app().set_language(button.value)
        for child in self.ids.languages.children:
            child.selected = child.value == button.value

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
