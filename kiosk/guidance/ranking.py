"""The ranking score of docs/matching.md section 3, defined once.

Each of the five factors (distance, cost, times, start, outcome) is one SQL expression
scoring a course between 0 and 1 for this visitor; the score is their weighted sum. The
queries in kiosk/guidance/matching.py rank with these expressions and give a shown result its
factor scores from them too, so the reasons (kiosk/guidance/reasons.py) are ordered by the very
numbers that ranked the course.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from datetime import date

from kiosk import vocab
from kiosk.guidance import places

WEIGHTS = {"distance": 2.0, "cost": 1.5, "times": 1.0, "start": 1.0, "outcome": 1.0}
FACTORS = tuple(WEIGHTS)
DISTANCE_HALF_KM = 10.0                   # distance score halves at this distance
DISTANCE_SCORE_ONLINE = 0.6               # `afstand`: no travel, scored like about 7 km
DISTANCE_SCORE_UNASKED = 0.5              # no visitor postcode: the same for every course
START_HALF_DAYS = 60                      # start score halves when it starts this far ahead
PRICE_FREE, PRICE_REDUCED = 1.0, 0.6
PRICE_FULL_MOST = 0.4                     # a full price scores at most this (cost_score)
ALL_TIMES = (1 << len(vocab.TIMES)) - 1
FIRST_PAGE = 5                            # results on the first screen
MAX_SAME_PROVIDER = 2                     # per provider on the first screen, when others fit

SCORE_DECIMALS = 9                        # scores are compared rounded to this
FULL_PRICE_HALF_EUR = 100                 # a full price's score halves at this price
CHEQUE_SHARE = 0.5                        # what a worker pays of a price with opleidingscheques

# outcomes that are exactly what a goal is after; otherwise the general value of an outcome
GOAL_OUTCOMES = {"diploma-secundair": ("diploma-secundair",),
                 "beroep": ("beroepskwalificatie",),
                 "nederlands": ("certificaat",), "digitaal": ("certificaat",),
                 "talen": ("certificaat",), "basisvaardigheden": ("certificaat",),
                 "hoger-onderwijs": ("certificaat",)}
OUTCOME_VALUE = {"diploma-secundair": 0.8, "beroepskwalificatie": 0.8, "certificaat": 0.7,
                 "deelcertificaat": 0.5, "attest": 0.3, "geen": 0.1}


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
               free=PRICE_FREE, reduced=PRICE_REDUCED, jd_today=julian_day(today),
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
    """Free 1, reduced 0.6, a full price less the dearer it is (cheques halve it for a
    worker), an unknown price 0."""
    return (f"case {cost} when 'free' then :free when 'reduced' then :reduced"
            f" when 'full' then {PRICE_FULL_MOST!r} * {FULL_PRICE_HALF_EUR}"
            f" / ({FULL_PRICE_HALF_EUR} + case when :worker and opleidingscheques"
            f" then cost_eur * {CHEQUE_SHARE!r} else cost_eur end) else 0.0 end")


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
    if len(outcomes) < len(vocab.OUTCOMES):
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


# ---------------------------------------------------------------- order, ties, variety

_HASHED = ("title_nl", "format", "times_mask", "goals_mask", "outcome", "start_dates",
           "flexible_start", "cost_eur", "postcode", "lat", "lon")
TIEBREAK_COLUMNS = ("id", *_HASHED)     # a light row may carry them (LightRow.tiebreak)


def _tiebreak(salt: str, cid: str, content) -> tuple[bytes, bytes]:
    """A per-day hash of what the course offers (no id, no provider); then of its id."""
    text = "\x1f".join([salt, *map(str, content)])
    return (hashlib.blake2b(text.encode(), digest_size=8).digest(),
            hashlib.blake2b((salt + cid).encode(), digest_size=8).digest())


def tiebreaks(db, rowids, salt: str) -> dict:
    """rowid -> its tie-break: equal scores are ordered by a per-day hash of what the
    course offers, so neither the feed order nor a name can put one provider first. Only
    courses whose content is identical fall back to a per-day hash of their id."""
    out = {}
    for start in range(0, len(rowids), 5000):
        chunk = json.dumps(rowids[start:start + 5000])
        for rowid, cid, *content in db.conn.execute(
                f"select rowid, {', '.join(TIEBREAK_COLUMNS)} from courses"
                " where rowid in (select value from json_each(?))", [chunk]):
            out[rowid] = _tiebreak(salt, cid, content)
    return out


def rounded(score: float) -> float:
    return round(score, SCORE_DECIMALS)


def sort_rows(db, rows: list, salt: str) -> list:
    """Light rows (kiosk/guidance/query.py) with rounded scores, best first; equal scores
    by the tie-break (the orientation's short lists, settled at once), from the rows when
    they carry it."""
    rows = [row._replace(score=rounded(row.score)) for row in rows]
    rows.sort(key=lambda r: -r.score)
    tied = set()
    for before, after in zip(rows, rows[1:]):
        if before.score == after.score:
            tied.update((before.rowid, after.rowid))
    if not tied:
        return rows
    if rows[0].tiebreak is not None:
        hashes = {r.rowid: _tiebreak(salt, r.tiebreak[0], r.tiebreak[1:])
                  for r in rows if r.rowid in tied}
    else:
        hashes = tiebreaks(db, sorted(tied), salt)
    rows.sort(key=lambda r: (-r.score, hashes.get(r.rowid, ())))
    return rows


class Ranked(Sequence):
    """The light rows in their final order: best score first, equal scores by the
    tie-break, which is computed only for the stretch of the list that is read; the
    first screen holds at most MAX_SAME_PROVIDER courses of one provider while others
    fit (docs/matching.md), from the sixth result on the pure ranking order holds."""

    def __init__(self, db, rows: list, salt: str, ordered: bool = False,
                 lead: Sequence = ()):
        """lead: rows that come before all others, in their order (an intake)."""
        self._lead = list(lead)
        if not ordered:
            rows.sort(key=lambda r: r.score, reverse=True)
        self._db, self._rows, self._salt = db, rows, salt
        self._done = len(rows) if ordered else 0     # rows[:_done] are in final order
        first, passed, count, read = [], [], {}, 0
        while len(first) < FIRST_PAGE and read < len(rows):
            self._settle(read + 1)
            row = rows[read]
            read += 1
            if count.get(row.provider, 0) < MAX_SAME_PROVIDER:
                first.append(row)
                count[row.provider] = count.get(row.provider, 0) + 1
            else:
                passed.append(row)
        while len(first) < FIRST_PAGE and passed:    # too few providers: fill in rank order
            first.append(passed.pop(0))
        self._first, self._passed, self._read = first, passed, read

    def _settle(self, k: int) -> None:
        """Put rows[:k] in final order (reading a little ahead, to the end of equal scores)."""
        rows = self._rows
        k = min(len(rows), max(k, self._done + 4 * FIRST_PAGE))
        if k <= self._done:
            return
        while k < len(rows) and rounded(rows[k].score) == rounded(rows[k - 1].score):
            k += 1
        groups, i = [], self._done
        while i < k:
            j, score = i + 1, rounded(rows[i].score)
            while j < k and rounded(rows[j].score) == score:
                j += 1
            if j - i > 1:
                groups.append((i, j))
            i = j
        if groups:
            hashes = tiebreaks(self._db, [r.rowid for i, j in groups for r in rows[i:j]],
                               self._salt)
            for i, j in groups:
                rows[i:j] = sorted(rows[i:j], key=lambda r: hashes[r.rowid])
        self._done = k

    def __len__(self):
        return len(self._lead) + len(self._rows)

    def __getitem__(self, n: int):
        if n < len(self._lead):
            return self._lead[n]
        n -= len(self._lead)
        if n < len(self._first):
            return self._first[n]
        n -= len(self._first)
        if n < len(self._passed):
            return self._passed[n]
        n += self._read - len(self._passed)
        self._settle(n + 1)
        return self._rows[n]
