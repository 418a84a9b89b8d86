"""The order of ranked rows (docs/matching.md section 3): best score first, equal scores
by a per-day tie-break of what the course offers, and the first screen's spread over
providers. The score itself is kiosk/guidance/ranking.py's; the rows are
kiosk/guidance/query.py's LightRow."""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence

from kiosk.guidance.ranking import FIRST_PAGE, SCORE_DECIMALS

MAX_SAME_PROVIDER = 2                     # per provider on the first screen, when others fit

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
    fit (docs/matching.md), from the sixth result on the pure ranking order holds.

    With `fetch`, rows holds only the best of a longer list (`size` rows in all):
    fetch(limit) -> (the best `limit` of the list and every row that ties with the last,
    whether that is the whole list); more are fetched only when a row beyond is read."""

    def __init__(self, db, rows: list, salt: str, ordered: bool = False,
                 lead: Sequence = (), fetch: Callable | None = None, size: int | None = None,
                 limit: int = 0):
        """lead: rows that come before all others, in their order (an intake)."""
        self._lead = list(lead)
        self._db, self._salt, self._fetch, self._limit = db, salt, fetch, limit
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
        """Rows fetched: sorted by score; the first _safe of them are surely in place
        (all of them, or those scoring at least the last one fetched)."""
        if not ordered:
            rows.sort(key=lambda r: r.score, reverse=True)
        self._rows, self._complete = rows, complete
        self._done = len(rows) if ordered else 0     # rows[:_done] are in final order
        if complete or not rows:
            self._safe = len(rows)
        else:
            last = rounded(min(r.score for r in rows if r.kind is None))
            self._safe = sum(1 for r in rows if rounded(r.score) >= last)

    def _row(self, n: int):
        """rows[n] in its final place, fetching more when n lies beyond what is sure."""
        while n >= self._safe and not self._complete:
            self._limit *= 4
            self._take(*self._fetch(self._limit))
        self._settle(n + 1)
        return self._rows[n]

    def _settle(self, k: int) -> None:
        """Put rows[:k] in final order (reading a little ahead, to the end of equal scores)."""
        rows = self._rows
        k = min(self._safe, max(k, self._done + 4 * FIRST_PAGE))
        if k <= self._done:
            return
        while k < self._safe and rounded(rows[k].score) == rounded(rows[k - 1].score):
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
