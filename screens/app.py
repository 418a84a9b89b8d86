"""KioskApp: the screen manager, one visit at a time, idle watch, kiosk-mode window rules."""
from __future__ import annotations

import logging
import time
import traceback
from datetime import datetime
from pathlib import Path

from kivy.app import App
from kivy.base import ExceptionHandler, ExceptionManager
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.properties import BooleanProperty, ListProperty, StringProperty
from kivy.uix.screenmanager import NoTransition, ScreenManager

from kiosk import reach
from kiosk.catalog import db as catalog_mod
from kiosk.site import availability, memory, metrics, stats
from kiosk.site.watchdog import Watchdog
from kiosk.text import i18n, speech
from kiosk.visit import HOME_VIEWS, WITHOUT_VISITOR, VisitController
from screens.loading import LazyScreens, load_kv, popups, register_font
from screens.refreshing import RefreshesCatalog
from screens.spoken import ReadAloud
from screens.text import follow_direction
from screens.text import install as install_shaped_labels

log = logging.getLogger("kiosk")
KEPT_BUILT = {"welcome", "question"}   # every visit uses them; other screens are dropped after
FIRST_FIGURES_AFTER_S = 3     # the first figures file waits until the welcome screen is up
RELEASE_AFTER_S = 1           # after a visit, memory is given back once the home screen is up


class KeepRunning(ExceptionHandler):
    """A visitor never sees a crash: log the error, wipe the visit, show the welcome screen."""

    def handle_exception(self, exc):
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            return ExceptionManager.RAISE
        log.error("Unexpected error, visit reset:\n%s", traceback.format_exc())
        app = App.get_running_app()
        metrics.record_crash(getattr(app, "cache_dir", None))
        if app is not None:
            Clock.schedule_once(lambda dt: app.go_home(), 0)
        return ExceptionManager.PASS


class KioskApp(ReadAloud, RefreshesCatalog, App):
    lang = StringProperty(i18n.SOURCE_LANGUAGE)
    rtl = BooleanProperty(False)
    can_speak = BooleanProperty(False)
    speaking = BooleanProperty(False)      # a reading goes on: the read-aloud button stops it
    speech_on = BooleanProperty(False)     # this visitor asked for speech: new views are read
    portrait = BooleanProperty(True)
    site_name = StringProperty("")
    catalog_problem = BooleanProperty(False)
    reach_band = ListProperty([0, 960])   # rows (from the bottom) where controls go
    qr_band = ListProperty([0, 960])      # rows the booking QR code may cover

    def __init__(self, cfg, kiosk_mode: bool = False, cache_dir: Path | None = None, **kwargs):
        super().__init__(**kwargs)
        self.cfg = cfg
        self.kiosk_mode = kiosk_mode
        self.cache_dir = cache_dir
        self.catalog = None
        self._catalog_stamp = None
        self.catalog_reason = ""
        self._home_change = None
        # the visit and its rules (kiosk/visit.py); the screens show it and forward taps
        self.visit = VisitController(
            cfg, catalog=lambda: self.catalog,
            count=lambda events: stats.count_all(events, self.cache_dir),
            monotonic=time.monotonic, now=datetime.now,
            crash_times=lambda: metrics.event_times(metrics.read_health(self.cache_dir)))
        self.mounting = reach.Mounting(cfg.screen.top_edge_m, cfg.screen.diagonal_in)
        self.allow_close = not kiosk_mode
        self._idle_popup = None
        self.last_spoken = ""
        self.title = cfg.site.name

    @property
    def last_touch(self) -> float:
        """When the screen was last touched (time.monotonic()); the idle rules count from it."""
        return self.visit.last_touch

    @last_touch.setter
    def last_touch(self, when: float) -> None:
        self.visit.last_touch = when

    @property
    def staff_unlocked(self) -> bool:
        """True only while the staff screen is open after the PIN."""
        return self.visit.staff_unlocked

    @property
    def unavailable_reason(self) -> str:
        """Why visitors cannot be served now ("" = they can), for the staff screen."""
        return self.visit.unavailable_reason

    # --- building -------------------------------------------------------------------
    def build(self):
        register_font()
        install_shaped_labels()
        self._on_size(Window, Window.size)     # screens built below lay out for this shape
        ExceptionManager.add_handler(KeepRunning())
        load_kv("widgets")
        self.site_name = self.cfg.site.name
        self.can_speak = speech.available()
        manager = LazyScreens(transition=NoTransition())
        Window.clearcolor = (1, 1, 1, 1)
        Window.bind(on_request_close=self._on_request_close, on_keyboard=self._on_keyboard,
                    size=self._on_size)
        Window.bind(on_touch_down=self._on_touch)
        Clock.schedule_interval(lambda dt: self.check_idle(), 1)
        Clock.schedule_interval(self.watch_speech, 0.5)
        manager.bind(current=lambda *a: self.view_changed())
        Clock.schedule_interval(lambda dt: self.refresh_if_due(), 60)
        self.open_catalog()
        manager.current = self.home_screen()
        Clock.schedule_interval(self._check_home, 30)
        self._schedule_home_change()
        metrics.record_start(self.cache_dir)
        Clock.schedule_once(self.write_metrics, FIRST_FIGURES_AFTER_S)
        Clock.schedule_interval(self.write_metrics, max(10, self.cfg.health.metrics_every_s))
        return manager

    def on_start(self):
        """The UI is up: tell systemd, then ping its watchdog from this loop."""
        self.watchdog = Watchdog()
        self.watchdog.ready(f"showing {self.cfg.site.name}")
        Clock.schedule_interval(self.watchdog.ping, self.watchdog.ping_every_s)

    def on_stop(self):
        if getattr(self, "watchdog", None) is not None:
            self.watchdog.stopping()

    def _on_size(self, window, size):
        self.portrait = size[1] >= size[0]
        self.reach_band = list(reach.operable_band(self.mounting, tuple(size)))
        self.qr_band = list(reach.qr_band(self.mounting, tuple(size)))

    def _on_request_close(self, *args, **kwargs):
        return not self.allow_close      # True = refuse: kiosk mode has no way out

    def _on_keyboard(self, window, key, *args):
        self.visit.touch()               # staff typing a source URL is not idle
        return key in (27, 282)          # Escape and F1 (Kivy's settings) do nothing

    def open_settings(self, *largs):
        return False                     # Kivy's settings panel would be a way out

    def _on_touch(self, window, touch):
        self.visit.touch()
        return False

    # --- catalog ----------------------------------------------------------------------
    def open_catalog(self) -> None:
        """(Re)open the cached catalog when a new one was swapped in; called between visits.
        A new file that cannot be used leaves the open one in service."""
        try:
            path = catalog_mod.current_path(self.cache_dir)
            if not path.is_file() or catalog_mod.outdated(path):
                # first start, a FIFO/folder there, or an older kiosk's file: a refresh repairs it
                from kiosk.catalog import child, pipeline
                path = pipeline.ensure_catalog(self.cfg, self.cache_dir, run=child.refresh_in_child)
            stat = path.stat()
            stamp = (stat.st_ino, stat.st_mtime_ns)
            if stamp != self._catalog_stamp:
                fresh = availability.open_usable(path)
                if self.catalog is not None:
                    self.catalog.close()
                self.catalog, self._catalog_stamp = fresh, stamp
            reason = ""
        except Exception as exc:
            log.error("No usable catalog:\n%s", traceback.format_exc())
            reason = str(exc).strip() or type(exc).__name__
        self.catalog_reason = reason if self.catalog is None else ""
        self.catalog_problem = bool(self.catalog_reason)

    def home_screen(self) -> str:
        """The home view the core chooses (kiosk.visit.home_view)."""
        return self.visit.home(self.catalog_reason)

    def _check_home(self, dt=None) -> None:
        """Between visitors, move to the right home screen when it changes (opening or
        closing time, a crash loop ends, a catalog is repaired)."""
        if self.manager.current in HOME_VIEWS:
            if self.manager.current == "unavailable":
                self.open_catalog()
            if self.home_screen() != self.manager.current:
                self.go_home()
        self._schedule_home_change()

    def _schedule_home_change(self) -> None:
        """Look again right after the next opening or closing time (the 30 s check is the
        fallback when the clock jumps)."""
        if self._home_change is not None:
            self._home_change.cancel()
        wait_s = self.visit.seconds_to_home_change()
        self._home_change = None if wait_s is None else Clock.schedule_once(
            self._check_home, wait_s + 0.5)

    # --- a visit ----------------------------------------------------------------------
    @property
    def manager(self) -> ScreenManager:
        return self.root

    def set_language(self, lang: str) -> None:
        """Switch language (the visit re-renders results already shown); the screen on
        view builds its Python-made text again."""
        self.visit.set_language(lang)
        changed = lang != self.lang
        self.lang = lang
        self.rtl = lang in i18n.RTL_LANGUAGES
        if changed:
            screen = self.manager.current_screen if self.manager else None
            if screen is not None and hasattr(screen, "on_activate"):
                screen.on_activate()     # what the screen built in Python, in the new language
            self.view_changed()

    def start_visit(self) -> None:
        self.open_catalog()
        if self.home_screen() != "welcome":
            self.go_home()
            return
        self.show_question(self.visit.start())

    def show_question(self, question) -> None:
        """Show a question (or the question of that id); None: the answers are complete,
        show the results."""
        if isinstance(question, str):
            question = self.visit.question_by_id(question)
        if question is None:
            self.show_results()
        else:
            self.manager.get_screen("question").show(question)
            self.manager.current = "question"

    def go_back_from_question(self) -> None:
        previous = self.visit.back()
        if previous is None:
            self.go_home()
        else:
            self.show_question(previous)

    def show_results(self) -> None:
        self.visit.results()
        self.manager.current = "results"

    def show_detail(self, index: int) -> None:
        self.visit.open_result(index)
        self.manager.current = "detail"

    def show_booking(self) -> None:
        self.visit.book()
        self.manager.current = "booking"

    def go_home(self) -> None:
        """Start over: forget everything the visitor entered."""
        self.stop_reading()
        self.speech_on = False
        self._close_idle_popup()
        popups().close_all()             # "start over?", the language picker
        self.visit.end()
        self.manager.current = self.home_screen()
        self.manager.forget(set(self.manager.screen_names) - KEPT_BUILT)
        self.set_language(i18n.SOURCE_LANGUAGE)      # only the home screen follows it
        Clock.schedule_once(lambda dt: memory.release(), RELEASE_AFTER_S)

    def in_visit(self) -> bool:
        return self.manager is not None and self.manager.current not in WITHOUT_VISITOR

    # --- language and speech ------------------------------------------------------------
    def languages(self) -> list[str]:
        return self.visit.languages()

    def on_rtl(self, app, rtl) -> None:
        """Built screens and open popups follow the new reading direction."""
        follow_direction([*(self.manager.screens if self.manager else ()), *Window.children], rtl)

    def open_language_picker(self) -> None:
        popups().LanguagePopup().open()

    # --- idle -------------------------------------------------------------------------
    def check_idle(self) -> None:
        """Warn, then wipe the visit, when nobody touched the screen for a while; lock the
        staff screen when staff walked away (the rules: VisitController.idle_state; runs
        every second)."""
        state = self.visit.idle_state(self.manager.current)
        if state == "warning" and self._idle_popup is None:
            self._idle_popup = popups().IdleWarning(seconds=int(self.visit.idle.warning_s))
            self._idle_popup.open()
        elif state in ("expired", "lock"):
            self.go_home()

    def ask_start_over(self) -> None:
        """'Start over' wipes the visit: ask first."""
        popups().StartOverQuestion.ask()

    def more_time(self) -> None:
        self.visit.touch()
        self._close_idle_popup()

    def _close_idle_popup(self) -> None:
        popup, self._idle_popup = self._idle_popup, None   # forgotten even if dismiss fails
        if popup is not None:
            popup.dismiss()

    # --- staff --------------------------------------------------------------------------
    def open_staff(self) -> None:
        self.visit.lock_staff()
        self.manager.current = "pin"

    def unlock_staff(self) -> None:
        """After the right PIN (or, outside kiosk mode, when no PIN is set)."""
        self.visit.unlock_staff()
        self.manager.current = "staff"

    def lock_staff(self) -> None:
        self.visit.lock_staff()

    def leave_kiosk(self) -> None:
        if not self.visit.may_leave_kiosk(self.kiosk_mode):
            log.warning("Leaving kiosk mode refused: the staff screen is locked")
            return
        self.allow_close = True
        self.stop()

    def write_metrics(self, dt=None) -> None:
        """Health figures for the fleet's Prometheus (kiosk/site/metrics.py)."""
        metrics.write_quietly(self.cfg, self.cache_dir)
