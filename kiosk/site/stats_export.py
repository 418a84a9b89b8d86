"""Usage figures for partners: per week as CSV, and as a chart (PNG).

Built on the daily counters of kiosk/site/stats.py; every count from 1 to 4 is written and
labelled "<5" (`stats.shown`), so no single visit can be picked out. Columns: the week
(its Monday), visits started, visits that reached the results, with no result, booking
QR codes shown, visits wiped after no touch, then visits per goal and per language.
"""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

import sqlite_utils

from kiosk import paths
from kiosk.files import write_atomically
from kiosk.site import stats

FUNNEL = (("visit", "visits started"), ("results", "reached the results"),
          ("no_results", "no course found"), ("booking", "booking QR shown"),
          ("timeout", "wiped after no touch"))
PER_VALUE = ("goal", "language")


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(days: int = 30, cache_dir: Path | None = None,
           today: date | None = None) -> dict[date, dict[str, dict[str, int]]]:
    """{week's Monday: {event: {value: n}}} over the whole weeks that hold the last `days`
    days, every week present (a partial first week would look like a quiet one)."""
    today = today or date.today()
    since = monday(today - timedelta(days=days - 1))
    weeks = {}
    week = since
    while week <= today:
        weeks[week] = {}
        week += timedelta(days=7)
    path = paths.cache_dir(cache_dir) / stats.FILE
    if not path.exists():
        return weeks
    db = sqlite_utils.Database(path)
    try:
        for day, name, value, n in db.execute(
                "select day, name, value, n from counts where day >= ? and day <= ?",
                [since.isoformat(), today.isoformat()]):
            cell = weeks[monday(date.fromisoformat(day))].setdefault(name, {})
            cell[value] = cell.get(value, 0) + n
    finally:
        db.conn.close()
    return weeks


def columns(weeks: dict) -> list[tuple[str, str, str]]:
    """(event, value, header) for every column after the week."""
    out = [(name, "", label) for name, label in FUNNEL]
    for name in PER_VALUE:
        values = sorted({value for figures in weeks.values() for value in figures.get(name, {})})
        out += [(name, value, f"{name}: {value or '-'}") for value in values]
    return out


def write_csv(weeks: dict, target: Path) -> Path:
    """The figures per week as CSV, written whole (never onto a device or a FIFO)."""
    cols = columns(weeks)
    f = io.StringIO(newline="")
    writer = csv.writer(f)
    writer.writerow(["week", *(header for _name, _value, header in cols)])
    for week, figures in weeks.items():
        writer.writerow([week.isoformat(), *(
            stats.shown(figures.get(name, {}).get(value, 0)) for name, value, _ in cols)])
    write_atomically(Path(target), f.getvalue())
    return target


def totals(weeks: dict, name: str) -> dict[str, int]:
    """{value: n} of one event summed over the weeks."""
    out: dict[str, int] = {}
    for figures in weeks.values():
        for value, n in figures.get(name, {}).items():
            out[value] = out.get(value, 0) + n
    return out
