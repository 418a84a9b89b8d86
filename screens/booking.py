"""Booking: the QR code that opens the Leerwinkel's booking page, and a no-smartphone route."""
from __future__ import annotations

import threading
from io import BytesIO

from kivy.clock import Clock
from kivy.core.image import Image as CoreImage
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty

from kiosk.booking import handoff, slip
from kiosk.site import opening_hours
from kiosk.text import i18n
from screens.text import pick, tr
from screens.widgets import KioskScreen

AFTER_SCAN = (
    i18n.N_("1. Je smartphone opent de website van de Leerwinkel."),
    i18n.N_("2. Je kiest een dag en een uur."),
    i18n.N_("3. Een begeleider praat met jou over je keuze."),
)


def contact_lines(site, lang: str) -> list[str]:
    """How a visitor without a smartphone reaches a person: the site's phone and address,
    or (when the config has neither) the counter or the staff where the kiosk stands."""
    if not (site.phone or site.address):
        return [tr("Geen smartphone? Vraag hulp aan de balie of aan een medewerker hier.", lang)]
    lines = [tr("Geen smartphone? Bel of kom langs:", lang)]
    return (lines + [v for v in (site.name, site.phone, site.address) if v]
            + opening_hours.visitor_hours(site, lang))


class BookingScreen(KioskScreen):
    qr_texture = ObjectProperty(None, allownone=True)
    url = StringProperty("")
    chosen = StringProperty("")
    chosen_lang = StringProperty("")      # Dutch for course titles the feed did not translate
    contact = StringProperty("")
    steps = StringProperty("")
    qr_side = NumericProperty(dp(440))
    type_scale = NumericProperty(1)
    can_print = BooleanProperty(False)    # a receipt printer is configured ([printer])
    printing = BooleanProperty(False)
    print_message = StringProperty("")
    slip_titles: list[str] = []

    def qr_rect(self) -> tuple[float, float, float, float]:
        """Where the code is drawn (x, y, width, height); a popup never covers it."""
        qr = self.ids.qr
        return (*qr.to_window(qr.x, qr.y), qr.width, qr.height)

    def on_activate(self):
        app = self.app
        lang = app.lang
        self.url = self.visit.booking_url()
        texture = CoreImage(BytesIO(handoff.qr_png(self.url, box_px=8)), ext="png").texture
        texture.mag_filter = "nearest"
        texture.min_filter = "nearest"
        self.qr_texture = texture
        marked = self.visit.marked_courses()
        titles = ["• " + pick(course["title"], lang) for course in marked]
        self.slip_titles = [title[2:] for title in titles]
        self.can_print, self.printing, self.print_message = slip.configured(app.cfg), False, ""
        self.chosen = "\n".join(titles) if titles else tr("Praten over mijn mogelijkheden", lang)
        self.chosen_lang = "nl" if titles and lang != "nl" else ""
        self.steps = "\n".join(tr(step, lang) for step in AFTER_SCAN)
        self.contact = "\n".join(contact_lines(app.cfg.site, lang))

    def print_slip(self):
        """Print the paper slip beside the visit: a printer that fails only says so."""
        if self.printing or not self.can_print:
            return
        app = self.app
        lang, cfg, url, titles = app.lang, app.cfg, self.url, list(self.slip_titles)
        self.printing, self.print_message = True, tr(slip.PRINTING, lang)

        def work():
            try:
                slip.print_slip(cfg, lang, titles, url)
                message = slip.PRINTED
            except slip.PrinterError as exc:
                message = exc.message
            except Exception:       # never a traceback on the screen; the visit goes on
                slip.LOG.exception("slip not printed")
                message = slip.PRINTER_BROKEN
            Clock.schedule_once(lambda _dt: self._printed(message, lang))

        threading.Thread(target=work, name="slip", daemon=True).start()

    def _printed(self, message: str, lang: str):
        self.printing, self.print_message = False, tr(message, lang)

    def go_back(self):
        self.manager.current = "results" if self.visit.outcome is not None else "welcome"


SCREEN_CLASS = BookingScreen
