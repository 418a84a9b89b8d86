"""Courses from a provider's web page: schema.org `Course` / `CourseInstance` and
`EducationalOccupationalProgram` markup (JSON-LD, microdata or RDFa, read by
kiosk/catalog/page_markup.py) mapped onto the feed format (docs/feed.md, "Web pages with
schema.org markup"). One CourseInstance is one course record (one group).

Only what the documented rules map is taken; every property that is present but cannot
be mapped is noted for that course ("<id>: …"), never guessed. A course that misses a
required field after mapping is rejected by the feed's own checks, with their reason.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from kiosk import vocab
from kiosk.catalog.check import FORMAT, VERSION
from kiosk.catalog.report import KEPT, FeedRefused

MAX_WALK_DEPTH = 12              # nesting followed when looking for Course items
MAX_COURSES = 20_000             # Course items read from one page
MAX_NOTES = 2_000
GOAL_WORDS = (                   # a word in keywords, about, teaches or the name -> goal
    ("diploma-secundair", ("diploma secundair", "secundair onderwijs", "tweedekans",
                           "aanvullende algemene vorming", "secondary school diploma")),
    ("nederlands", ("nederlands als tweede taal", "nt2", "dutch as a second language",
                    "nederlands")),
    ("basisvaardigheden", ("basiseducatie", "basisvaardigheden", "lezen en schrijven",
                           "rekenen", "geletterdheid")),
    ("digitaal", ("digitale vaardigheden", "digitaal", "computer", "smartphone", "ict")),
    ("hoger-onderwijs", ("graduaat", "hbo5", "bachelor")),
    ("talen", ("engels", "frans", "duits", "spaans", "italiaans", "english", "french")),
    ("beroep", ("beroepsopleiding", "vakopleiding", "beroepskwalificatie", "job",
                "opleiding tot")),
)
MODES = {"klassikaal": ("onsite", "on-site", "on site", "in person", "inperson", "in-person",
                        "classroom", "face-to-face", "klassikaal", "offline"),
         "afstand": ("online", "distance", "afstand", "e-learning", "elearning", "remote"),
         "combinatie": ("blended", "hybrid", "mixed", "combinatie")}
OUTCOME_WORDS = (("diploma-secundair", ("diploma secundair", "secundair onderwijs")),
                 ("diploma-hoger", ("bachelor", "graduaat", "master")),
                 ("deelcertificaat", ("deelcertificaat",)),
                 ("beroepskwalificatie", ("beroepskwalificatie",)),
                 ("certificaat", ("certificaat", "certificate")),
                 ("attest", ("attest", "getuigschrift")))
WEEKEND = ("saturday", "sunday")
COURSE_TYPES = ("Course", "EducationalOccupationalProgram")
PROGRAM = "EducationalOccupationalProgram"
PROGRAM_GOAL = "beroep"          # a program that trains for an occupation
TIME_OF_DAY = {"morning": "dag", "afternoon": "dag", "daytime": "dag", "evening": "avond",
               "night": "avond", "weekend": "weekend"}
EVENING_FROM = 17                # a group starting at 17:00 or later meets in the evening


def page_to_feed(path: Path, publisher: str, own_provider: str | None,
                 max_bytes: int = 200_000_000, defaults=None,
                 reader=None) -> tuple[dict, list[str]]:
    """A feed document of the page's courses, and the notes of what was not mapped.
    `own_provider`: the provider the page speaks for (its source lists only that one);
    else each course's provider.identifier names it; `defaults`: the source's defaults
    (kiosk/catalog/source_defaults.py); `reader`: a kiosk.catalog.page_worker.PageReader
    to read the page in a capped child process. Raises FeedRefused."""
    from kiosk.catalog import page_markup, page_worker, source_defaults
    if path.stat().st_size > max_bytes:
        raise FeedRefused(f"The page is larger than the allowed {max_bytes / 1e6:g} MB "
                          f"(setting catalog.max_bytes). {KEPT}")
    if reader is not None:
        try:
            read = reader.read(path, "", own_provider)
        except page_worker.PageFailed as exc:
            raise FeedRefused(f"The page could not be read: {exc}. {KEPT}") from None
        courses, providers, notes = read["courses"], read["providers"], read["notes"]
        dropped = [n for n in notes if ":" not in n.split(" ")[0]]
    else:
        page = page_markup.read_page(path.read_bytes(), "")
        courses, providers, notes = page_records(page["items"], own_provider)
        notes, dropped = page["notes"] + notes, page["notes"]
    if not courses:
        raise FeedRefused(no_courses_reason(dropped) + " " + KEPT)
    used: dict = {}
    for course in courses:
        notes += source_defaults.apply(course, defaults, used)
    source_defaults.provider_types(providers, defaults)
    doc = {"format": FORMAT, "version": VERSION,
           "generated_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
           "publisher": publisher, "providers": list(providers.values()), "courses": courses}
    return doc, notes[:MAX_NOTES]


def no_courses_reason(page_notes: list) -> str:
    """The one line for a page without courses, with why markup was dropped, if it was."""
    why = "; ".join(page_notes[:3])
    return "The page has no schema.org Course markup" + (f" that could be read ({why})."
                                                         if why else ".")


def page_records(items: list, own_provider: str | None) -> tuple[list, dict, list]:
    """(feed courses, providers by id, notes) of a page's items. Each course keeps the
    provider's own words (keywords, categories, breadcrumbs) under "_words" for the
    source's defaults, which take them out again."""
    courses, providers, notes = [], {}, []
    crumbs = [w for item in items for w in _breadcrumbs(item)]
    for item in _courses_in(items, 0):
        for course, said in _records(item, own_provider, providers, len(courses)):
            if len(courses) >= MAX_COURSES:      # each course instance is one record
                raise FeedRefused(f"The page has more than {MAX_COURSES} courses. {KEPT}")
            course["_words"] = course["_words"] + crumbs
            courses.append(course)
            notes += said
    return courses, providers, notes


def _breadcrumbs(item) -> list:
    if not isinstance(item, dict) or "BreadcrumbList" not in _types(item):
        return []
    return [w for e in _many(item.get("itemListElement"))[:20] if isinstance(e, dict)
            for w in [_text(e.get("name")) or _text(e.get("item"))] if w and len(w) < 100]


def _types(item) -> set[str]:
    kind = item.get("@type") if isinstance(item, dict) else None
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.rsplit("/", 1)[-1] for k in kinds if isinstance(k, str)}


def _courses_in(value, depth: int):
    """Course items anywhere in the markup (@graph, ItemList, lists), depth-limited."""
    if depth > MAX_WALK_DEPTH:
        return
    if isinstance(value, list):
        for item in value:
            yield from _courses_in(item, depth + 1)
    elif isinstance(value, dict):
        if _types(value) & set(COURSE_TYPES):
            yield value
            return
        for key in ("@graph", "itemListElement", "item", "mainEntity"):
            if key in value:
                yield from _courses_in(value[key], depth + 1)


# ---------------------------------------------------------------- small readers

def _many(value) -> list:
    return value if isinstance(value, list) else [] if value is None else [value]


def _text(value) -> str | None:
    """A plain text value (the first of a list, the @value or name of an object)."""
    value = _many(value)[0] if isinstance(value, list) and value else value
    if isinstance(value, dict):
        value = value.get("@value", value.get("name"))
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    return value.strip() if isinstance(value, str) and value.strip() else None


def _words(*values) -> str:
    parts = []
    for value in values:
        for one in _many(value):
            text = _text(one)
            if text:
                parts.append(text.lower())
    return " | ".join(parts)


def _first_match(text: str, table) -> str | None:
    for value, words in table:
        if any(re.search(rf"\b{re.escape(w)}\b", text) for w in words):
            return value
    return None


def _day(value) -> str | None:
    text = _text(value)
    try:
        return dt.date.fromisoformat(text[:10]).isoformat() if text else None
    except ValueError:
        return None


def _number(value) -> float | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return float(text.replace("€", "").replace(" ", "").replace(",", "."))
    except ValueError:
        return None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60] or "course"


# ---------------------------------------------------------------- one Course

def _records(course: dict, own: str | None, providers: dict, position: int):
    """(feed course, notes) for each CourseInstance of a Course (or the Course alone)."""
    base = _text(course.get("courseCode")) or _text(course.get("identifier")) \
        or _slug(_text(course.get("name")) or f"course-{position}")
    provider = own or _text((course.get("provider") or {}).get("identifier")
                            if isinstance(course.get("provider"), dict) else None)
    program = PROGRAM in _types(course)
    instances = [i for i in _many(course.get("hasCourseInstance")) if isinstance(i, dict)]
    for n, instance in enumerate(instances or [{}], 1):
        part = _text(instance.get("identifier")) or _day(instance.get("startDate")) or str(n)
        cid = f"{base}-{part}" if instances else base
        notes: list[str] = []
        record = _common(course, cid, provider, notes)
        _instance(instance or course, record, notes)
        if program:
            _program(course, record, notes)
        elif not instances:
            notes.append("no hasCourseInstance: start dates, times and place read from the Course")
        if provider:
            _provider(course.get("provider"), provider, providers)
        else:
            notes.append("no provider id (provider.identifier), and the source speaks for "
                         "more than one provider")
        yield record, [f"{cid}: {note}" for note in notes]


def _common(course: dict, cid: str, provider: str | None, notes: list) -> dict:
    name, about = _text(course.get("name")), course.get("about")
    record = {"id": cid, "provider": provider, "title": {"nl": name} if name else {}}
    description = _text(course.get("description"))
    if description:
        record["summary"] = {"nl": description[:2000]}
    own = [w.strip() for w in _words(course.get("keywords")).replace(",", "|").split("|")]
    own += [w for w in _words(about, course.get("teaches"), course.get("occupationalCategory"),
                              course.get("programType"), course.get("educationalLevel"))
            .split(" | ") if w]
    record["_words"] = [w for w in own if w][:50]
    goal = _first_match(_words(course.get("keywords"), about, course.get("teaches"),
                               name), GOAL_WORDS)
    if goal:
        record["goals"] = [goal]
    elif PROGRAM in _types(course):
        record["goals"] = [PROGRAM_GOAL]
    credential = course.get("educationalCredentialAwarded") \
        or course.get("occupationalCredentialAwarded")
    if credential is not None:
        outcome = _first_match(_words(credential, (credential or {}).get("credentialCategory")
                                      if isinstance(credential, dict) else None),
                               OUTCOME_WORDS)
        if outcome:
            record["outcome"] = outcome
        else:
            notes.append(f"educationalCredentialAwarded {_words(credential)[:60]!r} not mapped")
    if course.get("coursePrerequisites") is not None:
        notes.append("coursePrerequisites not mapped (give requires in a feed)")
    language = _text(course.get("inLanguage"))
    if language:
        record["language"] = language[:10]
    verified = _day(course.get("dateModified"))
    if verified:
        record["last_verified"] = verified
    return record


def _instance(instance: dict, record: dict, notes: list) -> None:
    """Format, start, times, place, price and link of one group."""
    mode = _words(instance.get("courseMode"), instance.get("educationalProgramMode"))
    fmt = next((f for f, words in MODES.items() if any(w in mode for w in words)), None)
    locations = [p for p in _many(instance.get("location")) if isinstance(p, dict)]
    if fmt is None and locations and all("VirtualLocation" in _types(p) for p in locations):
        fmt = "afstand"
    if fmt:
        record["format"] = fmt
    else:
        notes.append(f"courseMode {mode[:40]!r} not mapped" if mode else "no courseMode")
    start = _day(instance.get("startDate"))
    if start:
        record["start_dates"] = [start]
        end = _day(instance.get("endDate"))
        if end and end > start:
            days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days
            record["duration_weeks"] = max(1, round(days / 7))
    else:
        notes.append("no startDate")
    if PROGRAM not in _types(instance):
        record["times"] = _times(instance.get("courseSchedule"), notes)
    _place(locations, record, notes)
    _price(instance.get("offers"), record, notes)
    url = _text(instance.get("url"))
    if url and url.startswith(("https://", "http://")):
        record["url"] = url


def _times(schedules, notes: list) -> list:
    times = []
    for schedule in (s for s in _many(schedules) if isinstance(s, dict)):
        days = [_text(d).rsplit("/", 1)[-1].lower() for d in _many(schedule.get("byDay"))
                if _text(d)]
        start = re.search(r"(\d{1,2}):\d{2}", _text(schedule.get("startTime")) or "")
        for day in days or [""]:
            if day in WEEKEND:
                times.append("weekend")
            elif start:
                times.append("avond" if int(start[1]) >= EVENING_FROM else "dag")
            else:
                notes.append("courseSchedule without startTime: times not mapped")
    if not schedules:
        notes.append("no courseSchedule: times not mapped")
    return sorted(set(times), key=vocab.TIMES.index)


def _place(locations: list, record: dict, notes: list) -> None:
    place = next((p for p in locations if "VirtualLocation" not in _types(p)), None)
    if place is None:
        notes.append("no location with an address")
        return
    address = place.get("address")
    if not isinstance(address, dict):
        notes.append("location.address is not a PostalAddress: not mapped")
        address = {}
    location = {"name": _text(place.get("name")), "street": _text(address.get("streetAddress")),
                "postcode": _text(address.get("postalCode")),
                "city": _text(address.get("addressLocality"))}
    geo = place.get("geo") if isinstance(place.get("geo"), dict) else {}
    lat, lon = _number(geo.get("latitude")), _number(geo.get("longitude"))
    if lat is not None and lon is not None:
        location.update(lat=lat, lon=lon)
    record["location"] = {k: v for k, v in location.items() if v is not None}


def _price(offers, record: dict, notes: list) -> None:
    offers = [o for o in _many(offers) if isinstance(o, dict)]
    if not offers:
        return
    offer = offers[0]
    currency = (_text(offer.get("priceCurrency")) or "EUR").upper()
    price = _number(offer.get("price"))
    if currency != "EUR" or price is None or price < 0:
        notes.append(f"offers price {_text(offer.get('price'))!r} {currency} not mapped")
        return
    record["cost"] = {"eur": price}
    if len(offers) > 1:
        notes.append(f"{len(offers)} offers: the first one's price is used")


def _provider(value, pid: str, providers: dict) -> None:
    """The provider's record in the feed, from the first course that names it."""
    if pid in providers:
        return
    value = value if isinstance(value, dict) else {}
    website = _text(value.get("url"))
    providers[pid] = {"id": pid, "name": _text(value.get("name")) or pid, "type": "andere",
                      "website": website if website and website.startswith("http") else None,
                      "phone": _text(value.get("telephone"))}


def _program(program: dict, record: dict, notes: list) -> None:
    """What an EducationalOccupationalProgram says beyond a Course: when it meets
    (timeOfDay, dayOfWeek), and the provider's address when no location is given."""
    times = set()
    for word in _words(program.get("timeOfDay")).replace(",", "|").split("|"):
        word = word.strip().rsplit("/", 1)[-1]
        if word in TIME_OF_DAY:
            times.add(TIME_OF_DAY[word])
        elif word:
            notes.append(f"timeOfDay {word[:30]!r} not mapped")
    days = {d.rsplit("/", 1)[-1] for d in _words(program.get("dayOfWeek")).split(" | ") if d}
    if days and days <= set(WEEKEND):
        times.add("weekend")
    record["times"] = sorted(times, key=vocab.TIMES.index)
    if not times:
        notes.append("no timeOfDay: times not mapped")
    provider = program.get("provider")
    if "location" not in record and isinstance(provider, dict) \
            and isinstance(provider.get("address"), dict):
        _place([{"address": provider["address"], "name": provider.get("name")}], record, notes)
        notes.append("place taken from the provider's address")
    if program.get("programPrerequisites") is not None:
        notes.append("programPrerequisites not mapped (give requires in a feed)")
