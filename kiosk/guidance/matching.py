"""Which courses fit a visitor, in what order, and why (docs/matching.md).

The hard rules and the relaxing of answers are here; the ranking score is defined once in
kiosk/guidance/ranking.py and the reasons are worded in kiosk/guidance/reasons.py. Filtering and the score
happen in SQL (bit masks, ranks, dates, a bounding box, the exact distance), mostly from
covering indexes; Python orders the small rows that come back, computes the tie-break only
for equal scores that are looked at, and reads full course rows only for the results shown.
"""
from __future__ import annotations

import json
import math
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from kiosk import clock, vocab
from kiosk.guidance import order, places, ranking, reasons, routes
from kiosk.guidance.answers import AnswersError, check_answers  # noqa: F401  (kiosk.matching.* before)
from kiosk.guidance.query import Filter, LightRow, Query, light_rows
from kiosk.guidance.ranking import FACTORS, FIRST_PAGE, WEIGHTS  # noqa: F401  (kiosk.matching.*)
from kiosk.guidance.results import Result, Results  # noqa: F401  (Result: named kiosk.matching.Result)

DISTANCE_STEPS_KM = (5, 10, 20, 30, 50)   # wider and wider when nothing fits; never beyond 50
ORIENTATION_PER_GOAL = 10                 # `weet-niet`: the best this many of each goal
ORIENTATION_FLOORS = (0.1, 0.3, 0.6, 1.0, 1.5, 2.2, 3.0)   # below the best possible score
ALL_GOALS = (1 << len(vocab.GOALS)) - 1
FIRST_FETCH = 4 * FIRST_PAGE              # courses read at first; more when a screen asks
TIE_MARGIN = 0.6 * 10 ** -ranking.SCORE_DECIMALS  # below a rounded score: all that round to it
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


# ---------------------------------------------------------------- hard rules

STARTS_RULE = "(flexible_start = 1 or last_start >= :today)"
TIMES_RULE = "coalesce(times_mask, 0) & :not_times = 0"
DUTCH_RULE = "(req_dutch is null or req_dutch <= :dutch)"
DIPLOMA_RULE = "(req_diploma is null or req_diploma <= :diploma)"
BOX_RULE = "lat between :lat0 and :lat1 and lon between :lon0 and :lon1"
UNPLACED_RULE = "lat is null"
DISTANCE_RULE = "format = 'afstand' or distance_km <= :limit"
COURSES_RULE = "kind is null"
ROUTES_RULE = "kind is not null"
DUTCH_TO_RULE = "(dutch_to is null or dutch_to > :dutch)"
# a need -> the rule a course must obey (docs/matching.md); routes are never hidden by one
NEED_RULES = {
    "kinderopvang": "(format = 'afstand' or childcare is not 0)",
    "rolstoel": "(format = 'afstand' or wheelchair is not 0)",
    "andere-taal": "(goals_mask & :dutch_goal or lower(coalesce(language, 'nl')) <> 'nl')",
}
RELAXED_NEED = "andere-taal"              # the one need relaxed (last) when nothing fits


def _goal_rule(goal_bit: int, lead: bool = True) -> str:
    """As a list of values, the goal leads the indexes (catalog.create_indexes); or
    (lead=False, `+`) it is only checked, for the orientation's index."""
    masks = ", ".join(str(m) for m in range(1, ALL_GOALS + 1) if m & goal_bit)
    return f"{'' if lead else '+'}goals_mask in ({masks})"


def _format_rule(names, lead: bool = True) -> str:
    """Formats named, not excluded, so they can lead an index; or (lead=False, `+`)
    kept out of the index choice, for the parts that a place should lead."""
    return "{}format in ({})".format("" if lead else "+", ", ".join(f"'{x}'" for x in names))


def _rules(f: Filter, p: dict, lead_goal: bool = True) -> list[str]:
    """The hard rules every part of the question shares; adds their parameters to p."""
    rules = _shared_rules(f, p, lead_goal) + [COURSES_RULE]
    if f.times_mask is not None:
        rules.append(TIMES_RULE)
        p["not_times"] = ranking.ALL_TIMES & ~f.times_mask
    p["dutch_goal"] = 1 << vocab.GOALS.index("nederlands")
    rules += [NEED_RULES[need] for need in f.needs if need in NEED_RULES]
    if "gratis" in f.needs:
        rules.append(f"(cost_eur = 0 or {ranking.for_status('free_for', p)})")
    return rules


def _shared_rules(f: Filter, p: dict, lead_goal: bool = True) -> list[str]:
    """The rules courses and routes share: start, prerequisites, Dutch levels, goal."""
    rules = [STARTS_RULE]
    if f.dutch is not None:
        rules += [DUTCH_RULE, DUTCH_TO_RULE]
        p["dutch"] = f.dutch
    if f.diploma is not None:
        rules.append(DIPLOMA_RULE)
        p["diploma"] = f.diploma
    if f.goal_bit and f.goal_bit != ALL_GOALS:
        rules.append(_goal_rule(f.goal_bit, lead_goal))
    return rules


def _bounding_box(origin, km):
    lat, lon = origin
    dlat = km / 110.5 + 0.001
    cos = max(0.01, math.cos(math.radians(min(89.0, abs(lat) + dlat))))
    dlon = km / (111.33 * cos) + 0.001
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def _parts(q: Query, f: Filter, p: dict, limit_km: float | None, online: bool,
           lead_goal: bool = True) -> list[tuple[list[str], bool]]:
    """The question in parts, each read from the index that suits it, each with whether
    it holds online courses only: without a distance limit one part; with one, courses
    near by coordinates, placed by postcode only, and online (unless online courses
    cannot reach the floor)."""
    rules = _rules(f, p, lead_goal)
    chosen = [x for x in vocab.FORMATS if x in (f.formats or vocab.FORMATS)]
    if limit_km is None:
        return [(rules + [_format_rule(chosen)], chosen == ["afstand"])]
    p["lat0"], p["lat1"], p["lon0"], p["lon1"] = _bounding_box(q.origin, limit_km)
    p["limit"] = limit_km
    classroom = [x for x in chosen if x != "afstand"]
    parts = []
    if classroom:
        parts += [(rules + [_format_rule(classroom, False), BOX_RULE], False),
                  (rules + [_format_rule(classroom, False), UNPLACED_RULE], False)]
    if "afstand" in chosen and online:
        parts.append((rules + [_format_rule(["afstand"], lead_goal)], True))
    return parts


def _placed_distance(lat0, lon0, postcode):
    """kiosk_distance() in SQL, for a course without coordinates: km to its postcode,
    NULL when its place is unknown."""
    point = places.postcode_coordinates(postcode)
    return None if point is None else places.distance_km(lat0, lon0, *point)


def _light_sql(parts: list[list[str]], p: dict, origin_known: bool, limited: bool,
               order_limit: int | None, factors: bool = False, tiebreak: bool = False) -> str:
    """Each part from its index (idx_courses_match_rank holds every column named, so most
    courses are ranked without reading the table); then the score, the weighted sum of
    the factors. factors: the rows also carry each factor's score (FACTOR_SCORES);
    tiebreak: and what the tie-break hashes."""
    distance = ranking.DISTANCE_KM_SQL if origin_known else "null"
    carried = "".join(f", {c} as t_{c}" for c in order.TIEBREAK_COLUMNS) if tiebreak else ""
    light = " union all ".join(
        "select rowid, provider, goals_mask, format, times_mask, flexible_start, outcome,"
        f" cost_eur, opleidingscheques, kind, {distance} as distance_km,"
        f" {ranking.cost_sql(p)} as cost, {ranking.NEXT_START_SQL} as next_start{carried}"
        " from courses"
        f" where {' and '.join(part)}" for part in parts)
    scores = ranking.factors("distance_km", "cost", "next_start", origin_known)
    columns = "".join(f", {scores[name]} as f_{name}" for name in FACTORS) if factors else ""
    carried = "".join(f", t_{c}" for c in order.TIEBREAK_COLUMNS) if tiebreak else ""
    where = f" where {DISTANCE_RULE}" if limited else ""
    limit = f" order by score desc limit {int(order_limit)}" if order_limit else ""
    return (f"with light as materialized ({light}) select rowid, provider, distance_km, cost,"
            f" next_start, {ranking.total(scores)} as score, goals_mask, kind{columns}{carried}"
            f" from light{where}{limit}")


def _factor_scores(db, q: Query, rowids: list[int]) -> dict[int, tuple]:
    """rowid -> the course's factor scores (FACTORS order), by the very SQL that ranked
    it; for rows ranked without them (a long list, of which few are looked at)."""
    p = q.bind()
    p["rowids"] = json.dumps(rowids)
    _register_distance(db, q)
    sql = _light_sql([["rowid in (select value from json_each(:rowids))"]], p,
                     q.origin_known, False, None, factors=True)
    return {row.rowid: row.factors for row in light_rows(db.conn.execute(sql, p), factors=True)}


_REGISTERED: weakref.WeakSet = weakref.WeakSet()   # catalogs' databases with kiosk_distance()


def _register_distance(db, q: Query) -> None:
    """kiosk_distance() on this connection, once (registering again would make SQLite
    prepare every statement anew)."""
    if q.origin and db not in _REGISTERED:
        db.conn.create_function("kiosk_distance", 3, _placed_distance, deterministic=True)
        _REGISTERED.add(db)


def _query(db, q: Query, f: Filter, order_limit: int | None = None,
           floor: float | None = None, at_least: float | None = None) -> list[LightRow]:
    """The light rows of the courses that obey the hard rules under filter f, scored for
    the visitor. order_limit: only the best that many by score. floor: only the courses
    that score at least that much, found with cheap bounds first; a floor also limits how
    far away a classroom course can be. at_least: only those scoring that much, best
    first."""
    p = q.bind()
    limit_km, online = f.limit_km if q.origin else None, True
    if floor is not None:
        p["floor"] = floor
        if q.origin:
            near = ranking.distance_limit(p, floor)
            if near is not None:
                limit_km = near if limit_km is None else min(limit_km, near)
            online = ranking.online_can_reach(p, floor)
    parts = _parts(q, f, p, limit_km, online, lead_goal=floor is None)
    if floor is not None:
        parts = [(part + ranking.floor_rules(p, floor, q.origin_known, online_only), online_only)
                 for part, online_only in parts]
    if not parts:
        return []
    _register_distance(db, q)
    carried = floor is not None
    sql = _light_sql([part for part, _online in parts], p, q.origin_known,
                     limit_km is not None, order_limit, factors=carried, tiebreak=carried)
    if at_least is not None:
        p["at_least"] = at_least
        sql = f"select * from ({sql}) where score >= :at_least order by score desc"
    return light_rows(db.conn.execute(sql, p), factors=carried, tiebreak=carried)


def _count(db, q: Query, f: Filter) -> int:
    """How many courses obey the hard rules under filter f (what _query would return),
    without scoring them."""
    p = q.bind()
    limit_km = f.limit_km if q.origin else None
    parts = _parts(q, f, p, limit_km, True)
    _register_distance(db, q)
    distance = ranking.DISTANCE_KM_SQL if q.origin_known else "null"
    union = " union all ".join(f"select format, {distance} as distance_km from courses"
                               f" where {' and '.join(part)}" for part, _online in parts)
    where = f" where {DISTANCE_RULE}" if limit_km is not None else ""
    return db.conn.execute(f"select count(*) from ({union}){where}", p).fetchone()[0]


def _top(db, q: Query, f: Filter, limit: int) -> tuple[list[LightRow], bool]:
    """The best `limit` courses under filter f and every one that scores the same as the
    last of them (so the tie-break can order them), and whether that is all of them."""
    rows = _query(db, q, f, order_limit=limit + 1)
    if len(rows) <= limit:
        return rows, True
    last = order.rounded(rows[limit - 1].score)
    if order.rounded(rows[limit].score) < last:
        return rows[:limit], False
    ties = _query(db, q, f, at_least=last - TIE_MARGIN)           # the ties reach past
    return [row for row in ties if order.rounded(row.score) >= last], False


# ---------------------------------------------------------------- orientation

def _best_of_goal(db, q: Query, f: Filter, goal: int) -> list[LightRow]:
    """The best ORIENTATION_PER_GOAL of one goal without a floor: the best few by
    score, read further while equal scores reach past them."""
    n, fetch = ORIENTATION_PER_GOAL, 4 * ORIENTATION_PER_GOAL
    while True:
        rows = order.sort_rows(db, _query(db, q, replace(f, goal_bit=1 << goal),
                                            order_limit=fetch), q.salt)
        if len(rows) == fetch and rows[-1].score >= rows[n - 1].score:
            fetch *= 4
        else:
            return rows[:n]


def _best_per_goal(db, q: Query, f: Filter) -> list[list[LightRow]]:
    """Each goal's best ORIENTATION_PER_GOAL, in order. One question for all goals reads
    only the courses that score at least a floor, just below the best possible score; a
    goal whose best that many reach the floor is settled (equal scores score the same,
    so the choice is exactly the ranking's); the others are asked again with a lower
    floor, at last without one."""
    n = ORIENTATION_PER_GOAL
    top = ranking.top_score(q.params, q.origin_known)
    best: dict[int, list[LightRow]] = {}
    for drop in ORIENTATION_FLOORS:
        goals = [i for i in range(len(vocab.GOALS)) if i not in best]
        if not goals:
            break
        floor = top - drop
        bits = sum(1 << i for i in goals)
        rows = order.sort_rows(db, _query(db, q, replace(f, goal_bit=bits), floor=floor),
                                 q.salt)
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


def _route_rows(db, q: Query) -> list[LightRow]:
    """The routes that obey the rules routes share with courses (goal, start,
    prerequisites, Dutch levels), best first, with their factor scores and postcode.
    Times, formats, distance and needs never hide a route (docs/matching.md)."""
    p = q.bind()
    rules = _shared_rules(q.asked, p, lead_goal=False) + [ROUTES_RULE]   # the routes' own index
    _register_distance(db, q)
    sql = _light_sql([rules], p, q.origin_known, False, None, factors=True, tiebreak=True)
    rows = light_rows(db.conn.execute(sql, p), factors=True, tiebreak=True)
    return order.sort_rows(db, rows, q.salt)


@dataclass
class _Builder:
    """Makes a shown result from its light row and full course row: the language-neutral
    reasons (kiosk/guidance/reasons.py), with factor scores read a page at a time for
    rows ranked without them."""
    catalog: object
    q: Query
    intake_first: bool
    factor_scores: dict = field(default_factory=dict)

    def prepare(self, lights) -> None:
        wanted = [light.rowid for light in lights if light.factors is None]
        if wanted:
            self.factor_scores.update(_factor_scores(self.catalog.db, self.q, wanted))

    def __call__(self, light: LightRow, course: dict, provider: dict) -> Result:
        a = self.q.answers
        facts = {"distance_km": light.distance_km, "next_start": light.next_start,
                 "factors": dict(zip(FACTORS, light.factors or self.factor_scores[light.rowid]))}
        return Result(course=course, provider=provider, distance_km=light.distance_km,
                      facts=reasons.reasons(course, facts, a, self.q.asked, self.q.orientation,
                                            after_intake=self.intake_first),
                      cost=light.cost, score=order.rounded(light.score),
                      statuses=a["status"])


def match(catalog, answers: dict, today: date | None = None,
          lang: str | None = None) -> Outcome:
    """All courses that fit the answers, ranked, with the routes that apply (some leading,
    kiosk/guidance/routes.py); relaxes distance, then times, then formats, then the need for
    another language, one at a time, when no course fits. The results are said in lang
    (default: the answers' language); `Outcome.in_language` says them in another one
    without asking the catalog again. AnswersError for invalid answers."""
    q = Query.build(answers, today or clock.today())
    db = catalog.db
    lead, others = routes.split(_route_rows(db, q), q.answers)
    for f, relaxed in _stages(q.asked):  # noqa: B007 (the last stage tried is returned)
        if q.orientation:
            rows = _orientation(db, q, f)
            if rows:
                ranked = order.Ranked(db, routes.into_orientation(rows, others), q.salt,
                                      ordered=True, lead=lead)
                break
            continue
        rows, complete = _top(db, q, f, FIRST_FETCH)
        if rows:
            size = len(rows) if complete else _count(db, q, f)

            def fetch(limit, f=f):
                best, whole = _top(db, q, f, limit)
                return best + others, whole
            ranked = order.Ranked(db, rows + others, q.salt, lead=lead, fetch=fetch,
                                  size=size + len(others), limit=FIRST_FETCH)
            break
    else:
        ranked = order.Ranked(db, others if not q.orientation else
                              routes.into_orientation([], others), q.salt,
                              ordered=q.orientation, lead=lead)
    build = _Builder(catalog, q, any(row.kind == vocab.INTAKE for row in lead))
    lang = lang or q.answers["language"] or "nl"
    return Outcome(results=Results(catalog, ranked, build, build.prepare, lang),
                   relaxed=relaxed, unknown_postcode=q.unknown_postcode,
                   orientation=q.orientation, searched_km=f.limit_km, lang=lang)


# ---------------------------------------------------------------- titles

def course_title(course: dict, lang: str | None) -> str:
    """The course title in lang when the feed gives it, else the Dutch one."""
    titles = course.get("title") if isinstance(course.get("title"), dict) else {}
    return titles.get(lang or "nl") or course.get("title_nl") or titles.get("nl", "")
