"""Let the screen sleep while the site is closed, and wake it at opening time.

Uses X11's DPMS through `xset` (Debian package x11-xserver-utils) when the kiosk runs in
an X session; elsewhere (no `xset`, no DISPLAY, Wayland) it does nothing and says so in
the log. Never fails the caller: a screen that stays on is not worth a crash.
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess

log = logging.getLogger("kiosk")


def _xset(*args: str) -> bool:
    if not os.environ.get("DISPLAY") or shutil.which("xset") is None:
        log.info("Display power not changed (no X display or no xset): xset %s", " ".join(args))
        return False
    try:
        subprocess.run(["xset", *args], check=True, capture_output=True, timeout=5)
    except (OSError, subprocess.SubprocessError) as exc:
        log.warning("xset %s failed: %s", " ".join(args), exc)
        return False
    return True


def sleep() -> bool:
    """Switch the display off (it wakes by itself when touched)."""
    return _xset("dpms", "force", "off")


def wake() -> bool:
    """Switch the display on, and back to never blanking (the kiosk session's setting)."""
    return _xset("dpms", "force", "on") and _xset("-dpms")
