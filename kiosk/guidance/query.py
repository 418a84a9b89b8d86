"""One visitor's question to the catalog, built once from the answers, and the typed rows
it gives back (docs/matching.md). kiosk/guidance/matching.py asks it, stage by stage;
kiosk/guidance/ranking.py scores with its parameters; neither builds them again."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import NamedTuple

from kiosk import vocab
from kiosk.guidance import order, places, ranking
from kiosk.guidance.answers import check_answers


@dataclass(frozen=True)
class Filter:
    """The hard rules of one stage: as asked, or with an answer relaxed."""
    goal_bit: int                 # 0 = any goal; several bits: any of those goals
    times_mask: int | None        # None = any times
    formats: tuple[str, ...]      # () = any format
    dutch: int | None             # visitor's rank; None = unknown, never excludes
    diploma: int | None           # idem; a foreign diploma counts as unknown
    limit_km: float | None        # None = no distance limit
    needs: tuple[str, ...] = ()   # the visitor's needs (vocab.NEEDS) that still hold


@dataclass(frozen=True)
class Query:
    """What one visitor asks: the checked answers, the day, their place, the hard rules
    as asked and the ranking's parameters (read-only: a part of the question copies
    them with `bind`)."""
    answers: dict                 # answers.check_answers
    today: date
    origin: tuple[float, float] | None
    asked: Filter
    orientation: bool             # goal weet-niet (or none): a varied orientation
    params: Mapping

    @classmethod
    def build(cls, answers: dict, today: date) -> Query:
        """AnswersError for invalid answers."""
        a = check_answers(answers)
        origin = places.postcode_coordinates(a["postcode"]) if a["postcode"] else None
        orientation = a["goal"] in (None, vocab.GOAL_UNSURE)
        asked = Filter(
            goal_bit=0 if orientation else 1 << vocab.GOALS.index(a["goal"]),
            times_mask=vocab.mask(vocab.TIMES, a["times"]) if a["times"] else None,
            formats=a["formats"], dutch=vocab.rank(vocab.DUTCH_LEVELS, a["dutch_level"]),
            diploma=vocab.rank(vocab.DIPLOMAS, a["diploma"]),  # foreign -> None: never excludes
            limit_km=a["max_distance_km"] if origin else None, needs=a["needs"])
        params = ranking.params(a, today.isoformat(), origin) | order.day_params(today.isoformat())
        return cls(a, today, origin, asked, orientation, MappingProxyType(params))

    @property
    def origin_known(self) -> bool:
        return self.origin is not None

    @property
    def unknown_postcode(self) -> bool:
        return bool(self.answers["postcode"]) and self.origin is None

    def bind(self) -> dict:
        """The parameters, for one statement that adds its own."""
        return dict(self.params)


class LightRow(NamedTuple):
    """A course as ranking sees it: what ordering and the first screen's variety need,
    the distance, cost and next start the reasons name, the record's kind (None: a
    course; else a route), its tie-break for today (order.tie_sql); factors: each
    factor's score (ranking.FACTORS order) when the query computed them; postcode: when
    carried (routes)."""
    rowid: int
    provider: str
    distance_km: float | None
    cost: str
    next_start: str | None
    score: float
    goals_mask: int
    kind: str | None
    tie: int
    factors: tuple | None = None
    postcode: str | None = None


COLUMNS = len(LightRow._fields) - 2                 # the plain columns every row has


def light_rows(rows, factors: bool = False, postcode: bool = False) -> list[LightRow]:
    """The rows of a light query (kiosk/guidance/sql.py) as LightRow."""
    n, end = COLUMNS, COLUMNS + len(ranking.FACTORS)
    if factors and postcode:
        return [LightRow(*r[:n], r[n:end], r[end]) for r in rows]
    if factors:
        return [LightRow(*r[:n], r[n:end]) for r in rows]
    return [LightRow(*r) for r in rows]
