"""Today's date for the whole kiosk: one source for every rule that depends on the day.

Matching (courses that still start), the upcoming start dates of a course, the day of the
usage figures and the date in a booking reference all ask `clock.today()`. Call it through
the module (`from kiosk import clock`, then `clock.today()`), never import the function
itself: then one assignment to `clock.today` runs a whole process on a chosen day, as the
scripted visits of the tests do with the bundled sample catalog, whose start dates are fixed.
"""
from __future__ import annotations

from datetime import date


def today() -> date:
    """The local date on this device."""
    return date.today()
