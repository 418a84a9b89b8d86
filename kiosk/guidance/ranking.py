"""The ranking score of docs/matching.md section 3, defined once.

Each of the five factors (distance, cost, times, start, outcome) is one SQL expression
scoring a course between 0 and 1 for this visitor; the score is their weighted sum. The
queries in kiosk/guidance/matching.py rank with these expressions and give a shown result its
factor scores from them too, so the reasons (kiosk/guidance/reasons.py) are ordered by the very
numbers that ranked the course.
"""
from __future__ import annotations

import json
import math
from datetime import date

from kiosk import vocab
from kiosk.guidance import places

WEIGHTS = {"distance": 2.0, "cost": 1.5, "times": 1.0, "start": 1.0, "outcome": 1.0}
FACTORS = tuple(WEIGHTS)
DISTANCE_HALF_KM = 10.0                   # distance score halves at this distance
DISTANCE_SCORE_ONLINE = 1.0               # `afstand`: no travel, so no distance to count
DISTANCE_SCORE_UNASKED = 0.5              # no visitor postcode: the same for every course
START_HALF_DAYS = 60                      # start score halves when it starts this far ahead
PRICE_FREE, PRICE_REDUCED = 1.0, 0.6
PRICE_FULL_MOST = 0.4                     # a full price scores at most this (cost_score)
PRICE_UNKNOWN = 0.2                       # an unknown price: as a middling one (100 euro),
                                          # never as the dearest (docs/matching.md)
ALL_TIMES = (1 << len(vocab.TIMES)) - 1
FIRST_PAGE = 5                            # results on the first screen

SCORE_DECIMALS = 9                        # scores are compared rounded to this
FULL_PRICE_HALF_EUR = 100                 # a full price's score halves at this price

# outcomes that are exactly what a goal is after; otherwise the general value of an outcome
GOAL_OUTCOMES = {"diploma-secundair": ("diploma-secundair",),
                 "beroep": ("beroepskwalificatie",),
                 "nederlands": ("certificaat",), "digitaal": ("certificaat",),
                 "talen": ("certificaat",), "basisvaardigheden": ("certificaat",),
                 "hoger-onderwijs": ("diploma-hoger",)}
# one value for every outcome the goal is not after: the kind of proof a provider type
# gives is no penalty in itself (docs/matching.md, "Neutrality")
OUTCOME_VALUE = {"diploma-secundair": 0.5, "beroepskwalificatie": 0.5, "certificaat": 0.5,
                 "deelcertificaat": 0.5, "attest": 0.5, "geen": 0.5, "diploma-hoger": 0.5}


def times_fit(chosen: int, mask: int) -> float:
    """Share of a course's times among the chosen ones (1 when either is empty)."""
    if not chosen or not mask:
        return 1.0
    return bin(mask & chosen).count("1") / bin(mask).count("1")


def outcome_fit(goal, outcome) -> float:
    return 1.0 if outcome in GOAL_OUTCOMES.get(goal, ()) else OUTCOME_VALUE.get(outcome, 0.0)


def julian_day(iso: str) -> float:
    """What SQLite's julianday() gives for an ISO date."""
    return date.fromisoformat(iso).toordinal() + 1721424.5


def params(a: dict, today: str, origin: tuple[float, float] | None) -> dict:
    """The query parameters the expressions below name, for answers a (check_answers)."""
    chosen = vocab.mask(vocab.TIMES, a["times"])
    out = {f"times{m}": times_fit(chosen, m) for m in range(ALL_TIMES + 1)}
    out.update({f"outcome{i}": outcome_fit(a["goal"], o) for i, o in enumerate(vocab.OUTCOMES)})
    out.update({f"w_{k}": w for k, w in WEIGHTS.items()})
    statuses = a["status"] or ()
    out.update({f"status{i}": json.dumps(status) for i, status in enumerate(statuses)})
    out.update(today=today, statuses=len(statuses), worker=int(vocab.WORKER in statuses),
               free=PRICE_FREE, reduced=PRICE_REDUCED, unknown=PRICE_UNKNOWN,
               jd_today=julian_day(today),
               start_half=START_HALF_DAYS, half_km=DISTANCE_HALF_KM,
               online=DISTANCE_SCORE_ONLINE, unasked=DISTANCE_SCORE_UNASKED)
    if origin:
        lat0, lon0 = origin
        out.update(olat=lat0, olon=lon0, p1=math.radians(lat0),
                   cosp1=math.cos(math.radians(lat0)), two_r=2 * places.EARTH_RADIUS_KM)
    return out


# ---------------------------------------------------------------- what the factors read

# places.distance_km (haversine) written out operation for operation, so the filter, the
# score and the reasons agree with it to the last bit; kiosk_distance() places a course
# without coordinates at its postcode (registered by kiosk/guidance/matching.py)
DISTANCE_KM_SQL = ("case when format = 'afstand' then null when lat is null"
               " then kiosk_distance(:olat, :olon, postcode)"
               " else :two_r * asin(min(1.0, sqrt(power(sin((radians(lat) - :p1) / 2), 2)"
               " + :cosp1 * cos(radians(lat)) * power(sin(radians(lon - :olon) / 2), 2))))"
               " end")
# the first start on or after today: start_dates is a sorted list of ISO dates
# ('["2027-02-01", "2027-03-01"]'), so the first three can be read in place
NEXT_START_SQL = ("case when flexible_start = 1 then null "
              + " ".join(f"when substr(start_dates, {3 + 14 * k}, 10) >= :today"
                         f" then substr(start_dates, {3 + 14 * k}, 10)" for k in range(3))
              + " else (select min(value) from json_each(start_dates)"
                " where value >= :today) end")


def for_status(column: str, p: dict) -> str:
    """SQL: one of the visitor's statuses (params :status0...) is in a JSON list column."""
    if not p["statuses"]:
        return "0"
    return "(" + " or ".join(f"instr({column}, :status{i})" for i in range(p["statuses"])) + ")"


def cost_sql(p: dict) -> str:
    """What the course costs THIS visitor (any of their statuses counts): free, reduced,
    full or unknown."""
    return (f"case when cost_eur = 0 or {for_status('free_for', p)} then 'free'"
            f" when {for_status('reduced_for', p)} then 'reduced'"
            " when cost_eur is null then 'unknown' else 'full' end")


# ---------------------------------------------------------------- the factors, 0..1

def distance_score(distance_km: str, origin_known: bool) -> str:
    """1 at the door, 0.5 at DISTANCE_HALF_KM; online as if near; unknown place 0."""
    if not origin_known:
        return ":unasked"
    return ("case when format = 'afstand' then :online"
            f" when {distance_km} is null then 0.0"
            f" else 1.0 / (1 + {distance_km} / :half_km) end")


def cost_score(cost: str) -> str:
    """Free 1, reduced 0.6, a full price less the dearer it is, an unknown price as a
    middling one (PRICE_UNKNOWN). Opleidingscheques do not count: whether they apply
    depends on the visitor's diploma and the yearly maximum (kiosk/guidance/fees.py)."""
    return (f"case {cost} when 'free' then :free when 'reduced' then :reduced"
            f" when 'full' then {PRICE_FULL_MOST!r} * {FULL_PRICE_HALF_EUR}"
            f" / ({FULL_PRICE_HALF_EUR} + cost_eur) else :unknown end")


TIMES_SCORE = ("case coalesce(times_mask, 0) "
               + " ".join(f"when {m} then :times{m}" for m in range(ALL_TIMES + 1)) + " end")
OUTCOME_SCORE = ("case outcome "
                 + " ".join(f"when '{o}' then :outcome{i}" for i, o in enumerate(vocab.OUTCOMES))
                 + " else 0.0 end")


def start_score(next_start: str) -> str:
    """Flexible 1; halves when it starts START_HALF_DAYS ahead."""
    return ("case when flexible_start = 1 then 1.0"
            f" when {next_start} is null then 0.0"
            f" else 1.0 / (1 + (julianday({next_start}) - :jd_today) / :start_half) end")


def factors(distance_km: str, cost: str, next_start: str, origin_known: bool) -> dict:
    """Factor name -> its SQL, reading the course's distance, cost and next start from
    the given expressions (columns, or the expressions above)."""
    return {"distance": distance_score(distance_km, origin_known), "cost": cost_score(cost),
            "times": TIMES_SCORE, "start": start_score(next_start), "outcome": OUTCOME_SCORE}


def total(scores: dict) -> str:
    """The ranking score: the weighted sum of the factors, in the order of WEIGHTS."""
    return "0" + "".join(f" + :w_{name} * ({scores[name]})" for name in FACTORS)


# ---------------------------------------------------------------- bounds for a floor

def best(p: dict, origin_known: bool, online: bool = False) -> dict:
    """Each factor's highest possible score for this visitor (parameters p); online:
    for online courses only, whose distance score is known."""
    distance = DISTANCE_SCORE_UNASKED
    if origin_known:
        distance = DISTANCE_SCORE_ONLINE if online else 1.0
    return {"distance": distance, "cost": PRICE_FREE,
            "times": max(p[f"times{m}"] for m in range(ALL_TIMES + 1)), "start": 1.0,
            "outcome": max(p[f"outcome{i}"] for i in range(len(vocab.OUTCOMES)))}


def top_score(p: dict, origin_known: bool, online: bool = False) -> float:
    return sum(WEIGHTS[k] * v for k, v in best(p, origin_known, online).items())


def distance_limit(p: dict, floor: float) -> float | None:
    """The farthest a classroom course can lie and still reach floor (the other factors
    at their most); None when any distance may."""
    others = top_score(p, True) - WEIGHTS["distance"]
    least = (floor - others) / WEIGHTS["distance"]
    if least <= 0:
        return None
    return DISTANCE_HALF_KM * (1 / least - 1) * 1.0001 + 0.001   # generous by a hair


def online_can_reach(p: dict, floor: float) -> bool:
    return top_score(p, True, online=True) >= floor


def _price_rules(p: dict, slack: float) -> list[str]:
    """When a full price cannot reach the floor: only what is free or reduced for this
    visitor (without a status: only what costs nothing, from the index)."""
    if WEIGHTS["cost"] * (PRICE_FREE - PRICE_FULL_MOST) <= slack:
        return []
    if not p["statuses"]:
        return ["cost_eur = 0"]
    reduced = WEIGHTS["cost"] * (PRICE_FREE - PRICE_REDUCED) <= slack
    return [f"(cost_eur = 0 or {for_status('free_for', p)}"
            + (f" or {for_status('reduced_for', p)})" if reduced else ")")]


def _start_rules(p: dict, slack: float) -> list[str]:
    """When a late start cannot reach the floor: a flexible start, or a first start date
    early enough (the next start is never before the first one)."""
    least = 1.0 - slack / WEIGHTS["start"]
    if least <= 0:
        return []
    days = math.ceil(START_HALF_DAYS * (1 / least - 1)) + 1          # generous by a day
    p["latest_first_start"] = date.fromordinal(
        date.fromisoformat(p["today"]).toordinal() + days).isoformat()
    return ["(flexible_start = 1 or substr(start_dates, 3, 10) <= :latest_first_start)"]


def floor_rules(p: dict, floor: float, origin_known: bool, online: bool = False) -> list[str]:
    """Conditions that pass exactly the courses scoring at least :floor, cheapest first:
    outcomes, times and prices that can reach it at all, then bounds adding a dearer
    factor at a time (the others at their most), at last the score itself. online: for
    a part that holds online courses only."""
    most = best(p, origin_known, online)
    slack = top_score(p, origin_known, online) - floor
    masks = [m for m in range(ALL_TIMES + 1)
             if WEIGHTS["times"] * (most["times"] - p[f"times{m}"]) <= slack]
    outcomes = [o for i, o in enumerate(vocab.OUTCOMES)
                if WEIGHTS["outcome"] * (most["outcome"] - p[f"outcome{i}"]) <= slack]
    rules = [f"coalesce(times_mask, 0) in ({', '.join(map(str, masks))})"]
    # an unknown outcome scores 0: when even that cannot reach the floor, the outcomes
    # are named, so they lead the index (idx_courses_match_best)
    if len(outcomes) < len(vocab.OUTCOMES) or WEIGHTS["outcome"] * most["outcome"] > slack:
        rules.append("outcome in ({})".format(", ".join(f"'{o}'" for o in outcomes)))
    rules += _price_rules(p, slack) + _start_rules(p, slack)
    near = ("case when format = 'afstand' then :online else 1.0 end" if origin_known
            else ":unasked")
    cheap = f":w_distance * ({near}) + :w_times * ({TIMES_SCORE}) + :w_outcome * ({OUTCOME_SCORE})"
    rules.append(f"{cheap} >= :floor - :w_cost * {most['cost']} - :w_start * {most['start']}")
    rules.append(f"{cheap} + :w_cost * ({cost_score(cost_sql(p))}) >= :floor - :w_start * {most['start']}")
    exact = factors(DISTANCE_KM_SQL, cost_sql(p), NEXT_START_SQL, origin_known)
    rules.append(f"{total(exact)} >= :floor")
    return rules
