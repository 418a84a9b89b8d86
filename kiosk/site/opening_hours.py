"""Opening hours of the site (`[site] open` in the site config): is the kiosk open now,
and when does it open next. An empty table means always open.

The table maps a weekday (mon … sun) to one or more ranges, e.g.
`open = {mon = "09:00-12:00, 13:00-17:00", wed = "13:00-19:00"}`; a day not listed is
closed. Times are the kiosk's local time.
"""
from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from kiosk.text.i18n import N_

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_WORDS = (N_("maandag"), N_("dinsdag"), N_("woensdag"), N_("donderdag"), N_("vrijdag"),
             N_("zaterdag"), N_("zondag"))
_RANGE = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

Ranges = dict[int, list[tuple[time, time]]]


def _clock(hours: str, minutes: str, text: str) -> time:
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        return time.max
    if h > 23 or m > 59:
        raise ValueError(f"'{text}' is not a time of day.")
    return time(h, m)


def parse(table: dict) -> Ranges:
    """{weekday number: [(start, end), …]}; raises ValueError saying what is wrong."""
    out: Ranges = {}
    for day, text in table.items():
        if day not in DAYS:
            raise ValueError(f"'{day}' is not a weekday; use one of {', '.join(DAYS)}.")
        if not isinstance(text, str):
            raise ValueError(f"Opening hours for {day} must be text like \"09:00-17:00\".")
        ranges = []
        for part in filter(None, (p.strip() for p in text.split(","))):
            found = _RANGE.match(part)
            if not found:
                raise ValueError(f"'{part}' ({day}) is not a range like 09:00-17:00.")
            start = _clock(found[1], found[2], part)
            end = _clock(found[3], found[4], part)
            if end <= start:
                raise ValueError(f"'{part}' ({day}) ends before it starts.")
            ranges.append((start, end))
        out[DAYS.index(day)] = sorted(ranges)
    return out


def is_open(table: dict, now: datetime) -> bool:
    if not table:
        return True
    return any(start <= now.time() < end
               for start, end in parse(table).get(now.weekday(), []))


def next_opening(table: dict, now: datetime) -> datetime | None:
    """When the site opens next after `now` (None: always open, or never)."""
    if not table:
        return None
    ranges = parse(table)
    for ahead in range(8):
        day = (now + timedelta(days=ahead)).date()
        for start, _end in ranges.get(day.weekday(), []):
            when = datetime.combine(day, start, tzinfo=now.tzinfo)
            if when > now:
                return when
    return None


def next_change(table: dict, now: datetime) -> datetime | None:
    """The next moment the site opens or closes (None when that never happens)."""
    if not table:
        return None
    moments, ranges = [], parse(table)
    for ahead in range(8):
        day = (now + timedelta(days=ahead)).date()
        for start, end in ranges.get(day.weekday(), []):
            moments.append(datetime.combine(day, start, tzinfo=now.tzinfo))
            moments.append(datetime.combine(day, end, tzinfo=now.tzinfo)
                           if end != time.max else
                           datetime.combine(day + timedelta(days=1), time(0), tzinfo=now.tzinfo))
    later = [m for m in moments if m > now]
    return min(later) if later else None


def day_word(when: datetime, now: datetime) -> str:
    """How a visitor says the day of `when`: today, tomorrow or the weekday (a Dutch
    msgid, translated where it is shown)."""
    days = (when.date() - now.date()).days
    if days == 0:
        return N_("vandaag")
    if days == 1:
        return N_("morgen")
    return DAY_WORDS[when.weekday()]


# weekday names as CLDR abbreviates them (Babel's get_day_names("abbreviated")); Arabic
# has no short form
DAY_SHORT = {
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "fr": ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."),
    "ar": ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"),
    "uk": ("пн", "вт", "ср", "чт", "пт", "сб", "нд"),
}
_LIST = {"ar": "، "}                   # the comma between days and between ranges
_DAY_RUN = {"ar": "{first} إلى {last}"}   # three or more days in a row


def _clock_text(moment: time) -> str:
    return "24:00" if moment == time.max else moment.strftime("%H:%M")


def _days_text(days: list[int], lang: str) -> str:
    names = DAY_SHORT.get(lang, DAY_SHORT["nl"])
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    words = []
    for run in runs:
        if len(run) >= 3:
            words.append(_DAY_RUN.get(lang, "{first}–{last}").format(
                first=names[run[0]], last=names[run[-1]]))
        else:
            words += [names[day] for day in run]
    return _LIST.get(lang, ", ").join(words)


def describe(table: dict, lang: str) -> list[str]:
    """Opening hours for a visitor, in their language and script, one line per set of
    hours: days with the same hours share a line ("di, do 13:00–17:00", "ma–vr 09:00–12:00").
    Empty for an empty table."""
    ranges = parse(table)
    groups: dict[tuple, list[int]] = {}
    for day in sorted(ranges):
        if ranges[day]:
            groups.setdefault(tuple(ranges[day]), []).append(day)
    comma = _LIST.get(lang, ", ")
    return [_days_text(days, lang) + " " + comma.join(f"{_clock_text(a)}–{_clock_text(b)}"
                                                       for a, b in spans)
            for spans, days in groups.items()]


def visitor_hours(site, lang: str) -> list[str]:
    """The Leerwinkel's hours for a visitor: the structured `[site] hours` in their
    language, else the free text `opening_hours` of an older config (as written)."""
    if site.hours:
        return describe(site.hours, lang)
    return [site.opening_hours] if site.opening_hours else []
