"""Temporarily unavailable: shown instead of the welcome screen when the kiosk cannot
serve visitors (kiosk/site/availability.py decides). Calm words and how to reach the
Leerwinkel; staff reach the staff screen, which says why."""
from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.site import opening_hours
from screens.home import HomeScreen
from screens.text import tr


def contact_text(site, lang: str) -> str:
    """The Leerwinkel's name, phone, address and opening hours, one per line."""
    lines = [site.name]
    if site.phone:
        lines.append(tr("Telefoon: {phone}", lang, phone=site.phone))
    if site.address:
        lines.append(tr("Adres: {address}", lang, address=site.address))
    hours = opening_hours.visitor_hours(site, lang)
    if hours:
        lines.append(tr("Open: {hours}", lang, hours="\n".join(hours)))
    return "\n".join(lines)


class UnavailableScreen(HomeScreen):
    contact = StringProperty("")

    def on_activate(self):
        super().on_activate()
        app = self.app
        self.contact = contact_text(app.cfg.site, app.lang)


SCREEN_CLASS = UnavailableScreen
