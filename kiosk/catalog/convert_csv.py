"""Spreadsheet route: the CSV template (assets/catalog-template.csv, documented in
docs/feed.md) turned into a feed file of version 1, checked like a refresh checks it.

One row is one course; its provider is given on the same row. Delimiter ; or , (or tab),
an optional UTF-8 BOM, several values in one cell separated by |, decimal commas, dates
as 2027-02-01 or 1/2/2027, yes/no as ja/nee, yes/no, true/false, 1/0 or x.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections import Counter
from pathlib import Path

from kiosk.catalog import check, limits
from kiosk.catalog.report import Rejected, Report
from kiosk.files import write_atomically
from kiosk.text.printable import quoted

MAX_BYTES = 50_000_000           # a spreadsheet of courses is far smaller
MAX_COLUMNS = 500                # the template has about 45

REQUIRED = ("id", "provider_id", "provider_name", "title_nl", "goals", "format", "times",
            "postcode")
KNOWN = {
    "provider_id", "provider_name", "provider_type", "provider_website", "provider_phone",
    "id", "goals", "outcome", "dutch_level", "diploma", "min_age", "language", "format",
    "times", "hours_per_week", "duration_weeks", "start_dates", "flexible_start",
    "cost_eur", "free_for", "reduced_for", "opleidingscheques", "opleidingsverlof",
    "location_name", "street", "postcode", "city", "lat", "lon", "wheelchair", "childcare",
    "url", "kind", "dutch_from", "dutch_to",
    "sectors", "teaches_language", "skills", "literacy", "max_age", "experience_years",
}
_LANG_COLUMN = re.compile(r"(title|summary)_([a-z]{2,3})")
_TRUE = {"ja", "j", "yes", "y", "true", "waar", "1", "x", "oui"}
_FALSE = {"nee", "n", "no", "false", "onwaar", "0", "non"}
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


class CsvError(Exception):
    """The CSV file as a whole cannot be used; the message says why in plain words."""


def read_rows(path: Path) -> tuple[list[str], list[tuple[int, dict]]]:
    """The normalised column names and the non-empty rows with their line numbers."""
    try:
        if Path(path).stat().st_size > MAX_BYTES:
            raise CsvError(f"The file is larger than {MAX_BYTES // 1_000_000} MB; a course "
                           "list is far smaller. Check that this is the right file.")
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise CsvError(f"The file {path} does not exist.") from None
    except OSError as exc:
        raise CsvError(f"The file {path} cannot be read ({exc.strerror}).") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CsvError("The file is not UTF-8 text. In the spreadsheet, save it as "
                       "'CSV UTF-8 (comma delimited)'.") from None
    if not text.strip():
        raise CsvError("The file is empty.")
    first = text.splitlines()[0]
    delimiter = max(";,\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower().replace(" ", "_") for h in next(reader)]
        if len(header) > MAX_COLUMNS:
            raise CsvError(f"The CSV has {len(header)} columns; a course list has at most "
                           f"{MAX_COLUMNS}. Check that this is the right file.")
        seen = Counter(h for h in header if h)
        dupes = sorted(h for h, n in seen.items() if n > 1)
        if dupes:
            raise CsvError(f"The column(s) {', '.join(dupes)} appear more than once.")
        missing = [c for c in REQUIRED if c not in header]
        if not {"start_dates", "flexible_start"} & set(header):
            missing.append("start_dates")
        if missing:
            raise CsvError(f"The CSV is missing the column(s): {', '.join(missing)}. "
                           "Start from assets/catalog-template.csv.")
        rows = []
        for cells in reader:
            if not any(c.strip() for c in cells[:MAX_COLUMNS + 1]):
                continue
            row = {h: c.strip() for h, c in zip(header, cells) if h}
            if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
                row["__extra__"] = "yes"
            rows.append((reader.line_num, row))
            if len(rows) > limits.LIMITS.max_courses:
                raise CsvError(f"The CSV has more than {limits.LIMITS.max_courses} course rows "
                               "(limit catalog.max_courses).")
    except csv.Error as exc:
        raise CsvError(f"The CSV cannot be read near line {reader.line_num}: {exc}.") from None
    return header, rows


def _list(value: str, lower: bool = True) -> list[str]:
    items = [v.strip() for v in value.split("|") if v.strip()]
    return [v.lower() for v in items] if lower else items


def _number(value: str, name: str, whole: bool = False):
    if not value:
        return None
    text = value.replace("€", "").replace(" ", "").replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise Rejected(f"{name} {quoted(value)} is not a number") from None
    if not math.isfinite(number) or abs(number) > 1e15:
        raise Rejected(f"{name} {quoted(value)} is not a usable number")
    if whole:
        if number != int(number):
            raise Rejected(f"{name} {quoted(value)} is not a whole number")
        return int(number)
    return number


def _flag(value: str, name: str) -> bool | None:
    if not value:
        return None
    low = value.lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise Rejected(f"{name} {quoted(value)} must be ja or nee")


def _date(value: str) -> str:
    m = _DMY.fullmatch(value)
    if m:
        value = f"{m[3]}-{int(m[2]):02d}-{int(m[1]):02d}"
    try:
        if len(value) != 10:
            raise ValueError
        dt.date.fromisoformat(value)
    except ValueError:
        raise Rejected(f"start date {quoted(value)} is not a date like 2027-02-01") from None
    return value


def _level(value: str) -> str | None:
    if not value:
        return None
    return value.upper() if re.fullmatch(r"[abcABC][12]", value) else value.lower()


def _prune(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None and v != {}}


def row_to_course(row: dict) -> dict:
    """A feed course from one CSV row; raises Rejected for a cell it cannot read."""
    if row.get("__extra__"):
        raise Rejected("the row has more cells than there are columns "
                            "(check the delimiter and quotes)")
    g = row.get
    texts = {"title": {}, "summary": {}}
    for key, value in row.items():
        m = _LANG_COLUMN.fullmatch(key)
        if m and value:
            texts[m[1]][m[2]] = value
    course = {
        "id": g("id") or None,
        "provider": g("provider_id") or None,
        "title": texts["title"],
        "summary": texts["summary"] or None,
        "goals": _list(g("goals", "")),
        "outcome": (g("outcome") or "").lower() or None,
        "requires": _prune({"dutch_level": _level(g("dutch_level", "")),
                            "diploma": (g("diploma") or "").lower() or None,
                            "min_age": _number(g("min_age", ""), "min_age", whole=True),
                            "max_age": _number(g("max_age", ""), "max_age", whole=True),
                            "experience_years": _number(g("experience_years", ""),
                                                        "experience_years", whole=True)}),
        "language": g("language") or None,
        "format": (g("format") or "").lower() or None,
        "times": _list(g("times", "")),
        "hours_per_week": _number(g("hours_per_week", ""), "hours_per_week"),
        "duration_weeks": _number(g("duration_weeks", ""), "duration_weeks", whole=True),
        "start_dates": [_date(d) for d in _list(g("start_dates", ""), lower=False)],
        "flexible_start": _flag(g("flexible_start", ""), "flexible_start"),
        "cost": _prune({
            "eur": _number(g("cost_eur", ""), "cost_eur"),
            "free_for": _list(g("free_for", "")) or None,
            "reduced_for": _list(g("reduced_for", "")) or None,
            "opleidingscheques": _flag(g("opleidingscheques", ""), "opleidingscheques"),
            "opleidingsverlof": _flag(g("opleidingsverlof", ""), "opleidingsverlof")}),
        "location": _prune({"name": g("location_name") or None, "street": g("street") or None,
                            "postcode": g("postcode") or None, "city": g("city") or None,
                            "lat": _number(g("lat", ""), "lat"),
                            "lon": _number(g("lon", ""), "lon")}),
        "accessibility": _prune({"wheelchair": _flag(g("wheelchair", ""), "wheelchair"),
                                 "childcare": _flag(g("childcare", ""), "childcare")}),
        "url": g("url") or None,
        "kind": (g("kind") or "").lower() or None,
        "dutch_levels": _prune({"from": _level(g("dutch_from", "")),
                                "to": _level(g("dutch_to", ""))}),
        # what decides the route (docs/feed.md); empty cells: not said, never hides
        "sectors": _list(g("sectors", "")) or None,
        "teaches_language": (g("teaches_language") or "").lower() or None,
        "skills": _list(g("skills", "")) or None,
        "literacy": (g("literacy") or "").lower() or None,
    }
    if course["location"].get("lat") is None:
        course["location"].pop("lon", None)     # lon alone would be rejected; ignore it
    return _prune(course)


def csv_to_feed(path: Path, publisher: str) -> tuple[dict | None, Report]:
    """The feed (valid courses only) and the check report; the feed is None when the
    file is refused whole (the report's message says why). Raises CsvError."""
    header, rows = read_rows(path)
    report = Report(source=str(path))
    unused = [h for h in header if h and h not in KNOWN and not _LANG_COLUMN.fullmatch(h)]
    if unused:
        report.notes.append(f"column(s) not used: {', '.join(unused)}")
    providers: dict[str, dict] = {}
    bad_providers: dict[str, str] = {}
    courses, seen = [], set()
    for line, row in rows:
        pid = row.get("provider_id", "")
        if pid and pid not in providers and pid not in bad_providers:
            _add_provider(row, providers, bad_providers)
        cid = row.get("id") or ""
        try:
            course = _checked_course(row, bad_providers.get(pid), cid in seen)
        except Rejected as exc:
            label = f"{cid} (row {line})" if cid else f"(row {line}, no id)"
            report.rejected.append((label, str(exc)))
            continue
        seen.add(cid)
        courses.append(course)
    if not rows:
        raise CsvError("The CSV has no course rows, so no feed was written.")
    if check.too_many_rejected(len(report.rejected), len(rows)):
        report.message = check.refused_share_message(len(report.rejected), len(rows)).replace(
            "nothing was loaded", "no feed was written")
        return None, report
    doc = _feed_document(publisher, providers, courses)
    report.ok, report.loaded, report.providers = True, len(courses), len(doc["providers"])
    bad = len(report.rejected)
    report.message = (f"Converted {len(courses)} courses from {report.providers} providers"
                      + (f"; {bad} row{'s' if bad != 1 else ''} rejected (listed below)."
                         if bad else "."))
    return doc, report


def _add_provider(row: dict, providers: dict, bad_providers: dict) -> None:
    """The row's provider, checked: into providers, or its reason into bad_providers."""
    pid = row["provider_id"]
    candidate = _prune({"id": pid, "name": row.get("provider_name") or None,
                        "type": (row.get("provider_type") or "").lower() or None,
                        "website": row.get("provider_website") or None,
                        "phone": row.get("provider_phone") or None})
    try:
        check.check_provider(candidate)
        providers[pid] = candidate
    except Rejected as exc:
        bad_providers[pid] = str(exc)


def _checked_course(row: dict, provider_problem: str | None, repeated: bool) -> dict:
    """The feed course of one row, checked as a refresh checks it; raises Rejected."""
    course = row_to_course(row)
    check.check_course(course)
    if provider_problem is not None:
        raise Rejected(f"provider {row.get('provider_id', '')}: {provider_problem}")
    if repeated:
        raise Rejected("the same id appears more than once; the first one is used")
    return course


def _feed_document(publisher: str, providers: dict, courses: list) -> dict:
    """A version-1 feed of the courses, with only the providers they use."""
    used = {c["provider"] for c in courses}
    return {"format": check.FORMAT, "version": check.VERSION,
            "generated_at": dt.datetime.now(dt.UTC).replace(microsecond=0)
            .isoformat().replace("+00:00", "Z"),
            "publisher": publisher,
            "providers": [p for pid, p in providers.items() if pid in used],
            "courses": courses}


def write_feed(doc: dict, out: Path) -> None:
    """Write the feed whole or not at all."""
    write_atomically(Path(out), json.dumps(doc, ensure_ascii=False, indent=1, allow_nan=False))
