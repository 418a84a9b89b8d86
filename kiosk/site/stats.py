"""Anonymous usage figures: daily counters, nothing about a person.

Each event adds one to a counter of (day, name, value), e.g. (2026-11-28, "goal",
"nederlands"). Counters are never combined per visitor, so no visit can be pieced
together from them. They live in `cache_dir/stats.sqlite`.

Counts shown or exported to people go through `shown`/`suppressed`: a count from 1 to 4
reads "<5", so no single visit (one visitor's goal or language) can be seen. The raw
counters keep their exact values.
"""
from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

from kiosk import clock, paths

FILE = "stats.sqlite"
SMALLEST_SHOWN = 5          # counts from 1 to SMALLEST_SHOWN - 1 are shown as "<5"
MAX_DAYS = 36_500           # "since the figures began": a hundred years
EVENTS = {
    "visit": "visits started",
    "results": "visits that reached the results",
    "no_results": "visits with no matching course",
    "booking": "booking QR codes shown",
    "timeout": "visits wiped after no touch",
    "language": "visits per language",
    "goal": "visits per goal",
}


def _db(cache_dir: Path | None) -> sqlite3.Connection:
    """The counters' file, opened with plain sqlite3: one small table, and the kiosk's
    start-up need not load sqlite-utils for it."""
    folder = paths.cache_dir(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(folder / FILE)
    db.execute("create table if not exists counts (day text, name text, value text, "
               "n integer not null, primary key (day, name, value))")
    return db


def count(name: str, value: str = "", cache_dir: Path | None = None,
          day: date | None = None) -> None:
    """Add one to a counter."""
    count_all([(name, value)], cache_dir, day)


def count_all(events, cache_dir: Path | None = None, day: date | None = None) -> None:
    """Add one to each (name, value) counter, in one write. Never fails the caller:
    figures are not worth a crash."""
    events = [(name, value or "") for name, value in events]
    unknown = [name for name, _value in events if name not in EVENTS]
    if unknown:
        raise ValueError(f"unknown event {unknown[0]!r}")
    if not events:
        return
    today = (day or clock.today()).isoformat()
    try:
        db = _db(cache_dir)
        with db:
            db.executemany("insert into counts values (?, ?, ?, 1) on conflict "
                           "(day, name, value) do update set n = n + 1",
                           [(today, name, value) for name, value in events])
        db.close()
    except sqlite3.Error:
        pass


def totals(days: int = 30, cache_dir: Path | None = None, today: date | None = None) -> dict:
    """{name: {value: n}} over the last `days` days (today included; at most MAX_DAYS).
    Counts dated after today (written under a clock running ahead) are left out, as
    the weekly export leaves them out. Raises sqlite3.Error or OSError when the file
    cannot be read."""
    today = today or clock.today()
    since = (today - timedelta(days=min(max(days, 1), MAX_DAYS) - 1)).isoformat()
    db = _db(cache_dir)
    out: dict[str, dict[str, int]] = {}
    try:
        for name, value, n in db.execute(
                "select name, value, sum(n) from counts where day >= ? and day <= ? "
                "group by name, value order by name, value", [since, today.isoformat()]):
            out.setdefault(name, {})[value] = n
    finally:
        db.close()
    return out


def totals_if_readable(days: int, cache_dir: Path | None = None) -> dict | None:
    """`totals`, or None when stats.sqlite is damaged or cannot be read (the staff
    screen then leaves the figures out instead of failing)."""
    try:
        return totals(days, cache_dir)
    except (sqlite3.Error, OSError):
        return None


def shown(n: int) -> int | str:
    """A count as people may see it: 0 stays 0, 1 to 4 become "<5"."""
    return f"<{SMALLEST_SHOWN}" if 0 < n < SMALLEST_SHOWN else n


def suppressed(figures: dict) -> dict:
    """{name: {value: n}} with every cell passed through `shown`."""
    return {name: {value: shown(n) for value, n in values.items()}
            for name, values in figures.items()}


def report(figures: dict, days: int) -> str:
    """The figures from `totals` as text for staff, small counts suppressed."""
    lines = [f"Usage over the last {days} days (anonymous counts):"]
    for name, label in EVENTS.items():
        values = figures.get(name, {})
        if "" in values or not values:
            lines.append(f"  {label:36s} {shown(values.get('', 0))}")
        else:
            lines.append(f"  {label}:")
            lines += [f"    {value:32s} {shown(n)}" for value, n in
                      sorted(values.items(), key=lambda item: -item[1])]
    return "\n".join(lines)
