"""The files in the cache folder: the current and previous catalog, the lock, the small
state file, and what a killed refresh left behind.

`catalog.sqlite` exists at every step of a swap: the new file is linked in with
os.replace, never copied over the current one.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from kiosk import paths
from kiosk.catalog import db as catalog_mod
from kiosk.catalog.report import KEPT, FeedRefused, Report
from kiosk.files import fsync, write_atomically

LOCK_FILE = "refresh.lock"
STATE_FILE = "refresh-state.json"
TMP_PREFIX = "catalog.new-"


def cache_folder(cache_dir: Path | None) -> Path:
    """The cache folder, made when it is missing."""
    path = paths.cache_dir(cache_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def temporary(cache: Path, kind: str) -> Path:
    """A file of this process that the next refresh removes if it is left behind."""
    return cache / f"{TMP_PREFIX}{os.getpid()}.{kind}"


@contextmanager
def lock(cache: Path):
    """Only one refresh or rollback at a time; the lock goes with the process."""
    fd = os.open(cache / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FeedRefused("Another catalog refresh is running; try again in a minute. "
                              + KEPT) from None
        yield
    finally:
        os.close(fd)


def clean_leftovers(cache: Path) -> None:
    """Remove files of a refresh that was killed (we hold the lock). A swap killed after
    the new file came in but before the old one became the previous one is finished."""
    current = cache / catalog_mod.CURRENT
    for path in cache.glob(TMP_PREFIX + "*.keep"):
        try:
            if current.exists() and not os.path.samefile(path, current) and read_meta(path):
                os.replace(path, cache / catalog_mod.PREVIOUS)
        except OSError:
            pass
    for path in cache.glob(TMP_PREFIX + "*"):
        path.unlink(missing_ok=True)


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.unlink(missing_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _remove_if_not_a_file(path: Path) -> None:
    """A folder, FIFO or device where a catalog file belongs (it can only block or fail
    every reader) is removed, so that a refresh repairs the cache folder."""
    if os.path.lexists(path) and not path.is_file():
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()


def swap_in(new: Path, cache: Path, on_step=None) -> None:
    """Make `new` the current catalog; the current one becomes the previous one.
    catalog.sqlite exists at every step, and wherever a kill lands the previous file is
    a catalog other than the current one: the old current is linked aside, the new file
    replaces it, and only then the link becomes the previous one. `on_step(n)` is called
    between the steps (tests kill the process there)."""
    step = on_step or (lambda n: None)
    current, previous = cache / catalog_mod.CURRENT, cache / catalog_mod.PREVIOUS
    _remove_if_not_a_file(current)
    keep = temporary(cache, "keep") if current.exists() else None
    if keep:
        _link_or_copy(current, keep)
    step(1)
    os.replace(new, current)
    step(2)
    if keep:
        os.replace(keep, previous)
    step(3)
    fsync(cache)


def rollback(cache_dir: Path | None = None) -> Report:
    """Swap the current and the previous catalog (a second rollback undoes the first)."""
    try:
        cache = cache_folder(cache_dir)
        with lock(cache):
            clean_leftovers(cache)
            current, previous = cache / catalog_mod.CURRENT, cache / catalog_mod.PREVIOUS
            if not previous.exists():
                return Report(message="There is no previous catalog to go back to.")
            meta = read_meta(previous)
            if not meta:
                return Report(message="The previous catalog is damaged; it cannot be used.")
            if current.exists():
                keep = temporary(cache, "keep")
                _link_or_copy(current, keep)
                os.replace(previous, current)
                os.replace(keep, previous)
            else:
                os.replace(previous, current)
            fsync(cache)
    except FeedRefused as exc:
        return Report(message=str(exc))
    except OSError as exc:
        return Report(message=f"Rollback failed: {exc.strerror}.")
    counts = status_counts(current)
    return Report(ok=True, loaded=counts["courses"], providers=counts["providers"],
                  source=meta.get("source", ""),
                  message=f"Went back to the previous catalog: {counts['courses']} courses "
                          f"(feed of {meta.get('generated_at') or 'unknown date'}).")


def read_meta(path: Path) -> dict:
    """The meta table of a catalog file; empty when it is missing or damaged."""
    try:
        cat = catalog_mod.open_catalog(path)
    except (FileNotFoundError, sqlite3.Error):
        return {}
    try:
        return cat.meta()
    except sqlite3.Error:
        return {}
    finally:
        cat.close()


def status_counts(path: Path) -> dict:
    cat = catalog_mod.open_catalog(path)
    try:
        return cat.counts()
    finally:
        cat.close()


def read_state(cache: Path) -> dict:
    """The state file: when a refresh last ran and how it ended."""
    try:
        return json.loads((cache / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_state(cache: Path, **changes) -> None:
    state = read_state(cache)
    state.update(changes)
    write_atomically(cache / STATE_FILE, json.dumps(state, ensure_ascii=False),
                     tmp=temporary(cache, "state"))


def now() -> str:
    """The time now in UTC, as stored in the catalog and the state file."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
