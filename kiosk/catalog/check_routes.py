"""The feed fields of routes and Dutch levels (docs/feed.md, "Routes and Dutch levels"):
`kind` (a course, or a route that is not a course) and `dutch_levels` (the level a Dutch
course starts from and the level it leads to); and what the follow-up questions need
(docs/feed.md, "What decides the route"): `sectors`, `teaches_language`, `skills`,
`literacy`, `requires.max_age` and `requires.experience_years`. Each may be missing: a
missing one never hides a course."""
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


MOST_AGE = 120
MOST_EXPERIENCE_YEARS = 50


def _mask(course: dict, name: str, allowed: tuple) -> int | None:
    values = course.get(name)
    if values is None:
        return None
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise Rejected(f"{name} must be a list of words like [{quoted(allowed[0])}]")
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise Rejected(f"{name} has unknown value {quoted(unknown[0])} "
                       f"(allowed: {', '.join(allowed)})")
    return vocab.mask(allowed, values) or None


def _word(course: dict, name: str, allowed: tuple) -> str | None:
    value = course.get(name)
    if value is not None and value not in allowed:
        raise Rejected(f"{name} {quoted(value)} is unknown (allowed: {', '.join(allowed)})")
    return value


def _whole(requires: dict, name: str, most: int) -> int | None:
    value = requires.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= most:
        raise Rejected(f"requires.{name} must be a whole number from 0 to {most}")
    return value


def follow_up_columns(course: dict) -> dict:
    """The catalog columns the follow-up questions match on (docs/feed.md); raises
    Rejected with the reason."""
    requires = course.get("requires")
    requires = requires if isinstance(requires, dict) else {}
    return {"sectors_mask": _mask(course, "sectors", vocab.SECTORS),
            "teaches_language": _word(course, "teaches_language", vocab.TAUGHT_LANGUAGES),
            "skills_mask": _mask(course, "skills", vocab.SKILLS),
            "literacy": _word(course, "literacy", vocab.LITERACY),
            "max_age": _whole(requires, "max_age", MOST_AGE),
            "req_experience_years": _whole(requires, "experience_years", MOST_EXPERIENCE_YEARS)}
