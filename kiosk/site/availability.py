"""Whether the kiosk can serve a visitor now, and if not why (for staff).

Two things take the kiosk out of service for visitors: a catalog that cannot be used
(missing, unreadable, corrupt or empty) and a crash loop (`CRASH_LIMIT` unexpected errors
within `CRASH_WINDOW_S`). Visitors then see a calm "temporarily unavailable" screen with
the Leerwinkel's contact details; staff see the reason on the staff screen. A crash loop
ends by itself once the window has passed; a catalog problem ends with a good refresh.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from kiosk.catalog import db as catalog_mod

CRASH_LIMIT = 3
CRASH_WINDOW_S = 600


class CatalogUnusable(Exception):
    """The catalog cannot serve visitors; the message says why, for staff."""


def open_checked(path: Path) -> catalog_mod.Catalog:
    """Open a catalog file and prove SQLite can read it. Raises FileNotFoundError when it
    is missing and sqlite3.DatabaseError when it is not a (sound) SQLite file."""
    cat = catalog_mod.open_catalog(path)
    try:
        row = cat.conn.execute("pragma quick_check").fetchone()
        if not row or row[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check: {row[0] if row else 'no answer'}")
    except sqlite3.Error:
        cat.close()
        raise
    return cat


def open_usable(path: Path) -> catalog_mod.Catalog:
    """The catalog at `path`, open and holding courses; else CatalogUnusable."""
    path = Path(path)
    if not path.exists():
        raise CatalogUnusable(f"No catalog at {path}.")
    if not os.access(path, os.R_OK):
        raise CatalogUnusable(f"{path} cannot be read by this user.")
    try:
        cat = open_checked(path)
    except sqlite3.Error as exc:
        raise CatalogUnusable(f"{path} is corrupt ({exc}).") from None
    try:
        courses = cat.counts()["courses"]
    except sqlite3.Error as exc:
        cat.close()
        raise CatalogUnusable(f"{path} is not a kiosk catalog ({exc}).") from None
    if courses == 0:
        cat.close()
        raise CatalogUnusable(f"{path} holds no courses.")
    return cat


def recent_crashes(crash_times, now: float, window_s: float = CRASH_WINDOW_S) -> list[float]:
    return [t for t in crash_times if 0 <= now - t <= window_s]


def crash_loop(crash_times, now: float, limit: int = CRASH_LIMIT,
               window_s: float = CRASH_WINDOW_S) -> str:
    """Why the kiosk is in a crash loop ("" when it is not)."""
    recent = recent_crashes(crash_times, now, window_s)
    if len(recent) < limit:
        return ""
    return (f"{len(recent)} unexpected errors within {int(window_s // 60)} minutes; "
            f"the kiosk tries again {int(window_s - (now - sorted(recent)[-limit]))} s "
            "after the oldest of them (see the journal for the errors).")


def why_unavailable(catalog_problem: str, crash_times, now: float) -> str:
    """The reason visitors cannot be served now, for staff ("" = they can)."""
    return catalog_problem or crash_loop(crash_times, now)
