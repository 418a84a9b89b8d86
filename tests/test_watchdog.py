"""The systemd watchdog: pings come from the UI loop, so a frozen loop stops them."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.site.watchdog import Watchdog

ROOT = Path(__file__).resolve().parent.parent
FREEZE_S = 5

# the real app; after its third ping its UI loop blocks for FREEZE_S seconds, then it runs
# on and stops after three more pings (counted, not timed: a busy machine only slows it)
FROZEN_APP = f"""
import time
from screens.launch import configure_kivy
configure_kivy("400x300", False)
from kivy.clock import Clock
from kiosk.site import config
from kiosk.site.watchdog import Watchdog
from screens.app import KioskApp
pings, frozen_at = [], []
real_send = Watchdog._send
def counted(self, state):
    pings.extend([1] if state == "WATCHDOG=1" else [])
    real_send(self, state)
Watchdog._send = counted
app = KioskApp(config.load())
def step(dt):
    if not frozen_at and len(pings) >= 3:
        frozen_at.append(len(pings))
        time.sleep({FREEZE_S})
    elif frozen_at and len(pings) >= frozen_at[0] + 3:
        app.stop()
Clock.schedule_interval(step, 0.05)
app.run()
"""


@pytest.fixture
def notify_socket(tmp_path):
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(0.2)
    yield sock, str(path)
    sock.close()


def received(sock) -> list[tuple[float, str]]:
    out = []
    while True:
        try:
            out.append((time.monotonic(), sock.recv(4096).decode()))
        except TimeoutError:
            return out


def test_ready_and_pings_reach_the_socket(notify_socket, monkeypatch):
    sock, path = notify_socket
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    monkeypatch.setenv("WATCHDOG_USEC", "30000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    dog = Watchdog()
    assert dog.ping_every_s == 15
    dog.ready("up")
    dog.ping()
    dog.stopping()
    assert [m for _t, m in received(sock)] == ["READY=1\nSTATUS=up", "WATCHDOG=1", "STOPPING=1"]


def test_nothing_is_sent_without_notify_socket_or_for_another_pid(notify_socket, monkeypatch):
    sock, path = notify_socket
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    dog = Watchdog()
    dog.ready()
    dog.ping()
    assert not dog.enabled
    monkeypatch.setenv("NOTIFY_SOCKET", path)
    monkeypatch.setenv("WATCHDOG_USEC", "2000000")
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid() + 1))
    Watchdog().ping()
    assert received(sock) == []


def test_a_frozen_ui_loop_stops_the_pings(notify_socket, tmp_path):
    sock, path = notify_socket
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_HOME=str(tmp_path / "kivy"),
               KIOSK_CACHE_DIR=str(tmp_path / "cache"), NOTIFY_SOCKET=path,
               WATCHDOG_USEC="500000", KIVY_NO_ARGS="1")
    env.pop("KIOSK_CONFIG", None)
    env.pop("WATCHDOG_PID", None)
    proc = subprocess.Popen([sys.executable, "-c", FROZEN_APP], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    messages = []
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        messages += received(sock)
    messages += received(sock)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err[-2000:]
    kinds = [m for _t, m in messages]
    assert kinds[0].startswith("READY=1") and kinds[-1] == "STOPPING=1", kinds
    pings = [t for t, m in messages if m == "WATCHDOG=1"]
    gaps = [(b - a, i) for i, (a, b) in enumerate(zip(pings, pings[1:]))]
    longest, at = max(gaps)
    assert longest >= FREEZE_S - 0.5, "pings went on while the UI loop was frozen"
    assert at >= 2 and len(pings) - at - 1 >= 2, "pings before and after the freeze"
