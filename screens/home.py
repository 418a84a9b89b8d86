"""What the screens shown between visitors (welcome, unavailable, closed) share: the
language buttons and the hidden staff gesture, five quick taps on the site name (the
rule: kiosk.visit.VisitController.staff_tap)."""
from __future__ import annotations

from screens.widgets import KioskScreen, fill_language_buttons


class HomeScreen(KioskScreen):
    """A screen shown between visitors; its kv has ids `languages` and `site_name`."""

    def on_activate(self):
        fill_language_buttons(self.ids.languages, self._choose_language)

    def _choose_language(self, button):
        self.app.set_language(button.value)

    def site_name_tapped(self):
        if self.visit.staff_tap():
            self.app.open_staff()
