"""Shared by bench/monkey.py and bench/soak.py: the real kiosk in an off-screen window,
simulated touches through Kivy's input events, and the process's memory from /proc."""
from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def off_screen_env() -> None:
    """Before Kivy is imported: SDL off screen, no argv parsing, a private Kivy home."""
    os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-home-"))


def memory_mb() -> dict:
    """RSS, PSS and USS (private: what only this process holds, whatever else runs on the
    machine) of this process in MB (Linux /proc/self/smaps_rollup)."""
    out = {"uss": 0.0}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        mb = int(rest.split()[0]) / 1024 if rest.strip() else 0
        if key in ("Rss", "Pss"):
            out[key.lower()] = round(mb, 1)
        elif key in ("Private_Clean", "Private_Dirty"):
            out["uss"] = round(out["uss"] + mb, 1)
    return out


class ErrorLog(logging.Handler):
    """Keeps every log record at ERROR or above (the app logs each exception it catches)."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record):
        text = self.format(record)
        if "core_select_lib" not in text and not text.startswith("Cutbuffer:"):
            self.records.append(text)     # not Kivy saying a clipboard tool is missing


def catch_errors() -> ErrorLog:
    """Collect errors, and show warnings and errors on standard error."""
    handler = ErrorLog()
    root = logging.getLogger()
    root.addHandler(handler)
    shown = logging.StreamHandler()
    shown.setLevel(logging.WARNING)
    root.addHandler(shown)
    return handler


def touch(x: float, y: float, moves=()) -> None:
    """A finger down at (x, y), through `moves` (window pixels), and up again."""
    from kivy.tests.common import UnitTestTouch
    finger = UnitTestTouch(x, y)
    finger.touch_down()
    for mx, my in moves:
        finger.touch_move(mx, my)
    finger.touch_up()


def start_app(cfg, size: str, on_started, kiosk_mode: bool = False):
    """Build the real KioskApp in an off-screen window and call on_started(app) once it
    shows its first frame; returns the app after it stopped."""
    from screens.launch import configure_kivy
    configure_kivy(size, fullscreen=False)
    from kivy.clock import Clock

    from screens.app import KioskApp
    app = KioskApp(cfg, kiosk_mode=kiosk_mode)
    Clock.schedule_once(lambda dt: on_started(app), 0.5)
    app.run()
    return app
