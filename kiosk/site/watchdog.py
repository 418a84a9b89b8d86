"""systemd's service notifications (deploy/leerwinkel-kiosk.service: Type=notify,
WatchdogSec=): READY=1 once the UI is up, WATCHDOG=1 from the UI loop.

The pings are sent from the UI's own loop, so a frozen UI stops them and systemd restarts
the kiosk. Without NOTIFY_SOCKET (started by hand, in tests) nothing is sent.
"""
from __future__ import annotations

import os

import sdnotify

DEFAULT_PING_S = 10.0


class Watchdog:
    def __init__(self):
        environ = os.environ                  # sdnotify reads NOTIFY_SOCKET from here too
        self.enabled = bool(environ.get("NOTIFY_SOCKET"))
        watchdog_pid = environ.get("WATCHDOG_PID")
        usec = environ.get("WATCHDOG_USEC", "")
        # systemd may mean the watchdog for another process of the service
        self.watched = (self.enabled and usec.isdigit()
                        and (not watchdog_pid or watchdog_pid == str(os.getpid())))
        # ping at half the timeout, as sd_watchdog_enabled(3) advises
        self.ping_every_s = int(usec) / 2e6 if self.watched else DEFAULT_PING_S
        self._notifier = sdnotify.SystemdNotifier() if self.enabled else None

    def _send(self, state: str) -> None:
        if self._notifier is not None:
            self._notifier.notify(state)

    def ready(self, status: str = "") -> None:
        self._send("READY=1" + (f"\nSTATUS={status}" if status else ""))

    def ping(self, *_args) -> None:
        """WATCHDOG=1; takes and ignores a Clock's dt."""
        if self.watched:
            self._send("WATCHDOG=1")

    def stopping(self) -> None:
        self._send("STOPPING=1")
