"""One refresh from start to end: fetch the feed, build and check a new catalog file,
swap it in; and the first start, which loads a catalog when there is none yet."""
from __future__ import annotations

import signal
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from kiosk import paths
from kiosk.catalog import db as catalog_mod
from kiosk.catalog import fetch, gather, sample, store
from kiosk.catalog.addresses import redact, redact_text
from kiosk.catalog.build import build_catalog
from kiosk.catalog.limits import limits_of
from kiosk.catalog.read import read_head
from kiosk.catalog.report import KEPT, FeedRefused, Progress, RefusedWithReport, Report
from kiosk.text.i18n import N_


def refresh(cfg, source: str | None = None, cache_dir: Path | None = None,
            progress: Progress | None = None, allow_shrink: bool = False) -> Report:
    """Fetch, check and swap in a catalog. Never raises for a bad feed or network:
    the report says what happened, and on failure the current catalog stays. A catalog
    that shrinks by more than catalog.max_shrink is only swapped in with allow_shrink.
    With [[catalog.sources]] in the config (and no other source asked for) every source
    is loaded and merged (kiosk/catalog/gather.py)."""
    if cfg.catalog.sources and source in (None, "", cfg.catalog.source):
        source = gather.SOURCES_LABEL
    source = source or cfg.catalog.source or str(paths.SAMPLE_CATALOG)
    if source != gather.SOURCES_LABEL and not fetch.is_url(source):
        source = str(fetch.local_path(source).absolute())
    try:
        cache = store.cache_folder(cache_dir)
    except OSError as exc:
        return Report(message=f"The catalog folder cannot be used: {exc.strerror}.", source=source)
    try:
        with store.lock(cache), deadline(cfg.catalog.refresh_deadline_s):
            store.clean_leftovers(cache)
            try:
                report = _refresh_locked(cfg, source, cache, progress, allow_shrink)
            finally:
                store.clean_leftovers(cache)
    except RefusedWithReport as exc:
        report = exc.report
    except FeedRefused as exc:
        report = Report(message=str(exc), http_status=getattr(exc, "http_status", None))
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        report = Report(message=f"The new catalog could not be written ({reason}). {KEPT}")
    report.source = redact(source)
    report.message = redact_text(report.message)
    try:
        store.write_state(cache, last_attempt_at=store.now(), last_ok=report.ok,
                          last_message=report.message,
                          http_status=getattr(report, "http_status", None))
    except OSError:
        pass
    return report


@contextmanager
def deadline(seconds: float):
    """Refuse the refresh (FeedRefused) when it runs longer than `seconds` in all, so that
    no feed can hold the refresh lock for long. A timer signal: only in the main thread
    (the command line, and the kiosk's refresh child); elsewhere the download deadline
    and the limits still hold."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum, _frame):
        raise FeedRefused(f"The refresh took longer than {seconds:g} seconds (limit "
                          f"catalog.refresh_deadline_s). {KEPT}")
    before = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def _refresh_locked(cfg, source: str, cache: Path, progress: Progress | None,
                    allow_shrink: bool) -> Report:
    if source == gather.SOURCES_LABEL:
        if progress:
            progress(0.0, N_("Feed ophalen"))
        report, out = gather.refresh_sources(cfg, cache, progress)
        return _swap(report, out, cache, cfg, (allow_shrink, progress))
    meta_now = store.read_meta(cache / catalog_mod.CURRENT)
    same_source = (meta_now.get("source") == redact(source)
                   and not catalog_mod.outdated(cache / catalog_mod.CURRENT))
    previous = {k: meta_now.get(k) for k in ("etag", "last_modified")} if same_source else {}
    if progress:
        progress(0.0, N_("Feed ophalen"))
    validators: dict = {}
    if fetch.is_url(source):
        feed_path = store.temporary(cache, "download")
        validators = fetch.download(source, cfg.catalog, feed_path, previous, progress)
        if validators is None:
            return _unchanged(cache, 304)
    else:
        feed_path = fetch.local_feed(source, cfg.catalog.max_bytes)
    moved = _sample_days(source, cfg)
    digest = fetch.file_digest(feed_path) + (f"+{moved}d" if moved else "")
    if same_source and meta_now.get("sha256") == digest:
        return _unchanged(cache, validators.get("http_status"))
    out = store.temporary(cache, "sqlite")
    meta = {"source": redact(source), "refreshed_at": store.now(), "sha256": digest,
            "etag": validators.get("etag"), "last_modified": validators.get("last_modified")}
    if moved:
        meta["generated_at"] = sample.moved_time(
            read_head(feed_path, cfg.catalog.max_bytes)[0].get("generated_at"), moved)
    report = build_catalog(feed_path, out, meta, cfg.catalog.max_bytes, progress,
                           limits_of(cfg.catalog), adjust=sample.mover(moved))
    report.http_status = validators.get("http_status")
    return _swap(report, out, cache, cfg, (allow_shrink, progress))


def _sample_days(source: str, cfg) -> int:
    """Days the bundled sample's dates move (kiosk/catalog/sample.py); 0 for other feeds."""
    if fetch.is_url(source) or Path(source).resolve() != paths.SAMPLE_CATALOG.resolve():
        return 0
    return sample.shift_days(Path(source), cfg.catalog.max_bytes)


def _swap(report: Report, out: Path, cache: Path, cfg, how: tuple) -> Report:
    """Swap the new catalog file in (unless it shrinks too much) and say so."""
    allow_shrink, progress = how
    if not allow_shrink:
        _refuse_shrinking(report, cache / catalog_mod.CURRENT, cfg.catalog.max_shrink)
    if progress:
        progress(0.97, N_("Nieuwe catalogus in gebruik nemen"))
    store.swap_in(out, cache)
    store.write_state(cache, checked_at=store.now())
    report.ok = True
    if report.source != gather.SOURCES_LABEL:          # gather's report says it per source
        bad = len(report.rejected)
        report.message = (f"Loaded {report.loaded} courses from {report.providers} providers"
                          + (f"; {bad} course{'s' if bad != 1 else ''} rejected (listed "
                             "below)." if bad else "."))
    if progress:
        progress(1.0, N_("Klaar"))
    return report


def _refuse_shrinking(report: Report, current: Path, max_shrink: float) -> None:
    """Refuse a new catalog with far fewer courses than the current one, until staff
    confirm (a feed of 1 course must not silently replace 73). A current catalog that
    cannot be read counts as none: the refresh is what repairs it."""
    if not current.exists():
        return
    try:
        before = store.status_counts(current)["courses"]
    except sqlite3.Error:
        return
    if before and report.loaded < before * (1 - max_shrink):
        report.needs_confirm = True
        report.message = (f"The new feed has {report.loaded} courses where the catalog has "
                          f"{before}: it shrinks by more than {max_shrink:.0%} (limit "
                          "catalog.max_shrink). If that is right, confirm with "
                          f"--allow-shrink or the staff screen's button. {KEPT}")
        raise RefusedWithReport(report)


def _unchanged(cache: Path, http_status: int | None = None) -> Report:
    store.write_state(cache, checked_at=store.now())
    report = Report(ok=True, unchanged=True,
                    message="The feed has not changed since the last refresh; "
                            "the current catalog stays.")
    report.http_status = http_status
    return report


def ensure_catalog(cfg, cache_dir: Path | None = None, run=None) -> Path:
    """The current catalog's path. On first start (no catalog yet) it loads the configured
    source, or the bundled sample when there is none or it cannot be loaded now, with
    `run` (refresh, or the kiosk's refresh_in_child).
    Raises RuntimeError (with a plain message) when even the sample fails."""
    run = run or refresh
    cache = store.cache_folder(cache_dir)
    current = cache / catalog_mod.CURRENT
    first = gather.SOURCES_LABEL if cfg.catalog.sources else cfg.catalog.source
    for source in (first, str(paths.SAMPLE_CATALOG)):
        if current.is_file() and not catalog_mod.outdated(current):
            return current              # a folder, FIFO or older kiosk's file is replaced
        if source:
            report = run(cfg, source=source, cache_dir=cache)
    if not current.is_file():
        raise RuntimeError(report.message)
    return current
