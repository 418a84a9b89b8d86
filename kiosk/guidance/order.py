"""The order of ranked rows (docs/matching.md section 3): best score first, equal scores
by a per-day permutation of the tie-break keys stored with every course (what the
course offers, then its id: kiosk/catalog/tie_keys.py), and the first screen's spread
over providers. The score itself is kiosk/guidance/ranking.py's; the rows are
kiosk/guidance/query.py's LightRow, each carrying its `tie` from SQL (TIE_SQL)."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from kiosk.catalog import tie_keys
from kiosk.guidance.ranking import FIRST_PAGE, SCORE_DECIMALS

MAX_SAME_PROVIDER = 2                     # per provider on the first screen, when others fit

_MASK = tie_keys.KEY_MASK


def _xor(a: str, b: str) -> str:
    """a XOR b in SQL, which has no XOR operator (both non-negative)."""
    return f"(({a} | {b}) - ({a} & {b}))"


def _permuted(key: str, salt: str, odd: str) -> str:
    """SQL: a per-day permutation of a key below 2**31 (XOR with the day's salt, then
    times the day's odd factor, modulo 2**31: both are one-to-one, and the product stays
    well inside SQLite's 64-bit integers)."""
    return f"(({_xor(key, salt)} * {odd}) & {_MASK})"


def tie_sql(content: str = "tie_key", cid: str = "tie_id") -> str:
    """SQL: a course's tie-break for today (parameters: day_params): the permuted content
    key, then the permuted id key; lower comes first."""
    return (f"({_permuted(content, ':tie_s1', ':tie_m1')} * {_MASK + 1}"
            f" + {_permuted(cid, ':tie_s2', ':tie_m2')})")


def day_params(day: str) -> dict:
    """The day's salts and odd factors: unpredictable without the date, new every day."""
    raw = hashlib.blake2b(f"leerwinkel-tie {day}".encode(), digest_size=16).digest()
    s1, m1, s2, m2 = (int.from_bytes(raw[i:i + 4], "big") & _MASK for i in range(0, 16, 4))
    return {"tie_s1": s1, "tie_m1": m1 | 1, "tie_s2": s2, "tie_m2": m2 | 1}


def rounded(score: float) -> float:
    return round(score, SCORE_DECIMALS)


def sort_key(row) -> tuple:
    """Best score first; equal scores (as rounded) by the day's tie-break."""
    return (-rounded(row.score), row.tie)


def sort_rows(rows: list) -> list:
    """Light rows (kiosk/guidance/query.py) in ranking order."""
    return sorted(rows, key=sort_key)


class Ranked(Sequence):
    """The light rows in their final order: best score first, equal scores by the
    tie-break; the first screen holds at most MAX_SAME_PROVIDER courses of one provider
    while others fit (docs/matching.md), from the sixth result on the pure ranking order
    holds.

    With `fetch`, rows holds only the best of a longer list (`size` rows in all), in
    order: fetch(limit) -> (the best `limit` courses in ranking order with the other rows
    (routes), whether that is the whole list); more are fetched only when a row beyond
    is read."""

    def __init__(self, rows: list, ordered: bool = False, lead: Sequence = (),
                 fetch: Callable | None = None, size: int | None = None, limit: int = 0):
        """lead: rows that come before all others, in their order (an intake)."""
        self._lead = list(lead)
        self._fetch, self._limit = fetch, limit
        self._size = len(rows) if size is None else size
        self._take(rows, complete=fetch is None or len(rows) >= self._size, ordered=ordered)
        first, passed, count, read = [], [], {}, 0
        while len(first) < FIRST_PAGE and read < self._size:
            row = self._row(read)
            read += 1
            if count.get(row.provider, 0) < MAX_SAME_PROVIDER:
                first.append(row)
                count[row.provider] = count.get(row.provider, 0) + 1
            else:
                passed.append(row)
        while len(first) < FIRST_PAGE and passed:    # too few providers: fill in rank order
            first.append(passed.pop(0))
        self._first, self._passed, self._read = first, passed, read

    def _take(self, rows: list, complete: bool, ordered: bool = False) -> None:
        """Rows fetched, put in order; the first _safe of them are surely in place: all
        of them, or up to the last course fetched (a row after it, a route, may yet
        have courses not fetched before it)."""
        if not ordered:
            rows.sort(key=sort_key)
        self._rows, self._complete = rows, complete
        if complete:
            self._safe = len(rows)
        else:
            self._safe = max((n + 1 for n, r in enumerate(rows) if r.kind is None), default=0)

    def _row(self, n: int):
        """rows[n] in its final place, fetching more when n lies beyond what is sure."""
        while n >= self._safe and not self._complete:
            self._limit *= 4
            self._take(*self._fetch(self._limit))
        return self._rows[n]

    def __len__(self):
        return len(self._lead) + self._size

    def __getitem__(self, n: int):
        if n < len(self._lead):
            return self._lead[n]
        n -= len(self._lead)
        if n < len(self._first):
            return self._first[n]
        n -= len(self._first)
        if n < len(self._passed):
            return self._passed[n]
        return self._row(n + self._read - len(self._passed))
