"""Staff screen: catalog health, refresh with progress and report, rollback, leave kiosk,
and the usage chart."""
from __future__ import annotations

import threading
from io import BytesIO

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.modalview import ModalView

from kiosk.booking import handoff
from kiosk.catalog import quality, status, store
from kiosk.guidance import rules
from kiosk.site import stats
from kiosk.text.printable import one_line
from screens.text import tr
from screens.widgets import KioskScreen, running_app

REPORT_LINES = 50               # rejected courses listed on screen; the CLI lists them all
CHART_DAYS = 91                 # the usage chart: the last 13 weeks


class UsageChart(ModalView):
    """The chart of `kiosk stats --chart` over the whole window; "drawing…" until the
    staff screen hands it the picture. Closed when staff leave."""
    texture = ObjectProperty(None, allownone=True)
    message = StringProperty("")

    def on_pre_open(self):
        self.message = tr("Bezig met tekenen…", running_app().lang)

    def show(self, png: bytes | None, reason: str) -> None:
        from kivy.core.image import Image as CoreImage
        if png is None:
            self.message = tr("De kiosk kan de grafiek nu niet tekenen: {reason}",
                              running_app().lang, reason=one_line(reason, 200))
            return
        self.texture = CoreImage(BytesIO(png), ext="png", nocache=True).texture
        self.message = ""

    def on_dismiss(self):
        self.texture = None                   # a screen-sized texture: free it now


class StaffScreen(KioskScreen):
    status_text = StringProperty("")
    report = StringProperty("")
    progress = NumericProperty(0)
    busy = BooleanProperty(False)
    source = StringProperty("")
    secret_warning = StringProperty("")     # the booking secret is missing or too short
    confirm_shrink = BooleanProperty(False)  # the last refresh waits for staff to confirm

    def on_activate(self):
        app = self.app
        self.source = app.cfg.catalog.source
        self.show_status()

    def on_leave(self, *args):
        self.app.lock_staff()     # whoever comes next needs the PIN again
        if self._chart is not None:
            self._chart.dismiss(animation=False)

    _chart = None                # the open chart view
    _drawing = False             # a child process is drawing the chart

    def show_chart(self):
        """Open the chart view and draw the chart in a child process (kiosk/site/stats_chart.py:
        matplotlib never loads in the kiosk); one drawing at a time."""
        self._chart = UsageChart()
        self._chart.bind(on_dismiss=lambda view: setattr(self, "_chart", None))
        self._chart.open()
        if not self._drawing:
            self._drawing = True
            app = self.app
            size = (Window.width, Window.height - dp(150))
            threading.Thread(target=self._draw, name="chart", daemon=True,
                             args=(CHART_DAYS, app.cache_dir, app.cfg.site.name, size)).start()

    def _draw(self, *args):
        from kiosk.site import stats_chart
        png, reason = None, ""
        try:
            png = stats_chart.render_in_child(*args)
        except (stats_chart.ChartError, OSError) as exc:
            reason = str(exc)
        Clock.schedule_once(lambda dt: self._drawn(png, reason), 0)

    def _drawn(self, png, reason):
        self._drawing = False
        if self._chart is not None:          # still open
            self._chart.show(png, reason)

    def show_status(self):
        app = self.app
        s = status.status(app.cfg, app.cache_dir)
        lines = [
            tr("Bron: {source}", app.lang, source=s.get("source") or "-"),
            tr("Uitgever: {publisher}", app.lang, publisher=s.get("publisher") or "-"),
            tr("Feed gemaakt op: {when}", app.lang, when=s.get("feed_generated_at") or "-"),
            tr("Ververst op: {when}", app.lang, when=s.get("refreshed_at") or "-"),
            tr("{providers} aanbieders, {courses} opleidingen", app.lang,
               providers=s.get("providers", 0), courses=s.get("courses", 0)),
        ]
        if s.get("present"):
            count, failed, score = quality.summary(quality.build(app.cfg, app.cache_dir))
            lines.append(tr("Bronnen: {count}, mislukt: {failed}. Kwaliteit: {score} van 100",
                            app.lang, count=count, failed=failed, score=score))
        week = stats.totals_if_readable(7, app.cache_dir)
        if week is not None:
            lines.append(tr("Laatste 7 dagen: {visits} bezoeken, {bookings} keer de afspraakcode "
                            "getoond", app.lang,
                            visits=stats.shown(week.get("visit", {}).get("", 0)),
                            bookings=stats.shown(week.get("booking", {}).get("", 0))))
        if app.home_screen() and app.unavailable_reason:
            lines.append(tr("Buiten gebruik voor bezoekers: {reason}", app.lang,
                            reason=app.unavailable_reason))
        if rules.for_day() is None:
            lines.append(tr("Let op: er is geen tarievenbestand voor vandaag. Daarom noemt de "
                            "kiosk geen prijzen. Meer uitleg: kiosk doctor", app.lang))
        if s.get("stale") and s.get("age_days") is None and s.get("present"):
            lines.append(tr("Let op: de ouderdom van de catalogus is onbekend (liep de klok "
                            "voor?). Ververs hem.", app.lang))
        elif s.get("stale"):
            lines.append(tr("Let op: de catalogus is {days} dagen oud. Ververs hem.", app.lang,
                            days=int(s.get("age_days") or 0)))
        if s.get("last_ok") is False:          # also a refresh whose process died
            lines.append(tr("Laatste verversing mislukt ({when}): {message}", app.lang,
                            when=s.get("last_attempt_at") or "-",
                            message=one_line(s.get("last_message"), 300)))
        self.status_text = "\n".join(lines)
        problem = handoff.secret_problem(app.cfg)
        self.secret_warning = tr(problem, app.lang) if problem else ""

    def refresh(self, allow_shrink=False):
        app = self.app
        self.busy = True
        self.confirm_shrink = False
        self.progress = 0
        self.report = tr("Bezig met verversen…", app.lang)
        app.refresh_catalog(source=self.source or None, on_progress=self._on_progress,
                            on_done=self._on_done, allow_shrink=allow_shrink)

    def _on_progress(self, fraction, message):
        self.progress = fraction * 100
        self.report = tr(message, self.app.lang)

    def _on_done(self, report):
        self.busy = False
        self.progress = 100
        self.confirm_shrink = report.needs_confirm
        self.report = report.text(max_rejected=REPORT_LINES)
        self.show_status()

    def rollback(self):
        app = self.app
        report = store.rollback(app.cache_dir)
        app.open_catalog()
        self.report = report.text(max_rejected=REPORT_LINES)
        self.show_status()

    def go_back(self):
        self.app.go_home()


SCREEN_CLASS = StaffScreen
