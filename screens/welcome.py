"""Welcome: language choice and the start button. Five quick taps on the site name open
the staff PIN screen (the documented hidden gesture)."""
from __future__ import annotations

from kivy.app import App

from kiosk import i18n
from screens.home import HomeScreen


class WelcomeScreen(HomeScreen):
    def spoken_text(self) -> str:
        _ = i18n.gettext_for(App.get_running_app().lang)
        return " ".join((_("Welkom"), _("Zoek een opleiding die bij je past."),
                         _("Het is gratis. We bewaren niets over jou."), _("Raak de knop Start aan.")))


SCREEN_CLASS = WelcomeScreen
