"""A source's defaults (`defaults = { … }` in its [[catalog.sources]] table, docs/sources.md):
what a provider's pages or file do not say, given once for the source with the feed's
field names, and a mapping of the provider's own words to the kiosk's goals.

Used only where a course does not say it itself; every use is noted for that course
("<id>: from the source's defaults: goals") and counted for the report. What still cannot
be mapped is noted too.
"""
from __future__ import annotations

import re

from kiosk import vocab

COURSE_FIELDS = ("goals", "outcome", "format", "times", "flexible_start", "language",
                 "location")
LOCATION_KEYS = ("postcode", "city", "name", "street")
KEYS = (*COURSE_FIELDS, "provider_type", "goal_words")
MAX_WORDS = 500                  # entries in goal_words
MAX_TEXT = 200


def check(defaults) -> None:
    """Raises ValueError with a plain reason when the table cannot be used."""
    if not isinstance(defaults, dict):
        raise ValueError("defaults must be a table, e.g. defaults = { goals = [\"beroep\"] }")
    unknown = sorted(set(defaults) - set(KEYS))
    if unknown:
        raise ValueError(f"defaults has an unknown field {unknown[0]!r} "
                         f"(known: {', '.join(KEYS)})")
    goals = [g for g in vocab.GOALS if g != "weet-niet"]
    _list_of(defaults, "goals", goals)
    _list_of(defaults, "times", vocab.TIMES)
    _one_of(defaults, "outcome", vocab.OUTCOMES)
    _one_of(defaults, "format", vocab.FORMATS)
    _one_of(defaults, "provider_type", vocab.PROVIDER_TYPES)
    if not isinstance(defaults.get("flexible_start", False), bool):
        raise ValueError("defaults.flexible_start must be true or false")
    if "language" in defaults and not (isinstance(defaults["language"], str)
                                       and re.fullmatch(r"[a-z]{2,3}", defaults["language"])):
        raise ValueError("defaults.language must be a language code such as \"nl\"")
    location = defaults.get("location", {})
    if not isinstance(location, dict) or set(location) - set(LOCATION_KEYS) \
            or not all(isinstance(v, str) and len(v) <= MAX_TEXT for v in location.values()):
        raise ValueError(f"defaults.location must be a table of {', '.join(LOCATION_KEYS)}")
    if "postcode" in location and not re.fullmatch(r"\d{4}", location["postcode"]):
        raise ValueError("defaults.location.postcode must be 4 digits")
    words = defaults.get("goal_words", {})
    if not isinstance(words, dict) or len(words) > MAX_WORDS:
        raise ValueError(f"defaults.goal_words must be a table of at most {MAX_WORDS} words, "
                         'e.g. goal_words = { "keuken" = "beroep" }')
    for word, goal in words.items():
        if goal not in goals or len(word) > MAX_TEXT:
            raise ValueError(f"defaults.goal_words: {word[:40]!r} must map to one of "
                             f"{', '.join(goals)}")


def _list_of(defaults: dict, key: str, allowed) -> None:
    value = defaults.get(key, [])
    if not isinstance(value, list) or not all(v in allowed for v in value):
        raise ValueError(f"defaults.{key} must be a list of: {', '.join(allowed)}")


def _one_of(defaults: dict, key: str, allowed) -> None:
    if key in defaults and defaults[key] not in allowed:
        raise ValueError(f"defaults.{key} must be one of: {', '.join(allowed)}")


def apply(course: dict, defaults: dict | None, used: dict) -> list[str]:
    """Fill what the course does not say from the defaults (in place); notes of what was
    taken and of what could not be mapped. `used` counts each field taken."""
    defaults = defaults or {}
    words = course.pop("_words", [])
    taken, notes = [], []
    mapped = _mapped_goals(words, defaults.get("goal_words") or {})
    if mapped and not course.get("goals"):
        course["goals"] = mapped
        taken.append("goals (goal_words)")
    for key in COURSE_FIELDS:
        if key not in defaults or key == "location":
            continue
        if course.get(key) in (None, [], "") and not (key == "times" and "times" in course
                                                       and course.get("format") == "afstand"):
            course[key] = list(defaults[key]) if isinstance(defaults[key], list) \
                else defaults[key]
            taken.append(key)
    location = course.setdefault("location", {})
    for key, value in (defaults.get("location") or {}).items():
        if not location.get(key):
            location[key] = value
            taken.append(f"location.{key}")
    if not location:
        del course["location"]
    for field in taken:
        used[field] = used.get(field, 0) + 1
    cid = course.get("id", "?")
    if taken:
        notes.append(f"{cid}: from the source's defaults: {', '.join(taken)}")
    if not course.get("goals"):
        shown = ", ".join(w for w in words[:8]) or "none"
        notes.append(f"{cid}: no goal: the page's words ({shown[:200]}) are not mapped; "
                     "add them to defaults.goal_words or give defaults.goals")
    return notes


def _mapped_goals(words: list, table: dict) -> list:
    lowered = {k.lower(): v for k, v in table.items()}
    goals = []
    for word in words:
        goal = lowered.get(word.lower().strip())
        if goal and goal not in goals:
            goals.append(goal)
    return goals


def provider_types(providers: dict, defaults: dict | None) -> None:
    """A provider whose pages do not say its type gets the source's provider_type."""
    kind = (defaults or {}).get("provider_type")
    if kind:
        for provider in providers.values():
            if provider.get("type") in (None, "andere"):
                provider["type"] = kind
