"""Routes that are not courses (docs/matching.md, section 6): which of them apply to a
visitor, the intake of the visitor's region, and where routes stand among the courses.

The catalog query that finds them is in kiosk/guidance/matching.py; this module works on the light
rows it returns (kiosk/guidance/query.py LightRow), which carry the route's postcode for the region.
"""
from __future__ import annotations

from kiosk import vocab
from kiosk.guidance.query import LightRow
from kiosk.guidance.ranking import FIRST_PAGE


def applies(kind: str, a: dict) -> bool:
    """Whether a route of this kind applies beyond its goals and levels: recognising a
    diploma only to a visitor with a foreign diploma."""
    if kind == "recognition-diploma":
        return a["diploma"] == vocab.FOREIGN_DIPLOMA
    return True


def intake_leads(a: dict) -> bool:
    """A visitor who wants to learn Dutch is placed through an intake first."""
    return a["goal"] == "nederlands"


def of_region(intakes: list[LightRow], postcode: str | None) -> list[LightRow]:
    """The intakes of the visitor's region (by postcode); all of them when the region
    is unknown or has none."""
    region = vocab.region(postcode)
    own = [row for row in intakes if vocab.region(row.postcode) == region]
    return own if region and own else intakes


def split(rows: list[LightRow], a: dict) -> tuple[list[LightRow], list[LightRow]]:
    """The routes that apply as (those that lead the results, those ranked among the
    courses). Leading: for a visitor learning Dutch, the intake of their region (other
    regions' intakes are left out); then, for a visitor with a foreign diploma, its
    recognition."""
    rows = [row for row in rows if applies(row.kind, a)]
    lead = []
    if intake_leads(a):
        lead = of_region([row for row in rows if row.kind == vocab.INTAKE], a["postcode"])
        rows = [row for row in rows if row.kind != vocab.INTAKE]
    lead += [row for row in rows if row.kind == "recognition-diploma"]
    return lead, [row for row in rows if row.kind != "recognition-diploma"]


def into_orientation(rows: list[LightRow], routes: list[LightRow]) -> list[LightRow]:
    """An orientation's ordered rows with the routes after its first screen."""
    return rows[:FIRST_PAGE] + routes + rows[FIRST_PAGE:]
