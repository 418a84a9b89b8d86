"""Booking: the QR code that opens the Leerwinkel's booking page, and a no-smartphone route."""
from __future__ import annotations

from io import BytesIO

from kivy.app import App
from kivy.core.image import Image as CoreImage
from kivy.properties import ObjectProperty, StringProperty

from kiosk import handoff, i18n
from screens.text import pick, tr
from screens.widgets import KioskScreen


class BookingScreen(KioskScreen):
    qr_texture = ObjectProperty(None, allownone=True)
    url = StringProperty("")
    chosen = StringProperty("")
    chosen_lang = StringProperty("")      # Dutch for course titles the feed did not translate
    contact = StringProperty("")

    def on_activate(self):
        app = App.get_running_app()
        lang = app.lang
        answers = app.visit.contract_answers()
        self.url = handoff.booking_url(app.cfg, answers, list(app.visit.marked))
        texture = CoreImage(BytesIO(handoff.qr_png(self.url, box_px=8)), ext="png").texture
        texture.mag_filter = "nearest"
        texture.min_filter = "nearest"
        self.qr_texture = texture
        titles = []
        for course_id in app.visit.marked:
            course = app.catalog.course(course_id) if app.catalog else None
            if course:
                titles.append("• " + pick(course["title"], lang))
        self.chosen = "\n".join(titles) if titles else tr("Praten over mijn mogelijkheden", lang)
        self.chosen_lang = "nl" if titles and lang != "nl" else ""
        site = app.cfg.site
        lines = [tr("Geen smartphone? Bel of kom langs:", lang)]
        lines += [v for v in (site.name, site.phone, site.address, site.opening_hours) if v]
        self.contact = "\n".join(lines)

    def go_back(self):
        app = App.get_running_app()
        app.manager.current = "results" if app.outcome is not None else "welcome"


SCREEN_CLASS = BookingScreen
