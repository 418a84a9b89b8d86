"""The feed fields of routes and Dutch levels (docs/feed.md, "Routes and Dutch levels"):
`kind` (a course, or a route that is not a course) and `dutch_levels` (the level a Dutch
course starts from and the level it leads to)."""
from __future__ import annotations

from kiosk import vocab
from kiosk.catalog.report import Rejected
from kiosk.text.printable import quoted


def _level(levels: dict, key: str) -> int:
    value = levels.get(key)
    if value not in vocab.DUTCH_LEVELS:
        what = "is missing" if value is None else f"{quoted(value)} is unknown"
        raise Rejected(f"dutch_levels.{key} {what} (allowed: {', '.join(vocab.DUTCH_LEVELS)})")
    return vocab.DUTCH_LEVELS.index(value)


def route_columns(course: dict) -> dict:
    """The catalog columns kind (NULL for a course), dutch_from and dutch_to (ranks);
    raises Rejected with the reason."""
    kind = course.get("kind")
    if kind is not None and kind not in vocab.KINDS:
        raise Rejected(f"kind {quoted(kind)} is unknown (allowed: {', '.join(vocab.KINDS)})")
    levels = course.get("dutch_levels")
    low = high = None
    if levels is not None:
        if not isinstance(levels, dict):
            raise Rejected('dutch_levels must be an object like {"from": "A1", "to": "A2"}')
        low, high = _level(levels, "from"), _level(levels, "to")
        if low >= high:
            raise Rejected("dutch_levels.to must be a higher level than dutch_levels.from")
    return {"kind": None if kind == vocab.COURSE else kind, "dutch_from": low,
            "dutch_to": high}
