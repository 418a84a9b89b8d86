"""The practical facts of one course, in the visitor's language: when and how, the start
dates still to come, where, how far, the price, access and a phone number.

Plain text lines; the screen only lays them out. The values are said with the words of
kiosk/text/words.py, like the reasons of a result.
"""
from __future__ import annotations

from datetime import date

from kiosk import clock, vocab
from kiosk.guidance import fees
from kiosk.text import words
from kiosk.text.i18n import LIST_SEPARATOR, gettext_for, join_list, ngettext_for

UPCOMING_SHOWN = 3          # start dates listed on the detail screen


def upcoming_starts(course: dict, today: date, limit: int = UPCOMING_SHOWN) -> list[date]:
    """The course's start dates on or after today, the first `limit` of them."""
    iso = today.isoformat()
    return [date.fromisoformat(d) for d in course.get("start_dates") or () if d >= iso][:limit]


def day_text(day: date) -> str:
    """A date as the kiosk writes it: 1/2/2027."""
    return f"{day.day}/{day.month}/{day.year}"


def visitor_cost(course: dict, statuses) -> tuple[str, str | None]:
    """What the course costs THIS visitor (docs/matching.md, "What you pay"): "free",
    "reduced", "full" or "unknown", with the status that makes it free or reduced. Any
    of the visitor's statuses counts (the first, in the order given: matching gives them
    in vocabulary order); kiosk/guidance/ranking.py's cost_sql is the same rule in SQL."""
    statuses = statuses or ()
    free_for, reduced_for = course.get("free_for") or (), course.get("reduced_for") or ()
    free = next((s for s in statuses if s in free_for), None)
    if course.get("cost_eur") == 0 or free:
        return "free", free
    reduced = next((s for s in statuses if s in reduced_for), None)
    if reduced:
        return "reduced", reduced
    return ("unknown" if course.get("cost_eur") is None else "full"), None


def as_reason(price: str) -> str:
    """A price line as one of a result's reasons (they start in lower case)."""
    return price[:1].lower() + price[1:]


def _euro(value: float) -> str:
    return f"{value:.0f}"            # whole euros, as everywhere on the kiosk


def visitor_price(course: dict, statuses, _, provider_type: str | None = None,
                  answers: dict | None = None, today: date | None = None) -> str:
    """One line: what THIS visitor pays, and why, in the visitor's language (`_`). The
    rules of kiosk/guidance/fees.py decide where they cover the course or route (the
    provider's type and the visitor's answers tell them enough); else the feed's price."""
    visitor = fees.Visitor.from_answers(answers, statuses)
    route = fees.route_sentence(course, visitor, _, today)
    if route:
        return route
    ruled = fees.course_price(course, provider_type, visitor, today)
    if ruled.kind != "feed":
        fee = ruled.eur if ruled.kind == "eur" else None
        return ". ".join(t for t in (fees.sentence(ruled, visitor, _),
                                     fees.cheques_sentence(course, visitor, fee, _, today))
                         if t)
    cost, status = visitor_cost(course, statuses)
    eur = course.get("cost_eur")
    because = words.BECAUSE.get(status)
    if cost == "free":
        if status is None:
            return _("Gratis")
        return (_("Gratis voor jou: {why}").format(why=_(because)) if because
                else _("Gratis voor jou"))
    if cost == "reduced":
        text = (_("Voor jou goedkoper dan {eur} euro: vraag hoeveel").format(eur=_euro(eur))
                if eur is not None else _("Voor jou goedkoper: vraag hoeveel"))
    elif cost == "unknown":
        return _("Vraag de prijs na")
    elif statuses:
        text = _("Jij betaalt {eur} euro").format(eur=_euro(eur))
    else:
        text = _("Prijs: {eur} euro").format(eur=_euro(eur))
        if course.get("free_for"):
            text += "; " + _(LIST_SEPARATOR).join(_(words.FREE_FOR[s]) for s in vocab.STATUSES
                                                   if s in course["free_for"])
    cheques = fees.cheques_sentence(course, visitor, eur, _, today)
    return text + ". " + cheques if cheques else text


def _when_and_how(course: dict, _, lang) -> str:
    if course.get("kind") and course.get("format") == "afstand":
        return ""                  # a route you reach online or by phone: no lessons
    when = [_(words.TIMES[t]) for t in course.get("times") or [] if t in words.TIMES]
    how = [_(words.FORMATS[course["format"]])] if course.get("format") in words.FORMATS else []
    return _("Wanneer en hoe: {what}").format(what=join_list(when + how, lang)) if when or how else ""


def _start(course: dict, today: date, _, lang) -> str:
    if course.get("flexible_start"):
        return _("Je kan op elk moment starten.")
    upcoming = upcoming_starts(course, today)
    if not upcoming:
        return ""
    return _("Start: {dates}").format(dates=join_list((day_text(d) for d in upcoming), lang))


def _place(course: dict) -> str:
    town = f"{course.get('postcode') or ''} {course.get('city') or ''}".strip()
    return ", ".join(p for p in (course.get("location_name"), course.get("street"), town) if p)


def _price_line(course: dict, provider: dict, statuses, _, answers, today) -> str:
    """The price line; an unknown price of a course the rules do not cover is left out."""
    price = visitor_price(course, statuses, _, provider.get("type"), answers, today)
    unknown = price == _("Vraag de prijs na") and visitor_cost(course, statuses)[0] == "unknown"
    return "" if unknown else price


# a whole number that takes the plural form a fraction (4.5 hours) takes: in Arabic the
# form of 100 (2 would pick the dual, "two hours", and drop the number), else that of 2
FRACTION_COUNT = {"ar": 100}


def _count(value: float, lang: str | None) -> int:
    """The count ngettext picks the plural form by: the number itself when whole."""
    return int(value) if float(value).is_integer() else FRACTION_COUNT.get(lang, 2)


def practical_facts(course: dict, provider: dict, distance_km: float | None,
                    lang: str | None, today: date | None = None,
                    statuses=None, answers: dict | None = None) -> list[str]:
    """The lines of the detail screen's 'practical' part, in order; missing facts are
    left out. statuses: the visitor's (answers `status`), for the price they pay;
    answers: the rest of the visitor's answers the fee rules read (diploma, postcode)."""
    _, ngettext = gettext_for(lang), ngettext_for(lang)
    statuses = [s for s in vocab.STATUSES if s in (statuses or ())]
    today = today or clock.today()
    place = _place(course)
    lines = [
        _when_and_how(course, _, lang),
        ngettext("{hours} uur per week", "{hours} uur per week",
                 _count(course["hours_per_week"], lang))
        .format(hours=f"{course['hours_per_week']:g}") if course.get("hours_per_week") else "",
        ngettext("{weeks} week", "{weeks} weken", course["duration_weeks"])
        .format(weeks=course["duration_weeks"]) if course.get("duration_weeks") else "",
        _start(course, today, _, lang),
        _("Waar: {place}").format(place=place) if place else "",
        _("Afstand: {km} km").format(km=f"{distance_km:.0f}") if distance_km is not None else "",
        _price_line(course, provider, statuses, _, answers, today),
        _("Toegankelijk met een rolstoel") if course.get("wheelchair") else "",
        _("Er is kinderopvang") if course.get("childcare") else "",
        _("Telefoon: {phone}").format(phone=provider["phone"]) if provider.get("phone") else "",
    ]
    return [line for line in lines if line]
