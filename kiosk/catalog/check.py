"""The rules of the feed (docs/feed.md): its header, one provider, one course, and how
many rejected courses a feed may have before it is refused whole.

`check_course` turns one feed course into its catalog row, or raises Rejected with the
first reason it finds. The fields are checked in a fixed order, so a course that breaks
several rules always gets the same reason.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata

from kiosk import vocab
from kiosk.catalog.check_routes import follow_up_columns, route_columns
from kiosk.catalog.limits import LIMITS, Limits
from kiosk.catalog.report import KEPT, FeedRefused, Rejected
from kiosk.text.printable import is_clean, quoted
from kiosk.vocab import Postcode

FORMAT = "leerwinkel-catalog"
VERSION = 1
MAX_REJECTED_SHARE = 0.20        # more than this share of bad courses refuses the feed

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


# ---------------------------------------------------------------- the document

def check_header(header: dict, providers, saw_courses: bool) -> None:
    """Refuse a document that is not a version-1 catalog feed with both lists."""
    fmt = header.get("format")
    if fmt != FORMAT:
        what = f"format {quoted(fmt)}" if isinstance(fmt, str) else "no format field"
        raise FeedRefused(f"This is not a Leerwinkel catalog feed ({what}). {KEPT}")
    version = header.get("version")
    if version != VERSION or isinstance(version, bool):
        raise FeedRefused(f"This feed is version {quoted(version)}; this kiosk reads version "
                          f"{VERSION}. {KEPT}")
    if providers is None:
        raise FeedRefused("The feed has no list of providers. " + KEPT)
    if not saw_courses:
        raise FeedRefused("The feed has no list of courses. " + KEPT)


def too_many_rejected(rejected: int, total: int) -> bool:
    return total > 0 and rejected / total > MAX_REJECTED_SHARE


def refused_share_message(rejected: int, total: int) -> str:
    return (f"Too many courses have errors ({rejected} of {total}, more than "
            f"{int(MAX_REJECTED_SHARE * 100)}%), so nothing was loaded.")


# ---------------------------------------------------------------- one field

MAX_NUMBER = 1_000_000_000      # hours, weeks, ages, euros: far above any real value


def _is_num(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _too_long(name: str, limit: int, setting: str) -> Rejected:
    return Rejected(f"{name} is longer than {limit} characters (limit catalog.{setting})")


def _name(value, missing: str, limit: int, setting: str, what: str) -> str:
    """A required, non-blank text such as a name, of at most limit characters."""
    if not isinstance(value, str) or not value.strip():
        raise Rejected(missing)
    if len(value) > limit:
        raise _too_long(what, limit, setting)
    return value


def _id(value, missing: str, limits: Limits, what: str = "id") -> str:
    """A required id in Unicode NFC, without invisible or control characters, so two ids
    that look the same are the same."""
    value = _name(value, missing, limits.max_id_chars, "max_id_chars", what)
    if not is_clean(value):
        raise Rejected(f"{what} {quoted(value)} has an invisible or control character")
    return unicodedata.normalize("NFC", value)


def _texts(value, name: str, need_nl: bool, limit: int, setting: str) -> dict:
    if value is None and not need_nl:
        return {}
    if not isinstance(value, dict):
        raise Rejected(f'{name} must be texts per language, like {{"nl": "..."}}')
    for lang, v in value.items():
        if not isinstance(v, str):
            raise Rejected(f'{name} must be texts per language, like {{"nl": "..."}}')
        if len(v) > limit:
            raise _too_long(f"{name}.{quoted(lang, 10)[1:-1]}", limit, setting)
    if need_nl and not value.get("nl", "").strip():
        raise Rejected(f"the Dutch {name} ({name}.nl) is missing")
    return value


def _choices(value, allowed: tuple, name: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Rejected(f"{name} must be a list")
    for item in value:
        if not isinstance(item, str) or item not in allowed:
            raise Rejected(f"{name} has unknown value {quoted(item)} "
                           f"(allowed: {', '.join(allowed)})")
    return value


def _one_of(value, allowed: tuple, name: str, required: bool = False):
    if value is None and not required:
        return None
    if value not in allowed:
        if value is None:
            raise Rejected(f"{name} is missing")
        raise Rejected(f"{name} {quoted(value)} is unknown (allowed: {', '.join(allowed)})")
    return value


def _flag(value, name: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise Rejected(f"{name} must be true or false")
    return int(value)


def _number(value, name: str, whole: bool = False):
    if value is None:
        return None
    if isinstance(value, list) and value and str(value[0]).startswith("not a usable number"):
        raise Rejected(f"{name} is {value[0]}")          # NaN, Infinity: kiosk/catalog/read.py
    if not _is_num(value) or not 0 <= value <= MAX_NUMBER or (whole and value != int(value)):
        raise Rejected(f"{name} must be a {'whole ' if whole else ''}number from 0 to "
                       f"{MAX_NUMBER:,}".replace(",", " "))
    return int(value) if whole else float(value)


def _text(value, name: str, limits: Limits = LIMITS, url: bool = False) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Rejected(f"{name} must be text")
    limit, setting = ((limits.max_url_chars, "max_url_chars") if url
                      else (limits.max_text_chars, "max_text_chars"))
    if len(value) > limit:
        raise _too_long(name, limit, setting)
    return value


def _dict(value, name: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Rejected(f"{name} must be an object")
    return value


# ---------------------------------------------------------------- groups of fields

def _goals(value) -> list:
    goals = _choices(value, vocab.GOALS, "goals")
    if not goals:
        raise Rejected("goals needs at least one goal")
    return goals


def _requires(value) -> tuple[int | None, int | None, int | None]:
    """The ranks of the required Dutch level and diploma, and the minimum age."""
    requires = _dict(value, "requires")
    dutch = _one_of(requires.get("dutch_level"), vocab.DUTCH_LEVELS, "requires.dutch_level")
    diploma = _one_of(requires.get("diploma"), vocab.DIPLOMAS, "requires.diploma")
    min_age = _number(requires.get("min_age"), "requires.min_age", whole=True)
    return (vocab.rank(vocab.DUTCH_LEVELS, dutch), vocab.rank(vocab.DIPLOMAS, diploma),
            min_age)


def _format_and_times(course: dict) -> tuple[str, list]:
    fmt = _one_of(course.get("format"), vocab.FORMATS, "format", required=True)
    if "times" not in course or not isinstance(course["times"], list):
        raise Rejected("times must be a list (empty only for 'afstand')")
    times = _choices(course["times"], vocab.TIMES, "times")
    if not times and fmt != "afstand":
        raise Rejected("times is empty; only 'afstand' courses may have no times")
    return fmt, times


def _start(course: dict) -> tuple[list, int | None]:
    """The start dates and the flexible-start flag; one of them must say when."""
    flexible = _flag(course.get("flexible_start"), "flexible_start")
    dates = course.get("start_dates")
    if dates is None:
        dates = []
    if not isinstance(dates, list):
        raise Rejected("start_dates must be a list of dates")
    for day in dates:
        _date(day, "start date")
    if not dates and not flexible:
        raise Rejected("no start_dates and no flexible_start: true")
    return dates, flexible


def _date(value, name: str) -> str:
    """An ISO date like 2027-02-01; raises Rejected naming the field."""
    try:
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            raise ValueError
        dt.date.fromisoformat(value)
    except ValueError:
        raise Rejected(f"{name} {quoted(value)} is not a date like 2027-02-01") from None
    return value


def _last_verified(value) -> str | None:
    """The day the provider last confirmed this course, or None."""
    return None if value is None else _date(value, "last_verified")


def _place(location: dict) -> tuple[str, float | None, float | None]:
    """The postcode and the coordinates (both or neither) of a course's location."""
    postcode = location.get("postcode")
    postcode = Postcode.parse(postcode)
    if postcode is None:
        raise Rejected("location.postcode must be a Belgian postcode of 4 digits")
    lat, lon = location.get("lat"), location.get("lon")
    if (lat is None) != (lon is None):
        raise Rejected("location has lat without lon or lon without lat")
    if lat is not None and not (_is_num(lat) and _is_num(lon)
                                and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise Rejected("location.lat/lon are not valid coordinates")
    return str(postcode), lat, lon


def _url(value, limits: Limits) -> str | None:
    url = _text(value, "url", limits, url=True)
    if url and not url.startswith(("https://", "http://")):
        raise Rejected("url must start with https:// or http://")
    return url


# ---------------------------------------------------------------- catalog columns

_dumps = json.JSONEncoder(ensure_ascii=False).encode   # one encoder: much faster than dumps
_quote = json.encoder.encode_basestring                 # the string encoder _dumps uses


def _texts_json(texts: dict) -> str:
    """The JSON _dumps gives for texts per language, built without its setup per call."""
    try:
        return "{" + ", ".join([_quote(k) + ": " + _quote(v) for k, v in texts.items()]) + "}"
    except TypeError:              # a key that is not text (only from Python callers)
        return _dumps(texts)


def _words(values: list) -> str:
    """JSON of a list of checked words (vocabulary values, ISO dates): nothing to escape."""
    return '["' + '", "'.join(values) + '"]' if values else "[]"


def _bits(values: tuple) -> dict:
    return {v: 1 << i for i, v in enumerate(values)}


_GOAL_BITS, _TIME_BITS = _bits(vocab.GOALS), _bits(vocab.TIMES)


def _cost_columns(cost: dict) -> dict:
    return {
        "cost_eur": _number(cost.get("eur"), "cost.eur"),
        "free_for": _words(_choices(cost.get("free_for"), vocab.STATUSES, "cost.free_for")),
        "reduced_for": _words(_choices(cost.get("reduced_for"), vocab.STATUSES,
                                       "cost.reduced_for")),
        "opleidingscheques": _flag(cost.get("opleidingscheques"), "cost.opleidingscheques"),
        "opleidingsverlof": _flag(cost.get("opleidingsverlof"), "cost.opleidingsverlof"),
        "price_for": _price_for(cost.get("price_for")),
        "material_eur": _number(cost.get("material_eur"), "cost.material_eur"),
    }


def _price_for(value) -> str | None:
    """cost.price_for: {status: euro} the provider states for that group (JSON text)."""
    if value is None:
        return None
    if not isinstance(value, dict) or not value:
        raise Rejected("cost.price_for must be an object of status: euro")
    for status, eur in value.items():
        _one_of(status, vocab.STATUSES, "cost.price_for status", required=True)
        if not _is_num(eur) or eur < 0:
            raise Rejected(f"cost.price_for.{status} must be a number of 0 or more")
    return json.dumps({s: float(value[s]) for s in vocab.STATUSES if s in value})


def _fee_columns(course: dict) -> dict:
    """What the fee rules read (docs/rules.md); all optional."""
    periods = _number(course.get("lesson_periods"), "lesson_periods", whole=True)
    if periods is not None and periods > 10_000:
        raise Rejected("lesson_periods must be at most 10000")
    richtgraad = course.get("richtgraad")
    if richtgraad is not None and (isinstance(richtgraad, bool)
                                   or richtgraad not in vocab.RICHTGRADEN):
        raise Rejected("richtgraad must be 1, 2, 3 or 4")
    return {"lesson_periods": periods,
            "study_area": _one_of(course.get("study_area"), vocab.STUDY_AREAS, "study_area"),
            "richtgraad": richtgraad,
            "region": _one_of(course.get("region"), vocab.FEE_REGIONS, "region")}


def _location_columns(location: dict, postcode: str, lat, lon, limits: Limits) -> dict:
    return {
        "location_name": _text(location.get("name"), "location.name", limits),
        "street": _text(location.get("street"), "location.street", limits),
        "postcode": postcode,
        "city": _text(location.get("city"), "location.city", limits),
        "lat": float(lat) if lat is not None else None,
        "lon": float(lon) if lon is not None else None,
        "coords_from_postcode": 0,
    }


def _access_columns(access: dict) -> dict:
    return {"wheelchair": _flag(access.get("wheelchair"), "accessibility.wheelchair"),
            "childcare": _flag(access.get("childcare"), "accessibility.childcare")}


# ---------------------------------------------------------------- one course, one provider

def check_course(course, limits: Limits = LIMITS) -> dict:
    """The catalog row of one feed course; raises Rejected with the reason when it
    breaks the rules of docs/feed.md. The provider's existence and coordinates from the
    postcode are not checked here (the caller knows the providers)."""
    if not isinstance(course, dict):
        raise Rejected("a course must be an object")
    cid = _id(course.get("id"), "the course has no id", limits)
    if not vocab.valid_course_id(cid):
        raise Rejected(f"id {quoted(cid)} is not a course id a booking link can carry: "
                       f"{vocab.COURSE_ID_RULE}")
    provider = _id(course.get("provider"), "provider is missing", limits, "provider")
    title = _texts(course.get("title"), "title", True, limits.max_title_chars,
                   "max_title_chars")
    summary = _texts(course.get("summary"), "summary", False, limits.max_summary_chars,
                     "max_summary_chars")
    goals = _goals(course.get("goals"))
    outcome = _one_of(course.get("outcome"), vocab.OUTCOMES, "outcome")
    req_dutch, req_diploma, min_age = _requires(course.get("requires"))
    fmt, times = _format_and_times(course)
    dates, flexible = _start(course)
    cost = _dict(course.get("cost"), "cost")
    location = _dict(course.get("location"), "location")
    postcode, lat, lon = _place(location)
    access = _dict(course.get("accessibility"), "accessibility")
    url = _url(course.get("url"), limits)
    verified = _last_verified(course.get("last_verified"))
    return {
        "id": cid, "provider": provider,
        "title": _texts_json(title), "title_nl": title["nl"],
        "summary": _texts_json(summary), "summary_nl": summary.get("nl"),
        "goals": _words(goals), "goals_mask": sum(_GOAL_BITS[g] for g in set(goals)),
        "outcome": outcome, "req_dutch": req_dutch, "req_diploma": req_diploma,
        "min_age": min_age,
        "language": _text(course.get("language"), "language", limits),
        "format": fmt,
        "times": _words(times), "times_mask": sum(_TIME_BITS[t] for t in set(times)),
        "hours_per_week": _number(course.get("hours_per_week"), "hours_per_week"),
        "duration_weeks": _number(course.get("duration_weeks"), "duration_weeks", whole=True),
        "start_dates": _words(sorted(dates)), "last_start": max(dates) if dates else None,
        "flexible_start": flexible or 0,
        **_cost_columns(cost), **_fee_columns(course),
        **_location_columns(location, postcode, lat, lon, limits),
        **_access_columns(access),
        "url": url, "last_verified": verified,
        **route_columns(course), **follow_up_columns(course),
    }


def check_provider(provider, limits: Limits = LIMITS) -> dict:
    """The providers row of one feed provider; raises Rejected with the reason."""
    if not isinstance(provider, dict):
        raise Rejected("a provider must be an object")
    pid = _id(provider.get("id"), "the provider has no id", limits)
    name = _name(provider.get("name"), "the provider has no name", limits.max_title_chars,
                 "max_title_chars", "name")
    ptype = provider.get("type") or "andere"
    _one_of(ptype, vocab.PROVIDER_TYPES, "type", required=True)
    ptype = vocab.OLD_PROVIDER_TYPES.get(ptype, ptype)
    return {"id": pid, "name": name, "type": ptype,
            "website": _text(provider.get("website"), "website", limits, url=True),
            "phone": _text(provider.get("phone"), "phone", limits)}
