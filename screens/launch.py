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
from pathlib import Path

log = logging.getLogger("kiosk")
SDL_INIT_VIDEO = 0x20


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
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "0")
    os.environ.setdefault("KCFG_KIVY_LOG_LEVEL", "warning")
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
