"""Closed: outside the site's opening hours (kiosk/site/opening_hours.py). Says when to come
back and how to reach the Leerwinkel, and lets the display sleep after a minute; the app
brings the welcome screen back at opening time."""
from __future__ import annotations

from datetime import datetime

from kivy.clock import Clock
from kivy.properties import StringProperty

from kiosk.site import display, opening_hours
from screens.home import HomeScreen
from screens.text import tr
from screens.unavailable import contact_text

SLEEP_AFTER_S = 60


def come_back_text(table: dict, lang: str, now: datetime) -> str:
    when = opening_hours.next_opening(table, now)
    if when is None:
        return ""
    return tr("Kom {day} terug om {time}.", lang,
              day=tr(opening_hours.day_word(when, now), lang), time=when.strftime("%H:%M"))


class ClosedScreen(HomeScreen):
    come_back = StringProperty("")
    contact = StringProperty("")
    _sleep_event = None

    def on_activate(self):
        super().on_activate()
        app = self.app
        self.come_back = come_back_text(app.cfg.site.open, app.lang, self.visit.now())
        self.contact = contact_text(app.cfg.site, app.lang)
        self._arm_sleep()

    def _arm_sleep(self):
        if self._sleep_event is not None:
            self._sleep_event.cancel()
        self._sleep_event = Clock.schedule_once(lambda dt: display.sleep(), SLEEP_AFTER_S)

    def on_touch_down(self, touch):
        self._arm_sleep()                   # the display woke for this touch: stay awhile
        return super().on_touch_down(touch)

    def on_leave(self, *args):
        if self._sleep_event is not None:
            self._sleep_event.cancel()
            self._sleep_event = None
        display.wake()


SCREEN_CLASS = ClosedScreen
