"""Why a course is shown, in plain words (docs/matching.md section 4).

First the answers it does not meet after relaxing, then (for an orientation) what it is
for, then the ranking factors in order of how much each added to the course's score (the
per-factor scores the ranking query returned), then what to check, then accessibility.
The words come from kiosk/text/words.py and go through gettext (`_`).
"""
from __future__ import annotations

from datetime import date

from kiosk import vocab
from kiosk.guidance import fees
from kiosk.guidance.course_facts import as_reason, visitor_price
from kiosk.guidance.ranking import DISTANCE_HALF_KM, WEIGHTS
from kiosk.text import words
from kiosk.text.i18n import LIST_SEPARATOR

# the order of factors that added the same to the score
_EQUALS_ORDER = ("distance", "times", "cost", "start", "outcome")


def _km(value: float) -> str:
    return str(round(value)) if value >= 1 else "<1"


def _not_as_asked(course: dict, distance_km, asked, orientation: bool, _) -> list[str]:
    """Answers that were relaxed and this course does not meet; an orientation's goal."""
    out = []
    if _too_far(course, distance_km, asked):
        out.append(_("verder dan je wilde: {km} km").format(km=_km(distance_km)))
    if asked.times_mask is not None and (course["times_mask"] or 0) & ~asked.times_mask:
        out.append(_("let op: andere momenten dan je koos"))
    if asked.formats and course["format"] not in asked.formats:
        out.append(_("let op: een andere manier van les dan je koos"))
    if orientation:
        goals = course["goals"] or []
        if goals and goals[0] in words.GOAL_REASONS:
            out.append(_(words.GOAL_REASONS[goals[0]]))
    return out


def _too_far(course: dict, distance_km, asked) -> bool:
    return (asked.limit_km is not None and distance_km is not None
            and course["format"] != "afstand" and distance_km > asked.limit_km)


def _distance_texts(course: dict, distance_km, asked, _) -> list[str]:
    fmt = course["format"]
    if fmt == "afstand":
        return [_(words.FORMATS["afstand"])]
    combined = [_(words.FORMATS[fmt])] if fmt == "combinatie" else []
    if distance_km is not None and not _too_far(course, distance_km, asked):
        text = _("dichtbij: {km} km") if distance_km <= DISTANCE_HALF_KM else _("op {km} km")
        return [text.format(km=_km(distance_km))] + combined
    return combined


def _times_texts(course: dict, _) -> list[str]:
    times = course["times"] or []
    if times:
        return [_(LIST_SEPARATOR).join(_(words.TIMES[t]) for t in vocab.TIMES if t in times)]
    return [_("wanneer het jou past")] if course["format"] == "afstand" else []


def _cost_texts(course: dict, statuses, _, price: str | None = None) -> list[str]:
    """What this visitor pays (course_facts.visitor_price, or the price it gave already),
    then opleidingsverlof."""
    price = price or visitor_price(course, statuses, _)
    out = [as_reason(price)]
    leave = fees.leave_sentence(course, fees.Visitor(tuple(statuses or ())), _)
    if leave:
        out.append(leave)
    return out


def _start_texts(course: dict, next_start, _) -> list[str]:
    if course["flexible_start"]:
        return [_("je kan op elk moment starten")]
    if next_start is None:
        return []
    d = date.fromisoformat(next_start)
    return [_("start op {date}").format(date=f"{d.day}/{d.month}/{d.year}")]


def _checks(course: dict, a: dict, _) -> list[str]:
    """Prerequisites the visitor did not tell or that need a check."""
    out = []
    if course["req_dutch"] and a["dutch_level"] is None:
        out.append(_("vraag of je Nederlands goed genoeg is"))
    if course["req_diploma"]:
        if a["diploma"] == vocab.FOREIGN_DIPLOMA:
            out.append(_("laat je diploma uit een ander land erkennen bij NARIC-Vlaanderen"))
        elif a["diploma"] is None:
            out.append(_("vraag of je diploma genoeg is"))
    return out


def _needs_texts(course: dict, a: dict, _) -> list[str]:
    """A need the course does not say it meets (one it says it fails hides a course; a
    route is never hidden: it says it too)."""
    out = []
    online = course["format"] == "afstand" and not course.get("kind")
    for need, column in (("kinderopvang", "childcare"), ("rolstoel", "wheelchair")):
        if need in a["needs"] and not online and not course.get(column):
            out.append(_(words.NEED_CHECKS[need]))
    if ("andere-taal" in a["needs"] and (course.get("language") or "nl").lower() == "nl"
            and "nederlands" not in (course["goals"] or [])):
        out.append(_(words.NEED_CHECKS["andere-taal"]))
    return out


def _access_texts(course: dict, _) -> list[str]:
    out = [_("toegankelijk met een rolstoel")] if course.get("wheelchair") else []
    return out + ([_("met kinderopvang")] if course.get("childcare") else [])


def route_reasons(course: dict, light: dict, a: dict, asked, _, price=None) -> list[str]:
    """The reasons of a route: what it is, for whom (an intake: its region), where, what
    it costs, then what to check."""
    out = [_(words.KIND_REASONS[course["kind"]])]
    where = vocab.region(course.get("postcode"))
    if course["kind"] == vocab.INTAKE and where in words.REGIONS:
        out.append(_("alleen voor wie in {region} woont").format(region=_(words.REGIONS[where])))
    if course["format"] != "afstand":
        out += _distance_texts(course, light["distance_km"], asked, _)
    out += _cost_texts(course, a["status"], _, price)
    return out + _needs_texts(course, a, _) + _access_texts(course, _)


def reasons(course: dict, light: dict, a: dict, asked, orientation: bool, _,
            after_intake: bool = False, price: str | None = None) -> list[str]:
    """course: the decoded course; light: its distance_km, next_start and its
    factor scores (`factors`, name -> 0..1) for this visitor; a: the checked answers;
    asked: the visitor's own filter (limit_km, times_mask, formats) before relaxing;
    after_intake: an intake leads the results (a Dutch course then says it places you);
    price: what this visitor pays, when the caller has it already."""
    if course.get("kind"):
        return route_reasons(course, light, a, asked, _, price)
    texts = {
        "distance": _distance_texts(course, light["distance_km"], asked, _),
        "times": _times_texts(course, _),
        "cost": _cost_texts(course, a["status"], _, price),
        "start": _start_texts(course, light["next_start"], _),
        "outcome": ([_(words.OUTCOMES[course["outcome"]])]
                    if course["outcome"] in words.OUTCOMES else []),
    }
    factors = light["factors"]
    ordered = sorted((name for name in _EQUALS_ORDER if texts[name]),
                     key=lambda name: -WEIGHTS[name] * factors[name])
    out = _not_as_asked(course, light["distance_km"], asked, orientation, _)
    if after_intake and course.get("dutch_to") is not None:
        out.append(_("je start na de intake: daar kiest een begeleider met jou de juiste groep"))
    out += [text for name in ordered for text in texts[name]]
    out += _checks(course, a, _) + _needs_texts(course, a, _)
    return out + _access_texts(course, _)
