"""The catalog's refresh started from the UI: the daily one and the staff's, each in a
child process with a memory cap (kiosk/catalog/child.py), watched from a background thread."""
from __future__ import annotations

import threading
from datetime import datetime

from kivy.clock import Clock

from kiosk.site import metrics


class RefreshesCatalog:
    """Mixed into KioskApp; uses its cfg, cache_dir, in_visit, open_catalog and go_home."""
    refreshing = False

    def refresh_if_due(self, now: datetime | None = None) -> None:
        """Start the daily refresh (catalog.refresh_at) when it is due, only while nobody is
        using the kiosk; runs every minute."""
        if self.refreshing or self.in_visit() or not self.cfg.catalog.refresh_at:
            return
        from kiosk.catalog import status
        last = status.last_attempt(self.cache_dir)
        if status.due_for_refresh(self.cfg, now or datetime.now(), last):
            self.refresh_catalog(source=None, on_progress=None, on_done=None)

    def refresh_catalog(self, source, on_progress, on_done, allow_shrink=False) -> None:
        """Refresh in a child process with a memory cap, watched from a background thread;
        callbacks run on the UI thread, also when the child dies."""
        if self.refreshing:
            return
        from kiosk.catalog import child
        from kiosk.catalog.report import Report
        self.refreshing = True

        def progress(fraction, message):
            if on_progress:
                Clock.schedule_once(lambda dt: on_progress(fraction, message), 0)

        def done(report):
            self.refreshing = False
            if not self.in_visit():
                self.open_catalog()
                if self.manager.current == "unavailable":
                    self.go_home()
            if on_done:
                on_done(report)

        def work():
            report = Report(message="The refresh could not be started.")
            try:
                report = child.refresh_in_child(self.cfg, source=source, cache_dir=self.cache_dir,
                                               progress=progress, allow_shrink=allow_shrink)
                metrics.write_quietly(self.cfg, self.cache_dir)
            finally:
                Clock.schedule_once(lambda dt: done(report), 0)

        threading.Thread(target=work, daemon=True).start()
