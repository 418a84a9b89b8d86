"""The bundled sample catalog (assets/sample-catalog.json) never goes out of date: its
dates are moved forward when it is loaded, the file itself is never changed.

The rule (docs/feed.md, "The bundled sample"): when the sample's generated_at is more
than FRESH_DAYS days before today, every date in it (generated_at, start dates,
last_verified) moves forward by the fewest whole weeks that make generated_at at most
FRESH_DAYS days old. Whole weeks keep every weekday, and the order of the dates and the
gaps between them stay as written, so the sample shows as many courses on any day.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from kiosk import clock
from kiosk.catalog.read import read_head

FRESH_DAYS = 13


def shift_days(path: Path, limit: int, today: dt.date | None = None) -> int:
    """How many days (a multiple of 7, 0 or more) the sample's dates move today."""
    header, _providers, _courses = read_head(path, limit)
    try:
        made = dt.date.fromisoformat(str(header.get("generated_at"))[:10])
    except ValueError:
        return 0
    age = ((today or clock.today()) - made).days
    if age <= FRESH_DAYS:
        return 0
    return -(-(age - FRESH_DAYS) // 7) * 7


def _moved(day, days: int):
    try:
        return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()
    except (TypeError, ValueError):
        return day                      # not a date: the checks reject it as written


def mover(days: int):
    """A function moving one course's dates by `days`; None when they stay."""
    if not days:
        return None

    def move(course):
        if not isinstance(course, dict):
            return course
        course = dict(course)
        if isinstance(course.get("start_dates"), list):
            course["start_dates"] = [_moved(d, days) for d in course["start_dates"]]
        if isinstance(course.get("last_verified"), str):
            course["last_verified"] = _moved(course["last_verified"], days)
        return course
    return move


def moved_time(stamp, days: int) -> str:
    """generated_at (an ISO time) moved by `days`."""
    if not isinstance(stamp, str) or not days:
        return stamp if isinstance(stamp, str) else ""
    return _moved(stamp[:10], days) + stamp[10:]
