"""What a visitor should bring to the talk, from the answers and the data in
assets/counsellor/checklist.toml (each item with its source)."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from kiosk import paths

CHECKLIST = paths.ASSETS / "counsellor" / "checklist.toml"
UNKNOWN = "unknown"
KEYS = ("goal", "dutch_level", "diploma", "status", "times", "formats", "needs")


@dataclass(frozen=True)
class Item:
    text: str
    source: str
    when: tuple[tuple[str, tuple[str, ...]], ...] = ()
    always: bool = False


@cache
def items() -> tuple[Item, ...]:
    """The checklist's items as data; a broken file is an error at first use (tests load it)."""
    data = tomllib.loads(CHECKLIST.read_text(encoding="utf-8"))
    out = []
    for raw in data["item"]:
        when = tuple((key, tuple(values)) for key, values in raw.get("when", {}).items())
        if any(key not in KEYS for key, _ in when) or not (when or raw.get("always")):
            raise ValueError(f"checklist item {raw.get('text')!r}: unknown or missing 'when'")
        out.append(Item(raw["text"], raw["source"], when, bool(raw.get("always"))))
    return tuple(out)


def _values(answers: dict, key: str) -> set[str]:
    value = answers.get(key)
    if value is None or value == []:
        return {UNKNOWN}
    return set(value) if isinstance(value, list) else {value}


def for_answers(answers: dict) -> list[Item]:
    """The items this visitor needs, in the file's order."""
    return [item for item in items()
            if item.always or any(_values(answers, key) & set(values)
                                  for key, values in item.when)]
