"""Building a new catalog file (SQLite) from a feed file: the courses are read as a
stream, checked one by one and written in batches, so memory does not grow with the feed.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from kiosk.catalog import db as catalog_mod
from kiosk.catalog import tie_keys
from kiosk.catalog.check import (
    FORMAT,
    VERSION,
    check_course,
    check_header,
    check_provider,
    refused_share_message,
    too_many_rejected,
)
from kiosk.catalog.limits import LIMITS, Limits
from kiosk.catalog.read import mark_bad_numbers, read_courses, read_head
from kiosk.catalog.report import KEPT, FeedRefused, Progress, RefusedWithReport, Rejected, Report
from kiosk.files import fsync
from kiosk.text.i18n import N_
from kiosk.text.printable import one_line, quoted

BATCH = 2000                     # rows per insert
CONFIRMED = "confirmed"          # the extra column of a source's file: when a course was confirmed


@dataclass(frozen=True)
class SourceRules:
    """What one of several sources may load (kiosk/catalog/sources.py): the provider ids it
    may speak for (None = any), and the day it was fetched, which confirms the courses
    of a feed that says nothing else. A source's file gets no indexes: it is merged."""
    name: str
    providers: frozenset | None
    harvested: str


def build_catalog(feed_path: Path, out: Path, meta: dict, limit: int,
                  progress: Progress | None = None, limits: Limits = LIMITS,
                  rules: SourceRules | None = None, adjust=None) -> Report:
    """Check the feed file and write a complete catalog file at `out`; `adjust` may
    change each course before it is checked (the bundled sample's dates).
    Raises FeedRefused when the whole feed is refused; `out` is then left unfinished.
    A feed holding NaN, Infinity or a number beyond 64 bits (not JSON) is read again
    from a copy with those marked, so that only the courses holding one are rejected."""
    how = (progress, limits, rules, adjust)
    try:
        return _build(feed_path, out, meta, limit, how)
    except FeedRefused as exc:
        if not getattr(exc, "bad_number", False):
            raise
    marked = out.with_name(out.name + ".numbers")
    try:
        mark_bad_numbers(feed_path, marked, limit)
        out.unlink(missing_ok=True)
        return _build(marked, out, meta, limit, how)
    finally:
        marked.unlink(missing_ok=True)


def _build(feed_path: Path, out: Path, meta: dict, limit: int, how: tuple) -> Report:
    progress, limits, rules, adjust = how
    size = max(1, os.path.getsize(feed_path))
    header, read_providers, saw_courses = read_head(feed_path, limit, limits,
                                                    lambda item: _check_one(item, limits))
    check_header(header, read_providers, saw_courses)
    report = Report()
    providers = _checked_providers(read_providers, report.notes, rules)
    conn = sqlite3.connect(out)
    try:
        conn.execute("pragma journal_mode=off")
        conn.execute("pragma synchronous=off")
        db = sqlite_utils.Database(conn)
        catalog_mod.create_schema(db)
        conn.executemany("insert into providers values (?, ?, ?, ?, ?)",
                         [tuple(p[c] for c in catalog_mod.PROVIDER_COLUMNS)
                          for p in providers.values()])
        courses = read_courses(feed_path, limit, _reading_progress(progress, size), limits)
        courses = map(adjust, courses) if adjust else courses
        total = _insert_courses(conn, courses, providers, report.rejected, limits,
                                (rules, _confirming(conn, rules, header)))
        _refuse_when_too_bad(total, report)
        if progress:
            progress(0.88, N_("Zoekindex maken"))
        if rules is None:
            catalog_mod.create_indexes(db)
        _insert_meta(conn, header, report.rejected, meta, limits)
        conn.commit()
    finally:
        conn.close()
    if rules is None:                # a source's file is only read by the merge, which is
        fsync(out)                   # synced; a damaged one is skipped (kiosk/catalog/merge.py)
    report.loaded, report.providers = total - len(report.rejected), len(providers)
    return report


def _check_one(item, limits: Limits) -> dict | str:
    """A provider's row, or the note that it is skipped (checked as it is read, so only
    the row is kept)."""
    try:
        return check_provider(item, limits)
    except Rejected as exc:
        pid = item.get("id") if isinstance(item, dict) else None
        label = one_line(pid, 100) if isinstance(pid, str) and pid else "(no id)"
        return f"provider {label} skipped: {exc}"


def _checked_providers(read_providers: list, notes: list[str],
                       rules: SourceRules | None = None) -> dict[str, dict]:
    """The providers rows by id; a bad or repeated provider, or one the source may not
    speak for, is skipped with a note."""
    providers: dict[str, dict] = {}
    for row in read_providers:
        if isinstance(row, str):
            notes.append(row)
            continue
        if not _may_speak_for(rules, row["id"]):
            notes.append(f"provider {row['id']} skipped: this source may not speak for it")
            continue
        if row["id"] in providers:
            notes.append(f"provider {row['id']} appears twice; the first one is used")
            continue
        providers[row["id"]] = row
    return providers


def _reading_progress(progress: Progress | None, size: int) -> Callable[[int], None] | None:
    if not progress:
        return None

    shown = [-1]

    def on_read(count: int) -> None:
        share = min(100, count * 100 // size)
        if share != shown[0]:                  # at most a hundred reports
            shown[0] = share
            progress(0.1 + 0.75 * share / 100, N_("Opleidingen lezen"))
    return on_read


def _may_speak_for(rules: SourceRules | None, provider: str) -> bool:
    return rules is None or rules.providers is None or provider in rules.providers


def _confirming(conn, rules: SourceRules | None, header: dict):
    """For a source's file: adds the column `confirmed` and returns the day a course
    counts as confirmed (its last_verified, else the feed's generated_at, else the day
    it was fetched). None for a catalog of one feed."""
    if rules is None:
        return None
    conn.execute(f"alter table courses add column {CONFIRMED} text")
    made = header.get("generated_at")
    made = made[:10] if isinstance(made, str) and len(made) >= 10 else ""
    try:
        dt.date.fromisoformat(made)
    except ValueError:
        made = rules.harvested
    return lambda row: row["last_verified"] or made


def _insert_courses(conn, courses, providers: dict, rejected: list, limits: Limits,
                    source: tuple = (None, None)) -> int:
    """Check and insert every course; the rejected ones go to `rejected` with their
    reason. Returns how many courses the feed has. `source`: the rules of one of several
    sources and when its courses were confirmed (see _confirming)."""
    rules, confirmed = source
    columns = [*catalog_mod.COURSE_COLUMNS, *tie_keys.COLUMNS] + ([CONFIRMED] if confirmed else [])
    insert = (f"insert into courses ({', '.join(columns)}) "
              f"values ({', '.join('?' * len(columns))})")
    place = _placer()
    seen: set[str] = set()
    batch: list[tuple] = []
    total = 0
    for item in courses:
        total += 1
        try:
            row = _course_row(item, providers, seen, limits, rules)
        except Rejected as exc:
            rejected.append((_course_label(item, total), str(exc)))
            continue
        seen.add(row["id"])
        if confirmed:
            row[CONFIRMED] = confirmed(row)
        if row["lat"] is None:
            place(row)
        tie_keys.add_keys(row)
        batch.append(tuple(row[c] for c in columns))
        if len(batch) >= BATCH:
            conn.executemany(insert, batch)
            batch.clear()
    if batch:
        conn.executemany(insert, batch)
    return total


def _course_row(item, providers: dict, seen: set[str], limits: Limits,
                rules: SourceRules | None = None) -> dict:
    """check_course, plus the rules that need the rest of the feed."""
    row = check_course(item, limits)
    if not _may_speak_for(rules, row["provider"]):
        raise Rejected(f"this source may not speak for provider {quoted(row['provider'])}")
    if row["provider"] not in providers:
        raise Rejected(f"provider {quoted(row['provider'])} is not in the "
                       "feed's providers (or was skipped)")
    if row["id"] in seen:
        raise Rejected("the same id appears more than once; the first one is used")
    return row


def _course_label(item, position: int) -> str:
    """How the report names a rejected course: its id, else its place in the feed."""
    cid = item.get("id") if isinstance(item, dict) else None
    if not isinstance(cid, str) or not cid.strip():
        return f"(course {position}, no id)"
    return one_line(cid, 100)


def _placer() -> Callable[[dict], None]:
    """Places a course row without coordinates at its postcode, when the postcode is known."""
    try:
        from kiosk.guidance.places import postcode_coordinates
    except ImportError:
        return lambda row: None
    cache: dict[str, tuple[float, float] | None] = {}

    def place(row: dict) -> None:
        postcode = row["postcode"]
        if postcode not in cache:
            try:
                cache[postcode] = postcode_coordinates(postcode)
            except Exception:          # missing postcode data must not stop a refresh
                cache[postcode] = None
        found = cache[postcode]
        if found:
            row["lat"], row["lon"] = found
            row["coords_from_postcode"] = 1
    return place


def _refuse_when_too_bad(total: int, report: Report) -> None:
    if total == 0:
        raise FeedRefused("The feed has no courses, so nothing was loaded. " + KEPT)
    bad = len(report.rejected)
    if too_many_rejected(bad, total):
        report.message = refused_share_message(bad, total) + " " + KEPT
        raise RefusedWithReport(report)


def _insert_meta(conn, header: dict, rejected: list, meta: dict, limits: Limits) -> None:
    def text(key: str) -> str:
        value = header.get(key)
        return value[:limits.max_text_chars] if isinstance(value, str) else ""
    info = {"format": FORMAT, "version": str(VERSION),
            "publisher": text("publisher"), "generated_at": text("generated_at"),
            "rejected": str(len(rejected)),
            "rejected_list": json.dumps(rejected[:1000], ensure_ascii=False),
            **{k: ("" if v is None else str(v)) for k, v in meta.items()}}
    conn.executemany("insert into meta (key, value) values (?, ?)", list(info.items()))
