"""Booking: the QR code that opens the Leerwinkel's booking page, and a no-smartphone route."""
from __future__ import annotations

from io import BytesIO

from kivy.app import App
from kivy.core.image import Image as CoreImage
from kivy.properties import ObjectProperty, StringProperty

from kiosk import handoff, i18n
from screens.text import pick, shape, tr
from screens.widgets import KioskScreen


class BookingScreen(KioskScreen):
    qr_texture = ObjectProperty(None, allownone=True)
    url = StringProperty("")
    chosen = StringProperty("")
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
        site = app.cfg.site
        lines = [tr("Geen smartphone? Bel of kom langs:", lang)]
        lines += [shape(v) for v in (site.name, site.phone, site.address, site.opening_hours) if v]
        self.contact = "\n".join(lines)

    def go_back(self):
        app = App.get_running_app()
        app.manager.current = "results" if app.outcome is not None else "welcome"

    def spoken_text(self) -> str:
        app = App.get_running_app()
        _ = i18n.gettext_for(app.lang)
        site = app.cfg.site
        return ". ".join([_("Scan de code met je gsm. Dan maak je een afspraak met een begeleider."),
                          _("Geen smartphone? Bel of kom langs:"), site.name, site.phone,
                          site.address, site.opening_hours])


SCREEN_CLASS = BookingScreen
