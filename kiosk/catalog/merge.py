"""The catalog of several sources: their kept files (kiosk/catalog/sources.py) merged into
one new catalog file, which the refresh then swaps in whole.

The rules (docs/feed.md, "Several sources"), applied to each course in merge order (a
provider's own sources first, then the aggregates, each in the config's order):

1. stale: confirmed (last_verified, else the feed's generated_at, else the day it was
   fetched) more than catalog.max_course_age_days ago: left out, listed in the report;
2. past: no flexible start and every start date before today: left out, listed;
3. duplicate: an earlier source already gave a course of the same provider with the same
   id, or with the same Dutch title, postcode, start dates, times and format: left out;
4. id taken: an earlier source gave another provider's course this id: left out;
5. otherwise the course is loaded. A provider's details come from the first source
   that names it.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from pathlib import Path

import sqlite_utils

from kiosk.catalog import db as catalog_mod
from kiosk.catalog import tie_keys
from kiosk.catalog.build import CONFIRMED
from kiosk.files import fsync

KEEP_HIDDEN = 1000               # hidden courses listed per source in the report
SAME_GROUP = ("c.provider || x'1f' || lower(c.title_nl) || x'1f' || c.postcode || x'1f' || "
              "c.start_dates || x'1f' || c.times || x'1f' || c.format")
COLUMNS = ", ".join(catalog_mod.COURSE_COLUMNS)
# the tie-break keys computed again, so a source's file kept from before they were stored
# merges too
KEYS = f"{tie_keys.CONTENT_SQL}, {tie_keys.ID_SQL}"
OUTCOMES = ("loaded", "stale", "past", "duplicate", "id_taken")


def merge(kept: list, out: Path, today: dt.date, max_age_days: int, meta: dict) -> dict:
    """Merge the kept files [(source name, path), …] into a new catalog at `out`.
    Returns per source: {"providers": {id: {outcome: count}}, "hidden": [[id, why]]}."""
    oldest = (today - dt.timedelta(days=max_age_days)).isoformat()
    conn = sqlite3.connect(out, isolation_level=None)
    try:
        conn.execute("pragma journal_mode=off")
        conn.execute("pragma synchronous=off")
        db = sqlite_utils.Database(conn)
        catalog_mod.create_schema(db)
        tie_keys.register(conn)
        conn.execute("create table course_sources (id text primary key, source text, "
                     "confirmed text)")
        conn.execute("create temp table keep (r integer primary key)")
        conn.execute("create temp table groups (g text primary key) without rowid")
        figures = {}
        for name, path in kept:
            try:
                figures[name] = _merge_one(conn, path, name, (today.isoformat(), oldest))
            except sqlite3.DatabaseError:           # a kept file damaged by a power cut
                path.unlink(missing_ok=True)
                figures[name] = {"providers": {}, "hidden": [], "damaged": True}
        conn.execute("drop table temp.keep")
        conn.execute("drop table temp.groups")
        catalog_mod.create_indexes(db)
        conn.executemany("insert into meta (key, value) values (?, ?)",
                         [(k, "" if v is None else str(v)) for k, v in meta.items()])
    finally:
        conn.close()
    fsync(out)
    return figures


def _merge_one(conn, path: Path, name: str, days: tuple) -> dict:
    conn.execute("attach database ? as src", [str(path)])
    try:
        conn.execute("begin")
        figures = _choose(conn, days)
        conn.execute(f"insert into main.courses ({COLUMNS}, {', '.join(tie_keys.COLUMNS)})"
                     f" select {COLUMNS}, {KEYS} from src.courses"
                     " where rowid in (select r from temp.keep)")
        conn.execute(f"insert into course_sources select id, ?, {CONFIRMED} from src.courses "
                     "where rowid in (select r from temp.keep)", [name])
        conn.execute("insert or ignore into main.providers select * from src.providers")
        conn.execute(f"insert or ignore into temp.groups select {SAME_GROUP} from src.courses c "
                     "where rowid in (select r from temp.keep)")
        conn.execute("commit")
    except sqlite3.DatabaseError:
        if conn.in_transaction:
            conn.execute("rollback")
        raise
    finally:
        conn.execute("detach database src")
    return figures


def _choose(conn, days: tuple) -> dict:
    """Which rows of the attached source are loaded (into temp.keep), with the outcome
    of every row counted per provider. What earlier sources gave is looked up in the new
    catalog and temp.groups, so memory does not grow with the catalog."""
    today, oldest = days
    counts: dict = defaultdict(lambda: dict.fromkeys(OUTCOMES, 0))
    hidden, keep = [], []
    rows = conn.execute(
        f"select c.rowid, c.id, c.provider, c.{CONFIRMED}, c.last_start, c.flexible_start, "
        "(select m.provider from main.courses m where m.id = c.id), "
        f"exists (select 1 from temp.groups g where g.g = {SAME_GROUP}) from src.courses c")
    for rowid, cid, provider, confirmed, last_start, flexible, taken_by, same in rows:
        if confirmed < oldest:
            outcome, why = "stale", f"last confirmed on {confirmed}"
        elif not flexible and (last_start or "") < today:
            outcome, why = "past", "every start date has passed"
        elif same or taken_by == provider:
            outcome, why = "duplicate", "already given by an earlier source"
        elif taken_by is not None:
            outcome, why = "id_taken", f"id already used for provider {taken_by}"
        else:
            outcome, why = "loaded", ""
            keep.append((rowid,))
        counts[provider][outcome] += 1
        if why and len(hidden) < KEEP_HIDDEN:
            hidden.append([cid, why])
    conn.execute("delete from temp.keep")
    conn.executemany("insert into temp.keep values (?)", keep)
    return {"providers": dict(counts), "hidden": hidden}


def loaded_counts(figures: dict) -> dict[str, int]:
    """Courses loaded per source."""
    return {name: sum(p["loaded"] for p in f["providers"].values())
            for name, f in figures.items()}
