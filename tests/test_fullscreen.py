"""`kiosk run --kiosk` on a bare X server (Xvfb, no window manager) fills the screen.

Without a window manager nobody grants a fullscreen request, so the window must be
opened at the display's size by the kiosk itself. Needs Debian's xvfb and x11-utils
(`scripts/setup --test` installs them); the test fails, never skips, without them.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREEN = (1280, 1024)


@pytest.fixture
def bare_x_display():
    """A fresh Xvfb with no window manager; yields its DISPLAY value."""
    for tool in ("Xvfb", "xwininfo"):
        assert shutil.which(tool), f"{tool} is missing: run scripts/setup --test (xvfb, x11-utils)"
    read, write = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write), "-screen", "0",
                               f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
                              pass_fds=[write], stderr=subprocess.DEVNULL)
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    assert number.isdigit(), "Xvfb did not start"
    yield f":{number}"
    server.terminate()
    server.wait(timeout=10)


def kiosk_windows(display: str) -> list[tuple[int, int, int, int]]:
    """(width, height, x, y) of every top-level window named after the site."""
    tree = subprocess.run(["xwininfo", "-root", "-tree"], env=dict(os.environ, DISPLAY=display),
                          capture_output=True, text=True, check=True).stdout
    return [tuple(map(int, m.groups())) for m in
            re.finditer(r'"Leerwinkel": .*?\s(\d+)x(\d+)\+(-?\d+)\+(-?\d+)', tree)]


def test_kiosk_mode_fills_a_screen_without_a_window_manager(bare_x_display, tmp_path):
    env = dict(os.environ, DISPLAY=bare_x_display, KIVY_NO_ARGS="1", KIVY_LOG_MODE="PYTHON",
               KIVY_HOME=str(tmp_path / "kivy"), KIOSK_CACHE_DIR=str(tmp_path / "cache"))
    for name in ("SDL_VIDEODRIVER", "KIOSK_CONFIG", "KIOSK_WINDOW_SIZE"):
        env.pop(name, None)
    app = subprocess.Popen([sys.executable, "-m", "kiosk.cli.main", "run", "--kiosk"], env=env,
                           cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        # until the window has the screen's size (or only a hang ends the wait)
        deadline, windows = time.monotonic() + 120, []
        while time.monotonic() < deadline and app.poll() is None \
                and windows != [(*SCREEN, 0, 0)]:
            time.sleep(0.2)
            windows = kiosk_windows(bare_x_display)
        assert windows, "no kiosk window appeared"
        assert windows == [(*SCREEN, 0, 0)]
    finally:
        app.send_signal(signal.SIGTERM)
        stderr = app.communicate(timeout=30)[1]
    assert app.returncode == 0, stderr[-3000:]
    assert "Traceback (most recent call last)" not in stderr, stderr[-3000:]
