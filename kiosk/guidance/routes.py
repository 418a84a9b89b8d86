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
    diploma only to a visitor with a foreign diploma, experience not to one who has none,
    the orientation of newcomers to an inburgeraar or a beginner in Dutch."""
    if kind == "recognition-diploma":
        return a["diploma"] == vocab.FOREIGN_DIPLOMA
    if kind == "recognition-experience":        # no experience: nothing to recognise
        return a.get("experience") != "geen"
    if kind == "orientation":                   # part of inburgering: for newcomers
        dutch = vocab.rank(vocab.DUTCH_LEVELS, a["dutch_level"])
        return "inburgeraar" in a["status"] or dutch is None or dutch <= 1
    return True


def intake_leads(a: dict, dutch_first: bool = False) -> bool:
    """A visitor who wants to learn Dutch is placed through an intake first, and so is
    one whose Dutch is below what the goal's courses ask (dutch_first)."""
    return a["goal"] == "nederlands" or dutch_first


# the order of routes in "Jouw wegen" (docs/matching.md section 6): recognition of
# experience leads for a visitor with experience in the sector; the two ways to a
# secondary diploma side by side
WAYS_ORDER = ("recognition-diploma", "tweedekans", "exam", "youth-route", "work-training",
              "recognition-experience", "orientation")


def _way_rank(row: LightRow, a: dict, specific: set) -> tuple:
    if row.kind == "recognition-experience" and a.get("experience") == vocab.EXPERIENCED:
        return (-1, row.rowid not in specific)
    rank = WAYS_ORDER.index(row.kind) if row.kind in WAYS_ORDER else len(WAYS_ORDER)
    return (rank, False)


def of_region(intakes: list[LightRow], postcode: str | None) -> list[LightRow]:
    """The intakes of the visitor's region (by postcode); all of them when the region
    is unknown or has none."""
    region = vocab.region(postcode)
    own = [row for row in intakes if vocab.region(row.postcode) == region]
    return own if region and own else intakes


def split(rows: list[LightRow], a: dict, intakes: list[LightRow] = (),
          specific: set = frozenset()) -> tuple[list[LightRow], list[LightRow]]:
    """The routes that apply as (those that lead the results: "Jouw wegen", those ranked
    among the courses: none, since routes are shown as routes). Leading: the intake of
    the visitor's region when they learn Dutch or their Dutch is below what the goal asks
    (`intakes`: the intakes found for that; other regions' intakes are left out); then
    the other routes in WAYS_ORDER, recognition of experience first for a visitor with
    2 years or more in the sector (`specific`: the rowids of routes that name their
    sectors, before the general one). Order within a kind: as given (ranked)."""
    rows = [row for row in rows if applies(row.kind, a)]
    lead = []
    own = [row for row in rows if row.kind == vocab.INTAKE]
    if intake_leads(a, bool(intakes)):
        known = {row.rowid for row in own}
        lead = of_region(own + [row for row in intakes if row.rowid not in known],
                         a["postcode"])
    leading = {row.rowid for row in lead}
    rest = [row for row in rows if row.kind != vocab.INTAKE or not lead and row.rowid not in leading]
    order = sorted(range(len(rest)), key=lambda i: (_way_rank(rest[i], a, specific), i))
    return lead + [rest[i] for i in order], []


def into_orientation(rows: list[LightRow], routes: list[LightRow]) -> list[LightRow]:
    """An orientation's ordered rows with the routes after its first screen."""
    return rows[:FIRST_PAGE] + routes + rows[FIRST_PAGE:]
