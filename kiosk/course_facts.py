"""The practical facts of one course, in the visitor's language: when and how, the start
dates still to come, where, how far, the price, access and a phone number.

Plain text lines; the screen only lays them out. The values are said with the words of
kiosk/words.py, like the reasons of a result.
"""
from __future__ import annotations

from datetime import date

from . import clock, words
from .i18n import gettext_for, join_list, ngettext_for

UPCOMING_SHOWN = 3          # start dates listed on the detail screen


def upcoming_starts(course: dict, today: date, limit: int = UPCOMING_SHOWN) -> list[date]:
    """The course's start dates on or after today, the first `limit` of them."""
    iso = today.isoformat()
    return [date.fromisoformat(d) for d in course.get("start_dates") or () if d >= iso][:limit]


def day_text(day: date) -> str:
    """A date as the kiosk writes it: 1/2/2027."""
    return f"{day.day}/{day.month}/{day.year}"


def price_text(course: dict, lang: str | None) -> str:
    """The course's price in whole euros; empty when the feed gives none."""
    if course.get("cost_eur") is None:
        return ""
    _ = gettext_for(lang)
    return _("Prijs: {eur} euro").format(eur=f"{course['cost_eur']:.0f}")


def _when_and_how(course: dict, _, lang) -> str:
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


def _count(value: float) -> int:
    """The plural form a number takes: 1 is singular, 1.5 is not."""
    return int(value) if float(value).is_integer() else 2


def practical_facts(course: dict, provider: dict, distance_km: float | None,
                    lang: str | None, today: date | None = None) -> list[str]:
    """The lines of the detail screen's 'practical' part, in order; missing facts are
    left out."""
    _, ngettext = gettext_for(lang), ngettext_for(lang)
    today = today or clock.today()
    place = _place(course)
    lines = [
        _when_and_how(course, _, lang),
        ngettext("{hours} uur per week", "{hours} uur per week", _count(course["hours_per_week"]))
        .format(hours=f"{course['hours_per_week']:g}") if course.get("hours_per_week") else "",
        ngettext("{weeks} week", "{weeks} weken", course["duration_weeks"])
        .format(weeks=course["duration_weeks"]) if course.get("duration_weeks") else "",
        _start(course, today, _, lang),
        _("Waar: {place}").format(place=place) if place else "",
        _("Afstand: {km} km").format(km=f"{distance_km:.0f}") if distance_km is not None else "",
        price_text(course, lang),
        _("Toegankelijk met een rolstoel") if course.get("wheelchair") else "",
        _("Er is kinderopvang") if course.get("childcare") else "",
        _("Telefoon: {phone}").format(phone=provider["phone"]) if provider.get("phone") else "",
    ]
    return [line for line in lines if line]
