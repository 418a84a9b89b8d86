"""`kiosk run`: sets Kivy's options for this process, then starts the app.

Kivy reads its options when it is first imported, so nothing here imports Kivy at the
top; the settings go through the environment and kivy.config, never into Kivy's own
config file.
"""
from __future__ import annotations

import os
import signal


def configure_kivy(size: str | None, fullscreen: bool) -> None:
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_NO_CONSOLELOG", "0")
    os.environ.setdefault("KCFG_KIVY_LOG_LEVEL", "warning")
    from kivy.config import Config
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,multitouch_on_demand")
    Config.set("graphics", "resizable", "0" if fullscreen else "1")
    if fullscreen:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
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
