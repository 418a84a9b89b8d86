"""Which courses fit a visitor, in what order, and why.

The hard rules are CONTRACT.md section 4; the ranking, its tie-break and the variety of
the first screen are explained in docs/matching.md. Filtering and the ranking score happen
in SQL (bit masks, ranks, dates, a bounding box, the exact distance), mostly from covering
indexes; Python orders the small rows that come back, computes the tie-break only for
equal scores that are looked at, and reads full course rows only for the results shown.
"""
from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from . import catalog as catalog_mod
from . import i18n, places, vocab, words

from .answers import AnswersError, check_answers

DISTANCE_STEPS_KM = (5, 10, 20, 30, 50)   # wider and wider when nothing fits; never beyond 50
FIRST_PAGE = 5                            # results on the first screen
MAX_SAME_PROVIDER = 2                     # per provider on the first screen, when others fit
WEIGHTS = {"distance": 2.0, "cost": 1.5, "times": 1.0, "start": 1.0, "outcome": 1.0}
DISTANCE_HALF_KM = 10.0                   # distance score halves at this distance
DISTANCE_SCORE_ONLINE = 0.6               # `afstand`: no travel, scored like about 7 km
START_HALF_DAYS = 60                      # start score halves when it starts this far ahead
ORIENTATION_PER_GOAL = 10                 # `weet-niet`: the best this many of each goal
ALL_TIMES = (1 << len(vocab.TIMES)) - 1


@dataclass
class Result:
    course: dict            # catalog.decode_course(row)
    provider: dict          # providers row (id, name, type, website, phone)
    distance_km: float | None
    reasons: list[str]      # plain-language reasons in the visitor's language, most telling first
    cost: str               # "free" | "reduced" | "full" | "unknown" for THIS visitor
    score: float = 0.0      # the ranking score (docs/matching.md)


@dataclass
class Outcome:
    results: Sequence[Result]   # ranked, all matches (orientation: the best of each goal);
                                # built on access (see Results)
    relaxed: list[str]      # answer names relaxed, in order: "max_distance_km", "times", "formats"
    unknown_postcode: bool  # the visitor's postcode is not known: distance not used
    orientation: bool       # goal weet-niet: a varied orientation over goals
    searched_km: float | None = None  # the distance limit finally used (None = none)


# ---------------------------------------------------------------- filtering and ranking

@dataclass(frozen=True)
class _Filter:
    goal_bit: int                 # 0 = any goal
    times_mask: int | None        # None = any times
    formats: tuple[str, ...]      # () = any format
    dutch: int | None             # visitor's rank; None = unknown, never excludes
    diploma: int | None           # idem; a foreign diploma counts as unknown
    today: str
    origin: tuple[float, float] | None
    limit_km: float | None        # None = no distance limit


# a light row: what ranking and the first-screen variety need, and the distance, cost
# and next start the reasons name (SCORE: as computed, rounded to 9 decimals when compared)
ROWID, PROVIDER, DISTANCE, COST, NEXT_START, SCORE = range(6)

# outcomes that are exactly what a goal is after; otherwise the general value of an outcome
GOAL_OUTCOMES = {"diploma-secundair": ("diploma-secundair",),
                 "beroep": ("beroepskwalificatie",),
                 "nederlands": ("certificaat",), "digitaal": ("certificaat",),
                 "talen": ("certificaat",), "basisvaardigheden": ("certificaat",),
                 "hoger-onderwijs": ("certificaat",)}
OUTCOME_VALUE = {"diploma-secundair": 0.8, "beroepskwalificatie": 0.8, "certificaat": 0.7,
                 "deelcertificaat": 0.5, "attest": 0.3, "geen": 0.1}
PRICE_FREE, PRICE_REDUCED = 1.0, 0.6


def _bounding_box(origin, km):
    lat, lon = origin
    dlat = km / 110.5 + 0.001
    cos = max(0.01, math.cos(math.radians(min(89.0, abs(lat) + dlat))))
    dlon = km / (111.33 * cos) + 0.001
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def _placed_distance(lat0, lon0, postcode):
    """kiosk_distance() in SQL, for a course without coordinates: km to its postcode,
    NULL when its place is unknown."""
    point = places.postcode_coordinates(postcode)
    return None if point is None else places.distance_km(lat0, lon0, *point)


def _times_fit(chosen: int, mask: int) -> float:
    """Share of a course's times among the chosen ones (1 when either is empty)."""
    if not chosen or not mask:
        return 1.0
    return bin(mask & chosen).count("1") / bin(mask).count("1")


def _outcome_fit(goal, outcome) -> float:
    return 1.0 if outcome in GOAL_OUTCOMES.get(goal, ()) else OUTCOME_VALUE.get(outcome, 0.0)


def _query(db, f: _Filter, a: dict, order_limit: int | None = None,
           floor: float | None = None) -> list[tuple]:
    """The light rows of the courses that obey the hard rules under filter f, each with
    its distance, its cost for this visitor, its next start and its ranking score (not
    yet rounded), all computed in SQL. order_limit: only the best that many by score.
    floor: only the courses that score at least that much, found with cheap bounds
    first, from an index that holds everything the score needs (idx_courses_match_rank)."""
    where = ["(flexible_start = 1 or last_start >= :today)"]
    status = a["status"]
    params: dict = {"today": f.today, "status": json.dumps(status) if status else None}
    if f.times_mask is not None:
        where.append("coalesce(times_mask, 0) & :not_times = 0")
        params["not_times"] = ALL_TIMES & ~f.times_mask
    if f.dutch is not None:
        where.append("(req_dutch is null or req_dutch <= :dutch)")
        params["dutch"] = f.dutch
    if f.diploma is not None:
        where.append("(req_diploma is null or req_diploma <= :diploma)")
        params["diploma"] = f.diploma
    if f.goal_bit:
        # as a list of values, the goal leads the indexes (catalog.create_indexes)
        masks = ", ".join(str(m) for m in range(1, 1 << len(vocab.GOALS)) if m & f.goal_bit)
        where.append(f"goals_mask in ({masks})")
    rules = " and ".join(where)

    def formats(names, lead=True):
        """Formats named, not excluded, so they can lead an index; or (lead=False, `+`)
        kept out of the index choice, for the parts that a place should lead."""
        return " and {}format in ({})".format("" if lead else "+",
                                              ", ".join(f"'{x}'" for x in names))
    chosen_formats = [x for x in vocab.FORMATS if x in (f.formats or vocab.FORMATS)]
    limit = ""
    if f.origin is None or f.limit_km is None:
        parts = [rules + formats(chosen_formats)]
    else:
        # near by coordinates, placed by postcode only, online: each from an index
        params["lat0"], params["lat1"], params["lon0"], params["lon1"] = _bounding_box(
            f.origin, f.limit_km)
        params["limit"] = f.limit_km
        parts = []
        classroom = [x for x in chosen_formats if x != "afstand"]
        if classroom:
            parts += [rules + formats(classroom, False) + " and lat between :lat0 and :lat1"
                      " and lon between :lon0 and :lon1",
                      rules + formats(classroom, False) + " and lat is null"]
        if "afstand" in chosen_formats:
            parts.append(rules + formats(["afstand"]))
        limit = "where format = 'afstand' or distance_km <= :limit"

    # distance: places.distance_km (haversine) written out operation for operation, so
    # the filter, the score and the reasons agree with it to the last bit
    if f.origin:
        db.conn.create_function("kiosk_distance", 3, _placed_distance, deterministic=True)
        lat0, lon0 = f.origin
        params.update(olat=lat0, olon=lon0, p1=math.radians(lat0),
                      cosp1=math.cos(math.radians(lat0)), two_r=2 * places.EARTH_RADIUS_KM,
                      half_km=DISTANCE_HALF_KM, online=DISTANCE_SCORE_ONLINE)
        distance = ("case when format = 'afstand' then null when lat is null"
                    " then kiosk_distance(:olat, :olon, postcode)"
                    " else :two_r * asin(min(1.0, sqrt(power(sin((radians(lat) - :p1) / 2), 2)"
                    " + :cosp1 * cos(radians(lat)) * power(sin(radians(lon - :olon) / 2), 2))))"
                    " end")
        distance_score = ("case when format = 'afstand' then :online"
                          " when distance_km is null then 0.0"
                          " else 1.0 / (1 + distance_km / :half_km) end")
    else:
        distance, distance_score = "null", "0.5"
    # the first start on or after today: start_dates is a sorted list of ISO dates
    # ('["2027-02-01", "2027-03-01"]'), so the first three can be read in place
    starts = " ".join(f"when substr(start_dates, {3 + 14 * k}, 10) >= :today"
                      f" then substr(start_dates, {3 + 14 * k}, 10)" for k in range(3))
    next_start = (f"case when flexible_start = 1 then null {starts} else (select min(value)"
                  " from json_each(start_dates) where value >= :today) end")
    chosen = vocab.mask(vocab.TIMES, a["times"])
    worker = 1 if status == "werkend" else 0
    params.update({f"times{m}": _times_fit(chosen, m) for m in range(ALL_TIMES + 1)})
    params.update({f"outcome{i}": _outcome_fit(a["goal"], o)
                   for i, o in enumerate(vocab.OUTCOMES)})
    params.update(
        free=PRICE_FREE, reduced=PRICE_REDUCED, worker=worker,
        jd_today=_julian_day(f.today), start_half=START_HALF_DAYS,
        **{f"w_{k}": w for k, w in WEIGHTS.items()})
    times_score = ("case coalesce(times_mask, 0) "
                   + " ".join(f"when {m} then :times{m}" for m in range(ALL_TIMES + 1))
                   + " end")
    outcome_score = ("case outcome "
                     + " ".join(f"when '{o}' then :outcome{i}"
                                for i, o in enumerate(vocab.OUTCOMES)) + " else 0.0 end")
    cost_score = ("case cost when 'free' then :free when 'reduced' then :reduced"
                  " when 'full' then 0.4 * 100 / (100 + case when :worker and"
                  " opleidingscheques then cost_eur / 2 else cost_eur end) else 0.0 end")
    start_score = ("case when flexible_start = 1 then 1.0 when next_start is null then 0.0"
                   " else 1.0 / (1 + (julianday(next_start) - :jd_today) / :start_half) end")
    score = (f"0 + :w_distance * ({distance_score}) + :w_cost * ({cost_score})"
             f" + :w_times * ({times_score}) + :w_start * ({start_score})"
             f" + :w_outcome * ({outcome_score})")
    cost = ("case when cost_eur = 0 or instr(free_for, :status) then 'free'"
            " when instr(reduced_for, :status) then 'reduced'"
            " when cost_eur is null then 'unknown' else 'full' end")
    if floor is not None:
        # the score, or at first at most the score (distance as if at the door, other
        # factors at their most, 1) from the columns that are cheap to read
        best_distance = ("case when format = 'afstand' then :online else 1.0 end"
                         if f.origin else "0.5")
        params["floor"] = floor
        # first the outcomes and times that can reach the floor at all (the other
        # factors at their most, 1), then the same bound three times, each adding a
        # dearer factor, so most courses are passed over after the cheap tests
        slack = sum(WEIGHTS.values()) - (0 if f.origin else WEIGHTS["distance"] / 2) - floor
        outcomes = [o for i, o in enumerate(vocab.OUTCOMES)
                    if WEIGHTS["outcome"] * (1 - params[f"outcome{i}"]) <= slack]
        masks = [m for m in range(ALL_TIMES + 1)
                 if WEIGHTS["times"] * (1 - params[f"times{m}"]) <= slack]
        part = (f" and coalesce(times_mask, 0) in ({', '.join(map(str, masks))})"
                + (" and outcome in ({})".format(", ".join(f"'{o}'" for o in outcomes))
                   if WEIGHTS["outcome"] > slack else ""))
        bound = f":w_times * ({times_score}) + :w_outcome * ({outcome_score})"
        part += f" and :w_distance * ({best_distance}) + {bound} >= :floor - :w_cost - :w_start"
        bound += f" + :w_cost * ({cost_score.replace('case cost ', f'case {cost} ')})"
        part += f" and :w_distance * ({best_distance}) + {bound} >= :floor - :w_start"
        exact = (f":w_distance * ({distance_score.replace('distance_km', f'({distance})')})"
                 f" + {bound} + :w_start * ({start_score.replace('next_start', next_start)})")
        parts = [p + part + f" and {exact} >= :floor" for p in parts]
    order = f" order by score desc limit {int(order_limit)}" if order_limit else ""
    # each part from the index that suits it; idx_courses_match_rank holds every column
    # named here, so most courses are ranked without reading the table
    light = " union all ".join(
        f"""select rowid, provider, format, times_mask, flexible_start, outcome,
        cost_eur, opleidingscheques, {distance} as distance_km, {cost} as cost,
        {next_start} as next_start from courses where {part}""" for part in parts)
    sql = f"""with light as materialized ({light})
        select rowid, provider, distance_km, cost, next_start, {score} as score
        from light {limit}{order}"""
    return db.conn.execute(sql, params).fetchall()


def _julian_day(iso: str) -> float:
    """What SQLite's julianday() gives for an ISO date."""
    return date.fromisoformat(iso).toordinal() + 1721424.5


def _scorer(a: dict, origin_known: bool, today: date):
    """score(row) -> the five factor scores, each 0..1 (docs/matching.md); the same
    formulas as the ranking score computed in SQL (_query), for ordering the reasons."""
    chosen = vocab.mask(vocab.TIMES, a["times"])
    worker = a["status"] == "werkend"
    today_ord = today.toordinal()

    def score(row) -> dict:
        dist, fmt, cost = row["distance_km"], row["format"], row["cost"]
        if not origin_known:
            distance = 0.5                              # the same for every course
        elif fmt == "afstand":
            distance = DISTANCE_SCORE_ONLINE
        elif dist is None:
            distance = 0.0                              # an unknown place never gains
        else:
            distance = 1 / (1 + dist / DISTANCE_HALF_KM)
        if cost == "free":
            price = PRICE_FREE
        elif cost == "reduced":
            price = PRICE_REDUCED
        elif cost == "full":
            eur = row["cost_eur"] / 2 if worker and row["opleidingscheques"] else row["cost_eur"]
            price = 0.4 * 100 / (100 + eur)             # cheques pay half for workers
        else:
            price = 0.0                                 # an unknown price never gains
        if row["flexible_start"]:
            start = 1.0
        elif row["next_start"] is None:                 # not expected: last_start filters
            start = 0.0
        else:
            days = date.fromisoformat(row["next_start"]).toordinal() - today_ord
            start = 1 / (1 + days / START_HALF_DAYS)
        return {"distance": distance, "cost": price,
                "times": _times_fit(chosen, row["times_mask"] or 0), "start": start,
                "outcome": _outcome_fit(a["goal"], row["outcome"])}
    return score


_HASHED = ("title_nl", "format", "times_mask", "goals_mask", "outcome", "start_dates",
           "flexible_start", "cost_eur", "postcode", "lat", "lon")


def _tiebreaks(db, rowids, salt: str) -> dict:
    """rowid -> a per-day hash of what the course offers (no id, no provider): equal
    scores are ordered by it, so neither the feed order nor a name can put one provider
    first. Only courses whose content is identical fall back to a per-day hash of their id."""
    out = {}
    for start in range(0, len(rowids), 5000):
        chunk = json.dumps(rowids[start:start + 5000])
        for rowid, cid, *content in db.conn.execute(
                f"select rowid, id, {', '.join(_HASHED)} from courses"
                " where rowid in (select value from json_each(?))", [chunk]):
            text = "\x1f".join([salt, *map(str, content)])
            out[rowid] = (hashlib.blake2b(text.encode(), digest_size=8).digest(),
                          hashlib.blake2b((salt + cid).encode(), digest_size=8).digest())
    return out


def _sort(db, rows: list[tuple], salt: str) -> list[tuple]:
    """Rounded scores, best first; equal scores by the tie-break (the orientation's
    short lists, settled at once)."""
    rows = [(*row[:SCORE], round(row[SCORE], 9)) for row in rows]
    rows.sort(key=lambda r: -r[SCORE])
    tied = set()
    for before, after in zip(rows, rows[1:]):
        if before[SCORE] == after[SCORE]:
            tied.update((before[ROWID], after[ROWID]))
    if tied:
        hashes = _tiebreaks(db, sorted(tied), salt)
        rows.sort(key=lambda r: (-r[SCORE], hashes.get(r[ROWID], ())))
    return rows


def _orientation(db, f: _Filter, a: dict, salt: str) -> list[tuple]:
    """The best ORIENTATION_PER_GOAL courses of each goal, each goal's best remaining in
    turn (goals in the contract's order), so a visitor who is unsure sees them all.
    Each goal reads only the courses that score at least a floor: first just below the
    previous goal's last, then lower and lower, at last all of them. A floor settles
    the goal's best once that many reach it (equal scores included, as they score the
    same), so the choice is exactly the ranking's."""
    n = ORIENTATION_PER_GOAL
    guess = sum(WEIGHTS.values()) - (0 if f.origin else WEIGHTS["distance"] / 2) - 0.2
    queues = []
    for i in range(len(vocab.GOALS)):
        goal = replace(f, goal_bit=1 << i)
        # first as low as the previous goal's last: goals often score alike
        floors = [guess - 0.05, guess - 0.5, guess - 1.5, guess - 3]
        fetch = 4 * n
        while True:
            floor = floors[0] if floors else None
            rows = _sort(db, _query(db, goal, a, order_limit=None if floors else fetch,
                                    floor=floor), salt)
            if floor is not None and (len(rows) < n or rows[n - 1][SCORE] < floor + 1e-6):
                floors.pop(0)           # the best may lie below the floor: read further
            elif floor is None and len(rows) == fetch and rows[-1][SCORE] >= rows[n - 1][SCORE]:
                fetch *= 4              # equal scores reach past what was read
            else:
                break
        queues.append(rows[:n])
        if len(rows) >= n:
            guess = rows[n - 1][SCORE]
    positions = [0] * len(queues)
    taken, out = set(), []
    while True:
        moved = False
        for i, queue in enumerate(queues):
            while positions[i] < len(queue) and queue[positions[i]][ROWID] in taken:
                positions[i] += 1
            if positions[i] < len(queue):
                row = queue[positions[i]]
                taken.add(row[ROWID])
                out.append(row)
                moved = True
        if not moved:
            return out


class _Ranked(Sequence):
    """The light rows in their final order: best score first, equal scores by the
    tie-break, which is computed only for the stretch of the list that is read; the
    first screen holds at most MAX_SAME_PROVIDER courses of one provider while others
    fit (docs/matching.md), from the sixth result on the pure ranking order holds."""

    def __init__(self, db, rows: list[tuple], salt: str, ordered: bool = False):
        if not ordered:
            rows.sort(key=lambda r: r[SCORE], reverse=True)
        self._db, self._rows, self._salt = db, rows, salt
        self._done = len(rows) if ordered else 0     # rows[:_done] are in final order
        first, passed, count, read = [], [], {}, 0
        while len(first) < FIRST_PAGE and read < len(rows):
            self._settle(read + 1)
            row = rows[read]
            read += 1
            if count.get(row[PROVIDER], 0) < MAX_SAME_PROVIDER:
                first.append(row)
                count[row[PROVIDER]] = count.get(row[PROVIDER], 0) + 1
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
        while k < len(rows) and round(rows[k][SCORE], 9) == round(rows[k - 1][SCORE], 9):
            k += 1
        groups, i = [], self._done
        while i < k:
            j, score = i + 1, round(rows[i][SCORE], 9)
            while j < k and round(rows[j][SCORE], 9) == score:
                j += 1
            if j - i > 1:
                groups.append((i, j))
            i = j
        if groups:
            hashes = _tiebreaks(self._db, [r[ROWID] for i, j in groups for r in rows[i:j]],
                                self._salt)
            for i, j in groups:
                rows[i:j] = sorted(rows[i:j], key=lambda r: hashes[r[ROWID]])
        self._done = k

    def __len__(self):
        return len(self._rows)

    def __getitem__(self, n: int) -> tuple:
        if n < len(self._first):
            return self._first[n]
        n -= len(self._first)
        if n < len(self._passed):
            return self._passed[n]
        n += self._read - len(self._passed)
        self._settle(n + 1)
        return self._rows[n]


# ---------------------------------------------------------------- reasons

def _km(value: float) -> str:
    return str(round(value)) if value >= 1 else "<1"


def _reasons(row: dict, light: dict, a: dict, asked: _Filter, scores: dict,
             orientation: bool, _) -> list[str]:
    """row: the decoded course; light: its distance, cost and next start for this visitor."""
    warnings, factors, checks = [], [], []
    online = row["format"] == "afstand"
    dist, cost = light["distance_km"], light["cost"]
    # answers that were relaxed and this course does not meet
    too_far = (asked.limit_km is not None and dist is not None and not online
               and dist > asked.limit_km)
    if too_far:
        warnings.append(_("verder dan je wilde: {km} km").format(km=_km(dist)))
    times = row["times"] or []
    if asked.times_mask is not None and (row["times_mask"] or 0) & ~asked.times_mask:
        warnings.append(_("let op: andere momenten dan je koos"))
    if asked.formats and row["format"] not in asked.formats:
        warnings.append(_("let op: een andere manier van les dan je koos"))
    if orientation:
        goals = row["goals"] or []
        if goals and goals[0] in words.GOAL_REASONS:
            warnings.append(_(words.GOAL_REASONS[goals[0]]))

    def factor(name, *texts):
        factors.append((WEIGHTS[name] * scores[name], [t for t in texts if t]))

    if online:
        factor("distance", _(words.FORMATS["afstand"]))
    elif dist is not None and not too_far:
        text = (_("dichtbij: {km} km") if dist <= DISTANCE_HALF_KM else _("op {km} km"))
        factor("distance", text.format(km=_km(dist)),
               _(words.FORMATS[row["format"]]) if row["format"] == "combinatie" else "")
    elif row["format"] == "combinatie":
        factor("distance", _(words.FORMATS["combinatie"]))
    if times:
        factor("times", ", ".join(_(words.TIMES[t]) for t in vocab.TIMES if t in times))
    elif online:
        factor("times", _("wanneer het jou past"))
    status = a["status"]
    if cost == "free":
        text = _("gratis") if row["cost_eur"] == 0 else _(words.FREE_FOR[status])
    elif cost == "reduced":
        text = _(words.REDUCED_FOR[status])
    elif cost == "full":
        text = _("prijs: {eur} euro").format(eur=f"{row['cost_eur']:g}")
        if not status and row["free_for"]:
            text += "; " + _("misschien gratis voor jou: vraag het na")
    else:
        text = _("vraag de prijs na")
    cheques = verlof = ""
    if status == "werkend" and row["opleidingscheques"] and cost != "free":
        cheques = _("je kunt betalen met opleidingscheques")
    if status == "werkend" and row["opleidingsverlof"]:
        verlof = _("je kunt opleidingsverlof krijgen")
    factor("cost", text, cheques, verlof)
    if row["flexible_start"]:
        factor("start", _("je kunt op elk moment starten"))
    elif light["next_start"] is not None:
        d = date.fromisoformat(light["next_start"])
        factor("start", _("start op {date}").format(date=f"{d.day}/{d.month}/{d.year}"))
    if row["outcome"] in words.OUTCOMES:
        factor("outcome", _(words.OUTCOMES[row["outcome"]]))
    # prerequisites the visitor did not tell or that need a check
    if row["req_dutch"] and a["dutch_level"] is None:
        checks.append(_("vraag na of je Nederlands genoeg is"))
    if row["req_diploma"]:
        if a["diploma"] == vocab.FOREIGN_DIPLOMA:
            checks.append(_("laat je buitenlands diploma erkennen via NARIC-Vlaanderen"))
        elif a["diploma"] is None:
            checks.append(_("vraag na of je diploma volstaat"))
    factors.sort(key=lambda item: -item[0])
    ordered = [t for _score, texts in factors for t in texts]
    return warnings + ordered + checks


# ---------------------------------------------------------------- results

class Results(Sequence):
    """The ranked matches. Each Result (full course row, provider, reasons) is built the
    first time it is looked at, so a catalog of 100,000 courses stays fast."""

    def __init__(self, catalog, rows, make):
        self._catalog, self._rows, self._make = catalog, rows, make
        self._built: dict[int, Result] = {}

    def __len__(self):
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            wanted = range(*index.indices(len(self._rows)))
            self._load(wanted)
            return [self._built[i] for i in wanted]
        if index < 0:
            index += len(self._rows)
        if not 0 <= index < len(self._rows):
            raise IndexError(index)
        if index not in self._built:
            self._load(range(index, min(index + FIRST_PAGE, len(self._rows))))
        return self._built[index]

    def __iter__(self):
        for start in range(0, len(self._rows), 500):
            yield from self[start:start + 500]

    def __eq__(self, other):
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self):
        return f"Results({len(self)} courses)"

    def _load(self, indexes):
        missing = [i for i in indexes if i not in self._built]
        if not missing:
            return
        self._rows[max(missing)]      # settles the order of everything before it
        wanted = json.dumps(sorted({self._rows[i][PROVIDER] for i in missing}))
        providers = {r["id"]: r for r in self._catalog.db.query(
            "select * from providers where id in (select value from json_each(?))", [wanted])}
        rowids = json.dumps([self._rows[i][ROWID] for i in missing])
        full = {r["rowid"]: r for r in self._catalog.db.query(
            "select rowid, * from courses where rowid in (select value from json_each(?))",
            [rowids])}
        for i in missing:
            light = self._rows[i]
            row = full[light[ROWID]]
            course = catalog_mod.decode_course(row)
            course.pop("rowid", None)
            self._built[i] = self._make(light, row, course, providers.get(light[PROVIDER], {}))


def match(catalog, answers: dict, today: date | None = None,
          lang: str | None = None) -> Outcome:
    """All courses that fit the answers, ranked; relaxes distance, then times, then
    formats, one at a time, when nothing fits. AnswersError for invalid answers."""
    a = check_answers(answers)
    today = today or date.today()
    _ = i18n.gettext_for(lang or a["language"])
    origin = places.postcode_coordinates(a["postcode"]) if a["postcode"] else None
    orientation = a["goal"] in (None, vocab.GOAL_UNSURE)
    dutch = vocab.rank(vocab.DUTCH_LEVELS, a["dutch_level"])
    diploma = vocab.rank(vocab.DIPLOMAS, a["diploma"])    # foreign -> None: never excludes
    asked = _Filter(
        goal_bit=0 if orientation else 1 << vocab.GOALS.index(a["goal"]),
        times_mask=vocab.mask(vocab.TIMES, a["times"]) if a["times"] else None,
        formats=a["formats"], dutch=dutch, diploma=diploma, today=today.isoformat(),
        origin=origin, limit_km=a["max_distance_km"] if origin else None)

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
    salt = today.isoformat()
    for f, relaxed in stages:
        if orientation:
            rows = _orientation(catalog.db, f, a, salt)
        else:
            rows = _query(catalog.db, f, a)
        if rows:
            break
    rows = _Ranked(catalog.db, rows, salt, ordered=orientation)
    score = _scorer(a, origin is not None, today)

    def make(light, row, course, provider):
        """light: the ranked row; row: the course's columns; course: decoded."""
        light = {"distance_km": light[DISTANCE], "cost": light[COST],
                 "next_start": light[NEXT_START], "score": round(light[SCORE], 9)}
        reasons = _reasons(course, light, a, asked, score({**row, **light}), orientation, _)
        if course.get("wheelchair"):
            reasons.append(_("toegankelijk met een rolstoel"))
        if course.get("childcare"):
            reasons.append(_("met kinderopvang"))
        return Result(course=course, provider=provider, distance_km=light["distance_km"],
                      reasons=reasons, cost=light["cost"], score=light["score"])

    return Outcome(results=Results(catalog, rows, make), relaxed=relaxed,
                   unknown_postcode=bool(a["postcode"]) and origin is None,
                   orientation=orientation, searched_km=f.limit_km)


# ---------------------------------------------------------------- titles

def course_title(course: dict, lang: str | None) -> str:
    """The course title in lang when the feed gives it, else the Dutch one."""
    titles = course.get("title") if isinstance(course.get("title"), dict) else {}
    return titles.get(lang or "nl") or course.get("title_nl") or titles.get("nl", "")
