"""Today's date for the whole kiosk: one source for every rule that depends on the day.

Matching (courses that still start), the upcoming start dates of a course, the day of the
usage figures and the date in a booking reference all ask `clock.today()`. Call it through
the module (`from kiosk import clock`, then `clock.today()`), never import the function
itself: then one assignment to `clock.today` runs a whole process on a chosen day, as the
scripted visits of the tests do with the bundled sample catalog, whose start dates are fixed.
"""
from __future__ import annotations

from datetime import date, datetime


def today() -> date:
    """The local date on this device."""
    return date.today()


FUTURE_SLACK_S = 300        # clocks of two machines may differ this much


def known_past(when: datetime | None, now: datetime) -> datetime | None:
    """`when` if it lies in the past of `now` (give or take FUTURE_SLACK_S), else None.
    A time in the future was written under a clock running ahead: it is unknown, never
    "fresh" (else one refresh under a clock 400 days ahead would keep a catalog fresh
    and postpone the daily refresh for 400 days)."""
    if when is None:
        return None
    if when.tzinfo is None and now.tzinfo is not None:
        when = when.replace(tzinfo=now.tzinfo)
    elif now.tzinfo is None and when.tzinfo is not None:
        when = when.astimezone().replace(tzinfo=None)
    return when if (when - now).total_seconds() <= FUTURE_SLACK_S else None
