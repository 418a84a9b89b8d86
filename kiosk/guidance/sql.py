"""The hard rules of docs/matching.md as SQL, and the light rows of the courses that obey
them, scored by kiosk/guidance/ranking.py's expressions.

Filtering and the score happen in SQL (bit masks, ranks, dates, a bounding box, the exact
distance), mostly from covering indexes; a question is asked in parts, each read from the
index that suits it. kiosk/guidance/matching.py decides what to ask (stages, the
orientation); this module asks it.
"""
from __future__ import annotations

import json
import math
import weakref

from kiosk import vocab
from kiosk.catalog import tie_keys
from kiosk.guidance import order, places, ranking
from kiosk.guidance.query import Filter, LightRow, Query, light_rows
from kiosk.guidance.ranking import FACTORS

ALL_GOALS = (1 << len(vocab.GOALS)) - 1
KEYS = tuple(tie_keys.COLUMNS)     # the stored tie-break keys (kiosk/catalog/tie_keys.py)

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


def _answer_rules(a: dict, p: dict) -> list[str]:
    """The follow-up answers as rules courses and routes share (docs/matching.md): a
    record that does not say (NULL) is never hidden by one. Never relaxed."""
    rules = []
    if a.get("sector"):
        rules.append("(sectors_mask is null or sectors_mask & :sector_bit)")
        p["sector_bit"] = 1 << vocab.SECTORS.index(a["sector"])
    if a.get("learn_language"):
        rules.append("(teaches_language is null or teaches_language = :learn_language)")
        p["learn_language"] = a["learn_language"]
    if a.get("skill"):
        rules.append("(skills_mask is null or skills_mask & :skill_bit)")
        p["skill_bit"] = 1 << vocab.SKILLS.index(a["skill"])
    if a.get("reading") == "nog-niet":         # a course that asks reading comes later
        rules.append("(literacy is null or literacy <> 'geletterd')")
    elif a.get("reading"):                     # who reads needs no literacy course
        rules.append("(literacy is null or literacy <> 'alfa')")
    # routes for young people only to a visitor who said they are younger than 25
    if a.get("age_band") == vocab.YOUNG:
        rules.append(f"(min_age is null or min_age < {vocab.YOUTH_AGE})")
    else:
        rules.append(f"(max_age is null or max_age >= {vocab.YOUTH_AGE})")
    return rules


def _goal_rule(goal_bit: int, lead: bool = True) -> str:
    """As a list of values, the goal leads the indexes (catalog.create_indexes); or
    (lead=False, `+`) it is only checked, for the orientation's index."""
    masks = ", ".join(str(m) for m in range(1, ALL_GOALS + 1) if m & goal_bit)
    return f"{'' if lead else '+'}goals_mask in ({masks})"


def _format_rule(names, lead: bool = True) -> str:
    """Formats named, not excluded, so they can lead an index; or (lead=False, `+`)
    kept out of the index choice, for the parts that a place should lead."""
    return "{}format in ({})".format("" if lead else "+", ", ".join(f"'{x}'" for x in names))


def _rules(q: Query, f: Filter, p: dict, lead_goal: bool = True) -> list[str]:
    """The hard rules every part of the question shares; adds their parameters to p. f:
    the answers that relaxing may drop; a rule that is never relaxed may read the
    visitor's answers (q.answers) itself."""
    rules = _shared_rules(f, p, lead_goal) + _answer_rules(q.answers, p) + [COURSES_RULE]
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
    cannot reach the floor). lead_goal False (a question with a floor): neither the goal
    nor the format leads the choice of index, so the covering idx_courses_match_best is
    read, not the table."""
    rules = _rules(q, f, p, lead_goal)
    chosen = [x for x in vocab.FORMATS if x in (f.formats or vocab.FORMATS)]
    if limit_km is None:
        return [(rules + [_format_rule(chosen, lead_goal)], chosen == ["afstand"])]
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
               order_limit: int | None, factors: bool = False, postcode: bool = False,
               keys: tuple[str, str] = KEYS, per_goal: tuple[list[int], int] | None = None) -> str:
    """Each part from its index (idx_courses_match_rank holds every column named, so most
    courses are ranked without reading the table); then the score, the weighted sum of
    the factors (rounded as order.rounded), and today's tie-break (order.tie_sql of the
    keys). order_limit: only the first that many in ranking order; per_goal (goal bits,
    n): the first n of each of those goals. factors: the rows also carry each factor's
    score (FACTOR_SCORES); postcode: and the postcode."""
    distance = ranking.DISTANCE_KM_SQL if origin_known else "null"
    light = " union all ".join(
        "select rowid, provider, goals_mask, format, times_mask, flexible_start, outcome,"
        f" cost_eur, opleidingscheques, kind, postcode, {distance} as distance_km,"
        f" {ranking.cost_sql(p)} as cost, {ranking.NEXT_START_SQL} as next_start,"
        f" {order.tie_sql(*keys)} as tie from courses"
        f" where {' and '.join(part)}" for part in parts)
    scores = ranking.factors("distance_km", "cost", "next_start", origin_known)
    columns = "".join(f", {scores[name]} as f_{name}" for name in FACTORS) if factors else ""
    columns += ", postcode" if postcode else ""
    where = f" where {DISTANCE_RULE}" if limited else ""
    select = (f"select rowid, provider, distance_km, cost, next_start,"
              f" round({ranking.total(scores)}, {ranking.SCORE_DECIMALS}) as score,"
              f" goals_mask, kind, tie{columns} from light{where}")
    if per_goal:
        bits, n = per_goal
        each = " union all ".join(f"select * from (select * from scored where goals_mask & {bit}"
                                  f" order by score desc, tie limit {int(n)})" for bit in bits)
        return f"with light as materialized ({light}), scored as materialized ({select}) {each}"
    limit = f" order by score desc, tie limit {int(order_limit)}" if order_limit else ""
    # one part, no distance rule: reading each row's cost and next start twice is
    # cheaper than keeping every row in a temporary table first
    kept = "not materialized" if order_limit and len(parts) == 1 and not limited else "materialized"
    return f"with light as {kept} ({light}) {select}{limit}"


def factor_scores(db, q: Query, rowids: list[int]) -> dict[int, tuple]:
    """rowid -> the course's factor scores (FACTORS order), by the very SQL that ranked
    it; for rows ranked without them (a long list, of which few are looked at)."""
    p = q.bind()
    p["rowids"] = json.dumps(rowids)
    _register_distance(db, q)
    sql = _light_sql([["rowid in (select value from json_each(:rowids))"]], p,
                     q.origin_known, False, None, factors=True, keys=_keys(db))
    return {row.rowid: row.factors for row in light_rows(db.conn.execute(sql, p), factors=True)}


_REGISTERED: weakref.WeakSet = weakref.WeakSet()   # catalogs' databases with kiosk_distance()
_KEYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # database -> its keys' SQL


def _register_distance(db, q: Query) -> None:
    """kiosk_distance() on this connection, once (registering again would make SQLite
    prepare every statement anew)."""
    if q.origin and db not in _REGISTERED:
        db.conn.create_function("kiosk_distance", 3, _placed_distance, deterministic=True)
        _REGISTERED.add(db)


def _keys(db) -> tuple[str, str]:
    """The SQL of the tie-break keys: the stored columns; in a catalog built before they
    were stored (until the next refresh), the same keys computed as rows are read."""
    if db not in _KEYS:
        names = {row[1] for row in db.conn.execute("pragma table_info(courses)")}
        if set(tie_keys.COLUMNS) <= names:
            _KEYS[db] = KEYS
        else:
            tie_keys.register(db.conn)
            _KEYS[db] = (tie_keys.CONTENT_SQL, tie_keys.ID_SQL)
    return _KEYS[db]


def query_rows(db, q: Query, f: Filter, order_limit: int | None = None,
               floor: float | None = None, per_goal: int | None = None) -> list[LightRow]:
    """The light rows of the courses that obey the hard rules under filter f, scored for
    the visitor. order_limit: only the first that many in ranking order. floor: only the
    courses that score at least that much, found with cheap bounds first; a floor also
    limits how far away a classroom course can be; per_goal: of those, only the first
    that many of each goal in f.goal_bit, in ranking order per goal."""
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
    goals = None
    if per_goal:
        goals = ([1 << i for i in range(len(vocab.GOALS)) if f.goal_bit & (1 << i)], per_goal)
    sql = _light_sql([part for part, _online in parts], p, q.origin_known,
                     limit_km is not None, order_limit, keys=_keys(db),
                     per_goal=goals)
    return light_rows(db.conn.execute(sql, p))   # factor scores: only for the rows shown


PRACTICE_RULE = "outcome is 'geen'"       # a practice or conversation group


def count(db, q: Query, f: Filter, lessons_only: bool = False) -> int:
    """How many courses obey the hard rules under filter f (what _query would return),
    without scoring them; lessons_only: only those that are not practice groups."""
    p = q.bind()
    limit_km = f.limit_km if q.origin else None
    parts = _parts(q, f, p, limit_km, True)
    if lessons_only:
        parts = [(part + [f"not ({PRACTICE_RULE})"], online) for part, online in parts]
    _register_distance(db, q)
    distance = ranking.DISTANCE_KM_SQL if q.origin_known else "null"
    union = " union all ".join(f"select format, {distance} as distance_km from courses"
                               f" where {' and '.join(part)}" for part, _online in parts)
    where = f" where {DISTANCE_RULE}" if limit_km is not None else ""
    return db.conn.execute(f"select count(*) from ({union}){where}", p).fetchone()[0]


def top(db, q: Query, f: Filter, limit: int) -> tuple[list[LightRow], bool]:
    """The first `limit` courses under filter f in ranking order (the tie-break is SQL's
    too), and whether that is all of them."""
    rows = query_rows(db, q, f, order_limit=limit)
    return rows, len(rows) < limit


def route_rows(db, q: Query) -> list[LightRow]:
    """The routes that obey the rules routes share with courses (goal, start,
    prerequisites, Dutch levels), best first, with their factor scores and postcode.
    Times, formats, distance and needs never hide a route (docs/matching.md)."""
    p = q.bind()
    rules = (_shared_rules(q.asked, p, lead_goal=False) + _answer_rules(q.answers, p)
             + [ROUTES_RULE])                                        # the routes' own index
    _register_distance(db, q)
    sql = _light_sql([rules], p, q.origin_known, False, None, factors=True, postcode=True,
                     keys=_keys(db))
    return order.sort_rows(light_rows(db.conn.execute(sql, p), factors=True, postcode=True))


def dutch_asked(db, q: Query) -> list[int]:
    """The Dutch levels (ranks) the goal's upcoming courses ask, for this visitor's other
    answers (sector, skill...), whatever their own level: what "Eerst Nederlands leren"
    compares with."""
    p = q.bind()
    rules = [STARTS_RULE, COURSES_RULE, "req_dutch is not null"] + _answer_rules(q.answers, p)
    if q.asked.goal_bit and q.asked.goal_bit != ALL_GOALS:
        rules.append(_goal_rule(q.asked.goal_bit, lead=False))
    return [row[0] for row in db.conn.execute(
        f"select req_dutch from courses where {' and '.join(rules)}", p)]


def intake_rows(db, q: Query) -> list[LightRow]:
    """The intakes for Dutch, whatever the visitor's goal (for "Eerst Nederlands leren")."""
    p = q.bind()
    rules = [STARTS_RULE, f"kind = '{vocab.INTAKE}'"]
    _register_distance(db, q)
    sql = _light_sql([rules], p, q.origin_known, False, None, factors=True, postcode=True,
                     keys=_keys(db))
    return order.sort_rows(light_rows(db.conn.execute(sql, p), factors=True, postcode=True))


def sector_specific(db, rowids: list[int]) -> set[int]:
    """Of these records, those that name their sectors."""
    return {row[0] for row in db.conn.execute(
        "select rowid from courses where sectors_mask is not null and rowid in"
        " (select value from json_each(?))", [json.dumps(rowids)])}
