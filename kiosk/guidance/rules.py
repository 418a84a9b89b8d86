"""Fees and rights as dated, sourced data: one TOML file per school year in assets/rules/
(docs/rules.md). The file whose validity covers today (kiosk.clock) is the one in force;
none covering today means the kiosk states no figure at all ("vraag na").

Each file is read with limits (size, number of rules, text lengths) and checked whole: a
file that breaks them is refused with a one-line reason, never a traceback.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

from kiosk import clock, paths, vocab

RULES_DIR = paths.ASSETS / "rules"
MAX_FILE_BYTES = 200_000
MAX_RULES = 200
MAX_TEXT = 2_000
KINDS = ("rate", "cap", "free", "material", "note", "cheques", "leave", "inburgering",
         "naric", "naric-free")
PROVIDER_TYPES = tuple(t for t in vocab.PROVIDER_TYPES if t != "cbe")
REGIONS = ("vlaanderen", "brussel")
_LISTS = {"provider_types": PROVIDER_TYPES, "statuses": vocab.STATUSES, "study_areas": None}
_NUMBERS = ("eur_per_period", "eur", "cap_eur", "saved_max_eur", "richtgraad_max")


class RulesError(ValueError):
    """A rules file that cannot be used; the message is one line."""


@dataclass(frozen=True)
class Source:
    url: str
    read: str                       # ISO date the page was read
    page_date: str = "undated"      # the page's own date, when it gives one


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    verified: bool
    source: Source
    note: str = ""
    provider_types: tuple = ()      # empty: any
    statuses: tuple = ()
    study_areas: tuple = ()
    region: str | None = None
    diploma_below: str | None = None
    condition: str | None = None
    richtgraad_max: float | None = None
    eur_per_period: float | None = None
    eur: float | None = None
    cap_eur: float | None = None
    saved_max_eur: float | None = None
    also: tuple = ()


@dataclass(frozen=True)
class RuleSet:
    school_year: str
    valid_from: date
    valid_until: date
    path: Path
    rules: tuple = field(default_factory=tuple)

    def covers(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until

    def of_kind(self, kind: str) -> list[Rule]:
        return [r for r in self.rules if r.kind == kind]

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)


def _text(value, what: str, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > MAX_TEXT:
        raise RulesError(f"{what} must be text of at most {MAX_TEXT} characters")
    return value


def _day(value, what: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise RulesError(f"{what} is not an ISO date: {str(value)[:40]!r}") from None


def _source(value, what: str) -> Source:
    if not isinstance(value, dict):
        raise RulesError(f"{what} must be a table with url and read")
    url = _text(value.get("url"), f"{what}.url", required=True)
    if not url.startswith(("https://", "http://")):
        raise RulesError(f"{what}.url must be a web address")
    _day(value.get("read"), f"{what}.read")
    return Source(url, str(value["read"]), _text(value.get("page_date"), f"{what}.page_date")
                  or "undated")


def _rule(raw, n: int) -> Rule:
    if not isinstance(raw, dict):
        raise RulesError(f"rule {n} must be a table")
    rid = _text(raw.get("id"), f"rule {n} id", required=True)
    kind = raw.get("kind")
    if kind not in KINDS:
        raise RulesError(f"rule {rid}: kind must be one of {', '.join(KINDS)}")
    if not isinstance(raw.get("verified"), bool):
        raise RulesError(f"rule {rid}: verified must be true or false")
    out = {"id": rid, "kind": kind, "verified": raw["verified"],
           "source": _source(raw.get("source"), f"rule {rid} source"),
           "note": _text(raw.get("note"), f"rule {rid} note")}
    for key, allowed in _LISTS.items():
        values = raw.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values) or (
                allowed and not set(values) <= set(allowed)):
            raise RulesError(f"rule {rid}: {key} must be a list of known words")
        out[key] = tuple(values)
    for key in _NUMBERS:
        value = raw.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)
                                  or not 0 <= value <= 100_000):
            raise RulesError(f"rule {rid}: {key} must be a number from 0 to 100000")
        out[key] = value
    if raw.get("region") is not None and raw["region"] not in REGIONS:
        raise RulesError(f"rule {rid}: region must be one of {', '.join(REGIONS)}")
    out["region"] = raw.get("region")
    if raw.get("diploma_below") is not None and raw["diploma_below"] not in vocab.DIPLOMAS:
        raise RulesError(f"rule {rid}: diploma_below must be a diploma word")
    out["diploma_below"] = raw.get("diploma_below")
    out["condition"] = _text(raw.get("condition"), f"rule {rid} condition") or None
    also = raw.get("also", [])
    if not isinstance(also, list) or len(also) > 10:
        raise RulesError(f"rule {rid}: also must be a list of at most 10 sources")
    out["also"] = tuple(_source(s, f"rule {rid} also") for s in also)
    return Rule(**out)


def load(path: Path) -> RuleSet:
    """One rules file, checked whole; RulesError with a one-line reason."""
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as e:
        raise RulesError(f"cannot read {path.name}: {e.strerror or e}") from None
    if len(data) > MAX_FILE_BYTES:
        raise RulesError(f"{path.name} is larger than {MAX_FILE_BYTES} bytes")
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise RulesError(f"{path.name} is not valid TOML: {str(e).splitlines()[0]}") from None
    rules = raw.get("rule", [])
    if not isinstance(rules, list) or len(rules) > MAX_RULES:
        raise RulesError(f"{path.name}: at most {MAX_RULES} [[rule]] tables")
    start, end = _day(raw.get("valid_from"), "valid_from"), _day(raw.get("valid_until"),
                                                                  "valid_until")
    if end < start:
        raise RulesError(f"{path.name}: valid_until lies before valid_from")
    checked = tuple(_rule(r, n) for n, r in enumerate(rules, 1))
    if len({r.id for r in checked}) != len(checked):
        raise RulesError(f"{path.name}: two rules share an id")
    return RuleSet(_text(raw.get("school_year"), "school_year", required=True), start, end,
                   path, checked)


@lru_cache(maxsize=8)
def _load_dir(folder: str, stamp: tuple) -> tuple:
    """Every usable rules file of a folder (cached until a file changes)."""
    out = []
    for path in sorted(Path(folder).glob("*.toml"))[:50]:
        try:
            out.append(load(path))
        except RulesError:
            continue                # doctor names it (problems()); the others still serve
    return tuple(out)


def _stamp(folder: Path) -> tuple:
    try:
        return tuple((p.name, p.stat().st_mtime_ns) for p in sorted(folder.glob("*.toml")))
    except OSError:
        return ()


def for_day(day: date | None = None, folder: Path | None = None) -> RuleSet | None:
    """The rules in force on day (today by default); None when no file covers it."""
    folder = Path(folder or RULES_DIR)
    day = day or clock.today()
    return next((s for s in _load_dir(str(folder), _stamp(folder)) if s.covers(day)), None)


def problems(day: date | None = None, folder: Path | None = None) -> list[str]:
    """One line per problem staff must fix: a file that cannot be read, or none for today."""
    folder = Path(folder or RULES_DIR)
    out = []
    for path in sorted(folder.glob("*.toml"))[:50]:
        try:
            load(path)
        except RulesError as e:
            out.append(str(e))
    day = day or clock.today()
    if for_day(day, folder) is None:
        out.append(f"no rules file in {folder.name}/ covers {day.isoformat()}: "
                   "the kiosk states no fees")
    return out
