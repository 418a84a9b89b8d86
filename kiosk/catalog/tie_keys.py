"""The two tie-break keys stored with every course when a catalog is built
(docs/matching.md, "Ties"): a hash of what the course offers (no id, no provider, no
name) and a hash of its id, for courses whose content is identical. Matching orders
equal scores by a per-day permutation of them, in SQL (kiosk/guidance/order.py)."""
from __future__ import annotations

import hashlib

# what the content key hashes: what a course offers, never who offers it
CONTENT = ("title_nl", "format", "times_mask", "goals_mask", "outcome", "start_dates",
           "flexible_start", "cost_eur", "postcode", "lat", "lon")
COLUMNS = {"tie_key": int, "tie_id": int}   # the courses table's columns (kiosk/catalog/db.py)
KEY_BITS = 31                   # so the per-day permutation stays in SQLite's 64-bit integers
KEY_MASK = (1 << KEY_BITS) - 1
CONTENT_SQL = f"kiosk_tie_key({', '.join(CONTENT)})"   # the keys computed in SQL (register)
ID_SQL = "kiosk_tie_id(id)"


def _text(value) -> str:
    """One value as the hash reads it: a number the same whether stored as an integer or
    a real (a price of 12 and of 12.0), nothing as an empty field."""
    if value is None:
        return ""
    if isinstance(value, (int, float)):
        return f"{value:.17g}"
    return str(value)


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(),
                          "big") & KEY_MASK


def content_key(*values) -> int:
    """The hash of a course's CONTENT values, in that order."""
    return _hash("\x1f".join(map(_text, values)))


def id_key(cid) -> int:
    return _hash(_text(cid))


def add_keys(row: dict) -> None:
    """Set a course row's keys (its place filled in first: lat and lon are content)."""
    row["tie_key"] = content_key(*(row[c] for c in CONTENT))
    row["tie_id"] = id_key(row["id"])


def register(conn) -> None:
    """kiosk_tie_key(CONTENT...) and kiosk_tie_id(id) on this connection: the keys of a
    merged catalog, and of a catalog built before they were stored."""
    conn.create_function("kiosk_tie_key", len(CONTENT), content_key, deterministic=True)
    conn.create_function("kiosk_tie_id", 1, id_key, deterministic=True)
