"""Staff PIN entry. Without a configured PIN, staff access exists only outside kiosk mode.
After wrong PINs the entry locks for a while (the rule: kiosk.site.staff.PinLockout); this
screen only shows how long."""
from __future__ import annotations

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from kiosk.site import staff
from kiosk.text import i18n
from screens.text import tr
from screens.widgets import KioskScreen


def wait_text(seconds: int, lang: str) -> str:
    """'Try again in 1 min 30 s' in the visitor's language."""
    _ = i18n.gettext_for(lang)
    minutes, seconds = divmod(seconds, 60)
    wait = (_("{minutes} min {seconds} s").format(minutes=minutes, seconds=seconds) if minutes
            else _("{seconds} s").format(seconds=seconds))
    return tr("Te veel verkeerde PINs. Probeer het opnieuw over {wait}.", lang, wait=wait)


class PinScreen(KioskScreen):
    pin = StringProperty("")
    message = StringProperty("")
    locked = BooleanProperty(False)
    _ticking = None

    def on_activate(self):
        self.pin = ""
        app = self.app
        if not app.cfg.staff.pin_hash:
            if app.kiosk_mode:
                self.message = tr("Er is geen PIN ingesteld. Stel er een in met: kiosk staff set-pin", app.lang)  # noqa: E501
            else:
                app.unlock_staff()               # windowed mode without a PIN: no lock
        else:
            self.message = ""
            self.show_lock(staff.PinLockout(app.cache_dir).wait_s())

    def show_lock(self, wait_s: int) -> None:
        """Lock the keys and count down while the PIN entry is locked."""
        self.locked = wait_s > 0
        if self.locked:
            self.message = wait_text(wait_s, self.app.lang)
            if self._ticking is None:
                self._ticking = Clock.schedule_interval(self._tick, 1)
        elif self._ticking is not None:
            self._ticking.cancel()
            self._ticking = None
            self.message = ""

    def _tick(self, dt):
        self.show_lock(staff.PinLockout(self.app.cache_dir).wait_s())

    def on_leave(self, *args):
        self.show_lock(0)

    def key(self, key: str) -> None:
        if self.locked:
            return
        if key == "<":
            self.pin = self.pin[:-1]
        elif len(self.pin) < staff.MAX_PIN_DIGITS:
            self.pin += key

    def confirm(self) -> None:
        app = self.app
        pin, self.pin = self.pin, ""
        if not app.cfg.staff.pin_hash or self.locked:
            return
        check = staff.PinLockout(app.cache_dir).check(pin, app.cfg.staff.pin_hash)
        if check.ok:
            app.unlock_staff()
        elif check.wait_s:
            self.show_lock(check.wait_s)
        else:
            self.message = tr("Verkeerde PIN.", app.lang)

    def go_back(self):
        self.app.go_home()


SCREEN_CLASS = PinScreen
