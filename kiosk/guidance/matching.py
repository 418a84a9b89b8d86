"""Which courses fit a visitor, in what order, and why (docs/matching.md).

The relaxing of answers, the orientation and `match()` are here; the hard rules are SQL
in kiosk/guidance/sql.py, the ranking score is defined once in kiosk/guidance/ranking.py,
the order in kiosk/guidance/order.py and the reasons in kiosk/guidance/reasons.py. SQL
gives the best few courses in ranking order, ties included (and more when a screen
asks); Python spreads the first screen over providers and reads full course rows only
for the results shown.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from kiosk import clock, vocab
from kiosk.guidance import order, ranking, reasons, routes, sql
from kiosk.guidance.answers import AnswersError, check_answers  # noqa: F401  (kiosk.matching.* before)
from kiosk.guidance.query import Filter, LightRow, Query
from kiosk.guidance.ranking import FACTORS, FIRST_PAGE, WEIGHTS  # noqa: F401  (kiosk.matching.*)
from kiosk.guidance.results import Result, Results  # noqa: F401  (Result: named kiosk.matching.Result)

DISTANCE_STEPS_KM = (5, 10, 20, 30, 50)   # wider and wider when nothing fits; never beyond 50
ORIENTATION_PER_GOAL = 10                 # `weet-niet`: the best this many of each goal
ORIENTATION_FLOORS = (0.1, 0.3, 0.6, 1.0, 1.5, 2.2, 3.0)   # below the best possible score
RELAXED_NEED = "andere-taal"              # the one need relaxed (last) when nothing fits
FIRST_FETCH = 4 * FIRST_PAGE              # courses read at first; more when a screen asks
FLOOR_MARGIN = 1e-6                       # a score this much above a floor surely reached it


@dataclass
class Outcome:
    results: Sequence[Result]   # ranked, all matches (orientation: the best of each goal);
                                # built on access (see Results), said in `lang`
    relaxed: list[str]      # answer names relaxed, in order: "max_distance_km", "times", "formats"
    unknown_postcode: bool  # the visitor's postcode is not known: distance not used
    orientation: bool       # goal weet-niet: a varied orientation over goals
    searched_km: float | None = None  # the distance limit finally used (None = none)
    lang: str = "nl"        # the language the results' reasons and prices are said in

    def in_language(self, lang: str) -> Outcome:
        """The same outcome said in another language: the results already built are only
        worded again (reasons.render), no query runs for them."""
        return replace(self, results=self.results.in_language(lang), lang=lang)


# ---------------------------------------------------------------- orientation

def _best_of_goal(db, q: Query, f: Filter, goal: int) -> list[LightRow]:
    """The best ORIENTATION_PER_GOAL of one goal without a floor, in ranking order."""
    return sql.query_rows(db, q, replace(f, goal_bit=1 << goal),
                          order_limit=ORIENTATION_PER_GOAL)


def _best_per_goal(db, q: Query, f: Filter) -> list[list[LightRow]]:
    """Each goal's best ORIENTATION_PER_GOAL, in order. One question for all goals reads
    only the courses that score at least a floor, just below the best possible score,
    and gives the first that many of each goal; a goal whose that many reach the floor
    is settled (courses below the floor rank below them); the others are asked again
    with a lower floor, at last without one."""
    n = ORIENTATION_PER_GOAL
    top = ranking.top_score(q.params, q.origin_known)
    best: dict[int, list[LightRow]] = {}
    for drop in ORIENTATION_FLOORS:
        goals = [i for i in range(len(vocab.GOALS)) if i not in best]
        if not goals:
            break
        floor = top - drop
        bits = sum(1 << i for i in goals)
        found = sql.query_rows(db, q, replace(f, goal_bit=bits), floor=floor, per_goal=n)
        rows = order.sort_rows(list({r.rowid: r for r in found}.values()))
        for i in goals:
            own = [r for r in rows if r.goals_mask & (1 << i)]
            if len(own) >= n and own[n - 1].score >= floor + FLOOR_MARGIN:
                best[i] = own[:n]
    return [best[i] if i in best else _best_of_goal(db, q, f, i)
            for i in range(len(vocab.GOALS))]


def _orientation(db, q: Query, f: Filter) -> list[LightRow]:
    """The best ORIENTATION_PER_GOAL courses of each goal, each goal's best remaining in
    turn (goals in the order of docs/answers.md), so a visitor who is unsure sees them all."""
    queues = _best_per_goal(db, q, f)
    positions = [0] * len(queues)
    taken, out = set(), []
    while True:
        moved = False
        for i, queue in enumerate(queues):
            while positions[i] < len(queue) and queue[positions[i]].rowid in taken:
                positions[i] += 1
            if positions[i] < len(queue):
                row = queue[positions[i]]
                taken.add(row.rowid)
                out.append(row)
                moved = True
        if not moved:
            return out


def _stages(asked: Filter) -> list[tuple[Filter, list[str]]]:
    """The filter as asked, then relaxed one answer at a time: distance in steps up to
    50 km, then times, then formats; each with the names relaxed so far."""
    stages = [(asked, [])]
    f, relaxed = asked, []
    if asked.limit_km is not None and asked.limit_km < DISTANCE_STEPS_KM[-1]:
        relaxed = ["max_distance_km"]
        for step in DISTANCE_STEPS_KM:
            if step > asked.limit_km:
                f = replace(f, limit_km=float(step))
                stages.append((f, list(relaxed)))
    if asked.times_mask is not None:
        relaxed = relaxed + ["times"]
        f = replace(f, times_mask=None)
        stages.append((f, list(relaxed)))
    if asked.formats:
        relaxed = relaxed + ["formats"]
        f = replace(f, formats=())
        stages.append((f, list(relaxed)))
    if RELAXED_NEED in asked.needs:
        relaxed = relaxed + ["needs"]
        f = replace(f, needs=tuple(n for n in f.needs if n != RELAXED_NEED))
        stages.append((f, list(relaxed)))
    return stages


@dataclass
class _Builder:
    """Makes a shown result from its light row and full course row: the language-neutral
    reasons (kiosk/guidance/reasons.py), with factor scores read a page at a time for
    rows ranked without them."""
    catalog: object
    q: Query
    intake_first: bool
    dutch_first: int | None = None     # the level (rank) the goal's courses ask, when above
    factor_scores: dict = field(default_factory=dict)

    def prepare(self, lights) -> None:
        wanted = [light.rowid for light in lights if light.factors is None]
        if wanted:
            self.factor_scores.update(sql.factor_scores(self.catalog.db, self.q, wanted))

    def __call__(self, light: LightRow, course: dict, provider: dict) -> Result:
        a = self.q.answers
        facts = {"distance_km": light.distance_km, "next_start": light.next_start,
                 "factors": dict(zip(FACTORS, light.factors or self.factor_scores[light.rowid]))}
        return Result(course=course, provider=provider, distance_km=light.distance_km,
                      facts=reasons.reasons(course, facts, a, self.q.asked, self.q.orientation,
                                            after_intake=self.intake_first,
                                            dutch_first=self.dutch_first),
                      cost=light.cost, score=order.rounded(light.score),
                      statuses=a["status"], answers=a, today=self.q.today)


PRACTICE = "practice"      # a relaxed name: only practice groups fitted, lessons further away


def _routes(db, q: Query) -> tuple[list[LightRow], list[LightRow], int | None]:
    """The routes that apply: (those that lead, those among the courses, the Dutch level
    the goal's courses ask when the visitor's is below it: "Eerst Nederlands leren")."""
    rows = sql.route_rows(db, q)
    if q.orientation:       # an orientation: its routes after the first screen
        lead, others = routes.split(rows, q.answers)
        keep = {"intake", "recognition-diploma"}
        return ([r for r in lead if r.kind in keep], [r for r in lead if r.kind not in keep],
                None)
    dutch_first = None
    if q.asked.dutch is not None and q.answers["goal"] != "nederlands":
        asked = sorted(sql.dutch_asked(db, q))
        if asked and q.asked.dutch < asked[len(asked) // 2]:
            dutch_first = asked[len(asked) // 2]
    intakes = sql.intake_rows(db, q) if dutch_first is not None else []
    specific = sql.sector_specific(db, [r.rowid for r in rows
                                        if r.kind == "recognition-experience"])
    lead, others = routes.split(rows, q.answers, intakes, specific)
    return lead, others, dutch_first


def _only_practice(db, q: Query, f: Filter) -> bool:
    """Courses fit, but all of them are practice or conversation groups."""
    return sql.count(db, q, f) > 0 and sql.count(db, q, f, lessons_only=True) == 0


def _wider_lessons(db, q: Query, f: Filter) -> Filter | None:
    """The nearest wider distance (at last none) at which a lesson that is not a
    practice group fits; None when there is none anywhere."""
    if not q.origin or f.limit_km is None:
        return None
    for km in [k for k in DISTANCE_STEPS_KM if k > f.limit_km] + [None]:
        wider = replace(f, limit_km=None if km is None else float(km))
        if sql.count(db, q, wider, lessons_only=True):
            return wider
    return None


def match(catalog, answers: dict, today: date | None = None,
          lang: str | None = None) -> Outcome:
    """All courses that fit the answers, ranked, with the routes that apply (some leading,
    kiosk/guidance/routes.py); relaxes distance, then times, then formats, then the need for
    another language, one at a time, when no course fits. The results are said in lang
    (default: the answers' language); `Outcome.in_language` says them in another one
    without asking the catalog again. AnswersError for invalid answers."""
    q = Query.build(answers, today or clock.today())
    db = catalog.db
    lead, others, dutch_first = _routes(db, q)
    for f, relaxed in _stages(q.asked):  # noqa: B007 (the last stage tried is returned)
        if not q.orientation and _only_practice(db, q, f):
            wider = _wider_lessons(db, q, f)
            if wider is not None:
                f, relaxed = wider, relaxed + [PRACTICE]
        if q.orientation:
            rows = _orientation(db, q, f)
            if rows:
                ranked = order.Ranked(routes.into_orientation(rows, others), ordered=True,
                                      lead=lead)
                break
            continue
        rows, complete = sql.top(db, q, f, FIRST_FETCH)
        if rows:
            size = len(rows) if complete else sql.count(db, q, f)

            def fetch(limit, f=f):
                best, whole = sql.top(db, q, f, limit)
                return best + others, whole
            ranked = order.Ranked(rows + others, lead=lead, fetch=fetch,
                                  size=size + len(others), limit=FIRST_FETCH)
            break
    else:               # nothing fits, even relaxed: the routes alone
        rows = routes.into_orientation([], others) if q.orientation else others
        ranked = order.Ranked(rows, ordered=q.orientation, lead=lead)
    build = _Builder(catalog, q, any(row.kind == vocab.INTAKE for row in lead), dutch_first)
    lang = lang or q.answers["language"] or "nl"
    return Outcome(results=Results(catalog, ranked, build, build.prepare, lang),
                   relaxed=relaxed, unknown_postcode=q.unknown_postcode,
                   orientation=q.orientation, searched_km=f.limit_km, lang=lang)


# ---------------------------------------------------------------- titles

def course_title(course: dict, lang: str | None) -> str:
    """The course title in lang when the feed gives it, else the Dutch one."""
    titles = course.get("title") if isinstance(course.get("title"), dict) else {}
    return titles.get(lang or "nl") or course.get("title_nl") or titles.get("nl", "")
