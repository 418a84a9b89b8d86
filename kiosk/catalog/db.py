"""The cached catalog: one SQLite file per catalog, built and queried with sqlite-utils.

`cache_dir/catalog.sqlite` is what visitors see; `catalog.previous.sqlite` is kept for
rollback. Files are built elsewhere (kiosk.catalog) and swapped in whole, so a reader
never sees a half-written catalog. List and dict fields are stored as JSON text, with
bit masks and ranks beside them so matching can filter in SQL.
"""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk import paths
from kiosk.catalog import tie_keys

if TYPE_CHECKING:
    import sqlite_utils

CURRENT = "catalog.sqlite"
PREVIOUS = "catalog.previous.sqlite"

COURSE_COLUMNS = {
    "id": str, "provider": str,
    "title": str, "title_nl": str, "summary": str, "summary_nl": str,  # title/summary: JSON {lang: text}
    "goals": str, "goals_mask": int,              # JSON list; bit i = vocab.GOALS[i]
    "outcome": str,
    "req_dutch": int, "req_diploma": int,         # rank in vocab.DUTCH_LEVELS / DIPLOMAS, NULL = none
    "min_age": int, "language": str, "format": str,
    "times": str, "times_mask": int,              # JSON list; bit i = vocab.TIMES[i]
    "hours_per_week": float, "duration_weeks": int,
    "start_dates": str, "last_start": str,        # JSON list of ISO dates; latest one (NULL if none)
    "flexible_start": int,
    "cost_eur": float, "free_for": str, "reduced_for": str,  # cost_eur NULL = unknown
    "opleidingscheques": int, "opleidingsverlof": int,
    "location_name": str, "street": str, "postcode": str, "city": str,
    "lat": float, "lon": float, "coords_from_postcode": int,
    "wheelchair": int, "childcare": int, "url": str,
    "kind": str,                                  # NULL = a course; else a route kind
    "dutch_from": int, "dutch_to": int,           # Dutch courses: levels (ranks) from, to
    # what the fee rules read (docs/rules.md); price_for: JSON {status: euro}
    "lesson_periods": int, "study_area": str, "richtgraad": int, "region": str,
    "price_for": str, "material_eur": float,
    # what the follow-up questions match on (docs/feed.md); NULL = not said, never hides
    "sectors_mask": int, "teaches_language": str,  # bit i = vocab.SECTORS[i]
    "skills_mask": int, "literacy": str,          # bit i = vocab.SKILLS[i]; vocab.LITERACY
    "max_age": int, "req_experience_years": int,
}
PROVIDER_COLUMNS = {"id": str, "name": str, "type": str, "website": str, "phone": str}
JSON_COLUMNS = ("title", "summary", "goals", "times", "start_dates", "free_for", "reduced_for")


def create_schema(db: sqlite_utils.Database) -> None:
    """Empty tables of a new catalog file."""
    db["meta"].create({"key": str, "value": str}, pk="key")
    db["providers"].create(PROVIDER_COLUMNS, pk="id")
    db["courses"].create({**COURSE_COLUMNS, **tie_keys.COLUMNS}, pk="id",
                         not_null={"id", "provider", "title_nl"})


def create_indexes(db: sqlite_utils.Database) -> None:
    """Indexes and full-text search, added after the bulk load (faster than before)."""
    db["courses"].create_index(["provider"])
    db["courses"].create_index(["last_start"])
    db["courses"].create_index(["lat", "lon"])
    # matching reads rowids from these without touching the table (kiosk/guidance/matching.py)
    filtered = ["format", "goals_mask", "times_mask", "req_dutch", "req_diploma",
                "flexible_start", "last_start", "kind", "dutch_to"]
    scored = ["outcome", "cost_eur", "free_for", "reduced_for", "opleidingscheques",
              "start_dates", "postcode", "provider", *tie_keys.COLUMNS]  # keys: the tie-break
    # near a place, with everything the score needs (the orientation's nearest courses)
    db["courses"].create_index(["lat", "lon", *filtered, *scored],
                               index_name="idx_courses_match_place")
    db["courses"].create_index(filtered, index_name="idx_courses_match_format")
    db["courses"].create_index(["goals_mask", "lat", "lon", *filtered],
                               index_name="idx_courses_match_goal_place")
    # everything the ranking score needs, per goal: a question with a goal is ranked
    # from here alone (kiosk/guidance/matching.py)
    db["courses"].create_index(["goals_mask", "format", "outcome", *filtered[2:], "cost_eur",
                                "free_for", "reduced_for", "opleidingscheques", "start_dates",
                                "lat", "lon", "postcode", "provider", *tie_keys.COLUMNS],
                               index_name="idx_courses_match_rank")
    # the orientation over goals (goal `weet-niet`) asks all goals at once for the courses
    # that score at least a floor: the outcomes and prices that can reach it, then a place
    db["courses"].create_index(["outcome", "cost_eur", "lat", "lon", "format", *filtered[1:],
                                "free_for", "reduced_for", "opleidingscheques", "start_dates",
                                "postcode", "provider", *tie_keys.COLUMNS],
                               index_name="idx_courses_match_best")
    # the few routes that are not courses (kiosk/guidance/matching.py _route_rows), without a scan
    db.execute("create index idx_courses_routes on courses(kind) where kind is not null")
    db["courses"].enable_fts(["title_nl", "summary_nl"], create_triggers=False)


def decode_course(row: dict) -> dict:
    """A courses row with its JSON columns turned back into lists and dicts."""
    out = dict(row)
    for key in JSON_COLUMNS:
        if key in out and isinstance(out[key], str):
            out[key] = json.loads(out[key])
    return out


def current_path(cache_dir: Path | None = None) -> Path:
    return paths.cache_dir(cache_dir) / CURRENT


@dataclass
class Catalog:
    """A read-only view of one catalog file. Opening it, checking it and counting use the
    plain connection; `db` wraps that in sqlite-utils when first asked, so the kiosk's
    start-up does not wait for sqlite-utils to load."""
    path: Path
    conn: sqlite3.Connection

    @cached_property
    def db(self) -> sqlite_utils.Database:
        import sqlite_utils
        return sqlite_utils.Database(self.conn)

    def meta(self) -> dict:
        return dict(self.conn.execute("select key, value from meta"))

    def counts(self) -> dict:
        return {table: self.conn.execute(f"select count(*) from {table}").fetchone()[0]
                for table in ("providers", "courses")}

    def course(self, course_id: str) -> dict | None:
        rows = list(self.db.query("select * from courses where id = ?", [course_id]))
        return decode_course(rows[0]) if rows else None

    def providers(self) -> dict[str, dict]:
        return {r["id"]: r for r in self.db["providers"].rows}

    def close(self) -> None:
        self.conn.close()


def outdated(path: Path) -> bool:
    """A catalog file built by an older kiosk: its courses lack a column this one reads
    (after an update). It is built again from its source, never read as damaged."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            have = {row[1] for row in conn.execute("pragma table_info(courses)")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False                     # unreadable: the damaged-catalog path says so
    return bool(have) and not set(COURSE_COLUMNS) <= have


def open_catalog(path: Path | None = None) -> Catalog:
    """Open the current catalog read-only. Raises FileNotFoundError when there is none."""
    path = Path(path or current_path())
    if not path.exists():
        raise FileNotFoundError(path)
    if not path.is_file():              # a folder or a FIFO: SQLite would fail or hang
        raise sqlite3.DatabaseError(f"{path} is not a catalog file but a folder, a pipe or "
                                    "a device; run: kiosk catalog refresh")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
    return Catalog(path, conn)
