"""Health and usage figures as a Prometheus text file (the node exporter's textfile
collector format), for a coordinator watching many kiosks.

Written after every refresh and every `health.metrics_every_s` seconds while the kiosk
runs, to `health.metrics_file` (default `kiosk.prom` in the cache folder). Usage counts
are totals since the kiosk's figures began (`kiosk/site/stats.py`), coarse enough that no
single visit can be read from them (docs/security.md): they count whole days only (up to
the end of yesterday, so they change once a day) and the counts per goal and per language
are rounded down to a multiple of stats.SMALLEST_SHOWN. Prometheus takes the increase per
week itself.
"""
from __future__ import annotations

import json
import logging
import math
import os
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk import clock, paths
from kiosk.clock import FUTURE_SLACK_S
from kiosk.files import check_output_path
from kiosk.site import stats

log = logging.getLogger("kiosk")
FILE = "kiosk.prom"
HEALTH_FILE = "health.json"            # crashes and starts survive a restart
DOCTOR_FILE = "doctor.json"            # the last `kiosk doctor`'s findings
RELEASE_FILE = "leerwinkel-release"    # in the environment's folder: the release installed
DOCTOR_LEVELS = {"ok": 0, "warning": 1, "broken": 2}
KEEP_TIMES = 10                        # recent crash times, for the crash-loop rule
ALL_DAYS = 36500                       # "since the figures began"
USAGE = {                              # stats event -> (metric name, help)
    "visit": ("kiosk_visits", "Visits started."),
    "results": ("kiosk_results", "Visits that reached the results."),
    "no_results": ("kiosk_no_results", "Visits with no matching course."),
    "booking": ("kiosk_bookings", "Booking QR codes shown."),
    "timeout": ("kiosk_idle_wipes", "Visits wiped after no touch."),
}
PER_VALUE = {"goal": ("kiosk_visits_by_goal", "Visits per goal."),
             "language": ("kiosk_visits_by_language", "Visits per language.")}


def metrics_path(cfg, cache_dir: Path | None = None) -> Path:
    return Path(cfg.health.metrics_file or paths.cache_dir(cache_dir) / FILE)


# ---------------------------------------------------------------- crashes and starts

def _health_file(cache_dir: Path | None) -> Path:
    return paths.cache_dir(cache_dir) / HEALTH_FILE


def read_health(cache_dir: Path | None = None) -> dict:
    try:
        return json.loads(_health_file(cache_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _add_one(name: str, cache_dir: Path | None) -> None:
    """Add one to a health counter (and remember when); never fails the caller."""
    path = _health_file(cache_dir)
    health = read_health(cache_dir)
    now = time.time()
    health[name] = int(health.get(name, 0)) + 1
    health[f"last_{name}_at"] = now
    health[f"{name}_times"] = [*event_times(health, name), now][-KEEP_TIMES:]
    try:
        tmp = path.with_name(f".{HEALTH_FILE}.{os.getpid()}")
        tmp.write_text(json.dumps(health), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("Health counter %s not saved: %s", name, exc)


def event_times(health: dict, name: str = "crashes") -> list[float]:
    """When the last few crashes (or starts) happened, as Unix times."""
    times = health.get(f"{name}_times")
    return [float(t) for t in times if isinstance(t, (int, float))] \
        if isinstance(times, list) else []


def record_crash(cache_dir: Path | None = None) -> None:
    """An unexpected error sent the visitor back to the welcome screen."""
    _add_one("crashes", cache_dir)


def record_start(cache_dir: Path | None = None) -> None:
    _add_one("starts", cache_dir)


def record_doctor(findings, cache_dir: Path | None = None, now: float | None = None) -> None:
    """Keep `kiosk doctor`'s findings for the figures file; never fails the caller."""
    lines = [{"check": f.check, "level": f.level} for f in findings]
    try:
        path = paths.cache_dir(cache_dir) / DOCTOR_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{DOCTOR_FILE}.{os.getpid()}")
        tmp.write_text(json.dumps({"at": time.time() if now is None else now,
                                   "checks": lines}), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        log.warning("Doctor's findings not saved: %s", exc)


def build() -> dict:
    """The installed version, and the release (tag or commit) the update put in place."""
    from importlib import metadata
    try:
        version = metadata.version("leerwinkel-kiosk")
    except metadata.PackageNotFoundError:
        version = "unknown"
    try:
        release = (Path(sys.prefix) / RELEASE_FILE).read_text(encoding="utf-8").strip()[:100]
    except (OSError, UnicodeDecodeError):
        release = ""
    return {"version": version, "release": release or "unknown"}


# ---------------------------------------------------------------- the figures

def _timestamp(value) -> float | None:
    try:
        when = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()


def _families():
    """prometheus_client's metric families, imported only when figures are written: the
    kiosk's start needs only the crash and start counters above."""
    from prometheus_client import core
    return core


def _gauge(name: str, text: str, value, labels: dict | None = None):
    family = _families().GaugeMetricFamily(name, text, labels=list(labels or {}))
    family.add_metric(list((labels or {}).values()), float(value))
    return family


def catalog_figures(cfg, cache_dir: Path | None, now: float) -> list:
    from kiosk.catalog import status
    status = status.status(cfg, cache_dir)
    refreshed = _timestamp(status.get("checked_at") or status.get("refreshed_at"))
    attempt = _timestamp(status.get("last_attempt_at"))
    out = [
        _gauge("kiosk_catalog_present", "1 when a catalog is loaded.", status["present"]),
        _gauge("kiosk_catalog_courses", "Courses in the loaded catalog.", status["courses"]),
        _gauge("kiosk_catalog_providers", "Providers in the loaded catalog.",
               status["providers"]),
        _gauge("kiosk_catalog_max_age_seconds", "Older catalogs count as stale.",
               cfg.catalog.max_age_days * 86400),
        _gauge("kiosk_catalog_stale", "1 when the catalog is older than allowed.",
               status["stale"]),
    ]
    if refreshed is not None and refreshed <= now + FUTURE_SLACK_S:   # a future time is unknown
        out += [_gauge("kiosk_catalog_refreshed_timestamp_seconds",
                       "When the catalog was last loaded or found unchanged.", refreshed),
                _gauge("kiosk_catalog_age_seconds", "Age of the loaded catalog.",
                       max(0.0, now - refreshed))]
    if attempt is not None:
        out += [_gauge("kiosk_refresh_last_attempt_timestamp_seconds",
                       "When a refresh last ran.", attempt),
                _gauge("kiosk_refresh_last_ok", "1 when the last refresh loaded or kept a "
                       "catalog, 0 when it was refused.", bool(status.get("last_ok")))]
    return out + source_figures(status.get("sources") or [])


SOURCE_GAUGES = {                      # per source: key of its status line -> metric
    "ok": ("kiosk_source_ok", "1 when the source loaded at its last refresh."),
    "courses": ("kiosk_source_courses", "Courses of the source in the catalog."),
    "http_status": ("kiosk_source_http_status",
                    "The source's last HTTP status; 0 when there was no answer or no HTTP."),
}


def source_figures(lines: list[dict]) -> list:
    """One gauge per source for each of SOURCE_GAUGES (docs/sources.md)."""
    out = []
    for key, (name, text) in SOURCE_GAUGES.items():
        family = _families().GaugeMetricFamily(name, text, labels=["source"])
        for line in lines:
            family.add_metric([line["name"]], float(line.get(key) or 0))
        out.append(family)
    return out


def coarse(n: int) -> int:
    """A per-goal or per-language total as shipped: rounded down to a multiple of
    stats.SMALLEST_SHOWN (still a counter: it never goes down)."""
    return n - n % stats.SMALLEST_SHOWN


def usage_figures(cache_dir: Path | None, today=None) -> list:
    """Usage counters of whole days up to yesterday; a damaged stats.sqlite gives
    kiosk_usage_readable 0 instead of stopping the whole file."""
    yesterday = (today or clock.today()) - timedelta(days=1)
    try:
        totals = stats.totals(ALL_DAYS, cache_dir, today=yesterday)
    except (sqlite3.Error, OSError) as exc:
        log.warning("Usage figures not readable: %s", exc)
        return [_gauge("kiosk_usage_readable", "0 when stats.sqlite cannot be read.", 0)]
    counter = _families().CounterMetricFamily
    out = [_gauge("kiosk_usage_readable", "0 when stats.sqlite cannot be read.", 1)]
    for event, (name, text) in USAGE.items():
        family = counter(name, text + " Whole days up to yesterday.")
        family.add_metric([], sum(totals.get(event, {}).values()))
        out.append(family)
    for event, (name, text) in PER_VALUE.items():
        family = counter(name, text + " Whole days up to yesterday, rounded down to a "
                         f"multiple of {stats.SMALLEST_SHOWN}.", labels=[event])
        for value, n in sorted(totals.get(event, {}).items()):
            family.add_metric([value or "unknown"], coarse(n))
        out.append(family)
    return out


def health_figures(cfg, cache_dir: Path | None, now: float) -> list:
    health = read_health(cache_dir)
    counter = _families().CounterMetricFamily
    crashes = counter("kiosk_crashes", "Unexpected errors that reset a visit.")
    crashes.add_metric([], int(health.get("crashes", 0)))
    starts = counter("kiosk_starts", "Times the kiosk UI started.")
    starts.add_metric([], int(health.get("starts", 0)))
    info = {"site": cfg.site.name, "kiosk_id": cfg.site.kiosk_id}
    return [crashes, starts,
            _gauge("kiosk_info", "The site and kiosk these figures come from.", 1, info),
            _gauge("kiosk_build_info", "The kiosk's version and release.", 1, build()),
            _gauge("kiosk_metrics_written_timestamp_seconds",
                   "When this file was written: a kiosk that stops writing is down.", now),
            *doctor_figures(cache_dir), *schedule_figures(cfg, now)]


def schedule_figures(cfg, now: float) -> list:
    """The opening hours as times, so that alerts about a kiosk that stopped writing its
    figures fire only when it should be open (deploy/prometheus/kiosk-rules.yml)."""
    from kiosk.site import opening_hours
    local = datetime.fromtimestamp(now)
    table = cfg.site.open
    is_open = opening_hours.is_open(table, local)
    if is_open:
        close = opening_hours.next_change(table, local)
        until, next_open = (close.timestamp() if close else math.inf), now
    else:
        opens = opening_hours.next_opening(table, local)
        until, next_open = 0.0, (opens.timestamp() if opens else math.inf)
    return [_gauge("kiosk_open", "1 when the site's opening hours say open.", is_open),
            _gauge("kiosk_open_until_timestamp_seconds",
                   "When the current opening ends (+Inf: always open; 0: closed now).", until),
            _gauge("kiosk_next_open_timestamp_seconds",
                   "When the kiosk is next open (now when open; +Inf: never).", next_open)]


def doctor_figures(cache_dir: Path | None) -> list:
    """The last `kiosk doctor` run: each check's level (0 ok, 1 warning, 2 broken)."""
    try:
        saved = json.loads((paths.cache_dir(cache_dir) / DOCTOR_FILE).read_text("utf-8"))
        checks = [(str(c["check"])[:40], DOCTOR_LEVELS[c["level"]]) for c in saved["checks"]]
        at = float(saved["at"])
    except (OSError, ValueError, KeyError, TypeError):
        return []
    level = _families().GaugeMetricFamily(
        "kiosk_doctor_level", "The last doctor run per check: 0 ok, 1 warning, 2 broken.",
        labels=["check"])
    worst: dict[str, int] = {}
    for check, value in checks:
        worst[check] = max(value, worst.get(check, 0))
    for check, value in sorted(worst.items()):
        level.add_metric([check], value)
    return [level,
            _gauge("kiosk_doctor_broken", "Checks a visitor would notice, at the last run.",
                   sum(v == 2 for v in worst.values())),
            _gauge("kiosk_doctor_last_run_timestamp_seconds", "When doctor last ran.", at)]


class _Figures:
    """A one-shot collector: everything is read when the file is written."""

    def __init__(self, cfg, cache_dir: Path | None, now: float):
        self.cfg, self.cache_dir, self.now = cfg, cache_dir, now

    def collect(self):
        yield from catalog_figures(self.cfg, self.cache_dir, self.now)
        yield from usage_figures(self.cache_dir)
        yield from health_figures(self.cfg, self.cache_dir, self.now)


def write(cfg, cache_dir: Path | None = None, now: float | None = None) -> Path:
    """Write the figures file (atomically: the collector never reads half a file)."""
    from prometheus_client import CollectorRegistry, write_to_textfile
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Figures(cfg, cache_dir, time.time() if now is None else now))
    path = metrics_path(cfg, cache_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    check_output_path(path)              # never renamed over a device node or a FIFO
    write_to_textfile(str(path), registry)
    return path


def write_quietly(cfg, cache_dir: Path | None = None) -> Path | None:
    """`write`, for the running kiosk and the refresh command: figures are never worth
    a crash, so a failure is logged and forgotten."""
    try:
        return write(cfg, cache_dir)
    except Exception as exc:          # noqa: BLE001 - any failure here must stay here
        log.warning("Health figures not written to %s: %s", metrics_path(cfg, cache_dir), exc)
        return None
