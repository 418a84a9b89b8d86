"""Staff PIN entry. Without a configured PIN, staff access exists only outside kiosk mode."""
from __future__ import annotations

from kivy.app import App
from kivy.properties import StringProperty

from kiosk import staff
from screens.text import tr
from screens.widgets import KioskScreen


class PinScreen(KioskScreen):
    pin = StringProperty("")
    message = StringProperty("")

    def on_activate(self):
        self.pin = ""
        app = App.get_running_app()
        if not app.cfg.staff.pin_hash:
            if app.kiosk_mode:
                self.message = tr("Er is geen PIN ingesteld. Stel er een in met: kiosk staff set-pin", app.lang)
            else:
                app.manager.current = "staff"    # windowed mode without a PIN: no lock
        else:
            self.message = ""

    def key(self, key: str) -> None:
        if key == "<":
            self.pin = self.pin[:-1]
        elif len(self.pin) < staff.MAX_PIN_DIGITS:
            self.pin += key

    def confirm(self) -> None:
        app = App.get_running_app()
        if app.cfg.staff.pin_hash and staff.verify_pin(self.pin, app.cfg.staff.pin_hash):
            app.manager.current = "staff"
        else:
            self.message = tr("Verkeerde PIN.", app.lang)
        self.pin = ""

    def go_back(self):
        App.get_running_app().go_home()


SCREEN_CLASS = PinScreen
