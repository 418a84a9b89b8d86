"""`kiosk run`: sets Kivy's options for this process, then starts the app.

Kivy reads its options when it is first imported, so nothing here imports Kivy at the
top; the settings go through the environment and kivy.config, never into Kivy's own
config file.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import signal
import sys
from pathlib import Path

log = logging.getLogger("kiosk")
SDL_INIT_VIDEO = 0x20
# sd-daemon(3) priorities: journald files a line that starts with <N> at that priority
JOURNAL_PRIORITY = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4,
                    logging.INFO: 6, logging.DEBUG: 7}


class JournalFormatter(logging.Formatter):
    """One record as lines journald keeps: when standard error is the journal (systemd's
    JOURNAL_STREAM names it), every line (also of a traceback) starts with its <priority>;
    elsewhere lines start with the time. Each line names the level and the logger."""

    def __init__(self, to_journal: bool):
        super().__init__("%(levelname)s %(name)s: %(message)s" if to_journal else
                         "%(asctime)s %(levelname)s %(name)s: %(message)s")
        self.to_journal = to_journal

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if not self.to_journal:
            return text
        prefix = f"<{JOURNAL_PRIORITY.get(record.levelno, 6)}>"
        return "\n".join(prefix + line for line in text.splitlines())


def stderr_is_journal(stream=None) -> bool:
    """True when the stream is the one systemd connected to the journal (systemd.exec(5):
    JOURNAL_STREAM holds its device and inode)."""
    device, _, inode = os.environ.get("JOURNAL_STREAM", "").partition(":")
    try:
        found = os.fstat((stream or sys.stderr).fileno())
        return (str(found.st_dev), str(found.st_ino)) == (device, inode)
    except (OSError, ValueError, AttributeError):
        return False


def log_to_stderr() -> logging.Handler:
    """The kiosk's warnings and errors (and its own info lines) on standard error, where
    the service's journal keeps them. Kivy's own console log is off (KIVY_LOG_MODE=PYTHON):
    its messages come through this handler too."""
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, "kiosk_stderr", False):
            return handler
    handler = logging.StreamHandler(sys.stderr)
    handler.kiosk_stderr = True
    handler.setFormatter(JournalFormatter(stderr_is_journal()))
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    log.setLevel(logging.INFO)
    return handler


class _DisplayMode(ctypes.Structure):
    _fields_ = [("format", ctypes.c_uint32), ("w", ctypes.c_int), ("h", ctypes.c_int),
                ("refresh_rate", ctypes.c_int), ("driverdata", ctypes.c_void_p)]


def _sdl_library():
    import kivy  # Kivy's wheel bundles the SDL its window uses
    bundled = sorted((Path(kivy.__file__).parent.parent / "Kivy.libs").glob("libSDL2-2*.so*"))
    name = str(bundled[0]) if bundled else ctypes.util.find_library("SDL2")
    return ctypes.CDLL(name) if name else None


def desktop_size() -> tuple[int, int] | None:
    """The first display's size in pixels, asked of SDL before Kivy opens its window."""
    try:
        sdl = _sdl_library()
        if sdl is None or sdl.SDL_InitSubSystem(SDL_INIT_VIDEO) != 0:
            return None
        mode = _DisplayMode()
        found = sdl.SDL_GetDesktopDisplayMode(0, ctypes.byref(mode)) == 0
        sdl.SDL_QuitSubSystem(SDL_INIT_VIDEO)
    except OSError:
        return None
    return (mode.w, mode.h) if found and mode.w > 0 and mode.h > 0 else None


def configure_kivy(size: str | None, fullscreen: bool) -> None:
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    # Kivy's console log is off whenever KIVY_NO_CONSOLELOG exists, whatever its value, and
    # its file log fills ~/.kivy/logs: with Python's log mode Kivy adds no handler of its
    # own and every message goes to standard error through log_to_stderr()
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("KIVY_NO_FILELOG", "1")
    os.environ.setdefault("KCFG_KIVY_LOG_LEVEL", "warning")
    log_to_stderr()
    # SDL_image reads the kiosk's PNG icons and QR code; without this Kivy would also load
    # its Pillow reader, and Pillow loads numpy: a slower start and more memory
    os.environ.setdefault("KIVY_IMAGE", "tex,dds,sdl2")
    from kivy.config import Config
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,multitouch_on_demand")
    # no multisampled frame buffers: they cost 60 MB at 1080x1920 under a software
    # renderer; shapes draw their own smooth edges (Smooth* instructions in the kv files)
    Config.set("graphics", "multisamples", "0")
    Config.set("graphics", "resizable", "0" if fullscreen else "1")
    if fullscreen:
        Config.set("graphics", "show_cursor", "0")     # a touchscreen: no pointer (X or cage)
        # 'auto' asks the window manager for fullscreen; without one the window keeps the
        # size it was opened with, so open it at the display's size in its top-left corner
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
        screen = desktop_size()
        if screen is None:
            log.warning("The display's size is unknown: the window may not fill the screen")
        else:
            Config.set("graphics", "width", str(screen[0]))
            Config.set("graphics", "height", str(screen[1]))
            Config.set("graphics", "position", "custom")
            Config.set("graphics", "left", "0")
            Config.set("graphics", "top", "0")
    elif size:
        width, height = size.split("x")
        Config.set("graphics", "width", width)
        Config.set("graphics", "height", height)


def run(cfg, size: str, kiosk_mode: bool) -> int:
    """Start the kiosk UI in this process; returns when it stops (0 on a clean stop)."""
    configure_kivy(size, kiosk_mode)
    from kivy.clock import Clock

    from screens.app import KioskApp
    app = KioskApp(cfg, kiosk_mode=kiosk_mode)

    def stop(signum, frame):        # a service manager's stop: end cleanly, exit 0
        app.allow_close = True
        Clock.schedule_once(lambda dt: app.stop(), 0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    app.run()
    return 0
