"""Why a course is shown (docs/matching.md section 4): as language-neutral facts, and
those facts said in the visitor's language.

`reasons` and `route_reasons` give a result's reasons as `Reason` codes with a value, in
order: first the answers it does not meet after relaxing, then (for an orientation) what
it is for, then the ranking factors in order of how much each added to the course's score
(the per-factor scores the ranking query returned), then what to check, then
accessibility. `render` says them in a language, with the words of kiosk/text/words.py
through gettext, so a language switch words them again without asking the catalog.
"""
from __future__ import annotations

from datetime import date
from typing import NamedTuple

from kiosk import vocab
from kiosk.guidance import fees
from kiosk.guidance.course_facts import as_reason, day_text, visitor_price
from kiosk.guidance.ranking import DISTANCE_HALF_KM, WEIGHTS
from kiosk.text import words
from kiosk.text.i18n import LIST_SEPARATOR, N_, gettext_for

# the order of factors that added the same to the score
_EQUALS_ORDER = ("distance", "times", "cost", "start", "outcome")


class Reason(NamedTuple):
    """One reason, in no language: a code (TEXTS, or a table of kiosk/text/words.py) and
    the value it names (kilometres, an ISO date, a vocabulary value...)."""
    code: str
    value: object = None


# code -> the Dutch msgid; {km}, {date} and {region} are filled from the value
TEXTS = {
    "too_far": N_("verder dan je wilde: {km} km"),
    "other_times": N_("let op: andere momenten dan je koos"),
    "other_format": N_("let op: een andere manier van les dan je koos"),
    "after_intake": N_("je start na de intake: daar kiest een begeleider met jou de juiste groep"),
    "near": N_("dichtbij: {km} km"),
    "at": N_("op {km} km"),
    "any_time": N_("wanneer het jou past"),
    "any_start": N_("je kan op elk moment starten"),
    "starts": N_("start op {date}"),
    "ask_dutch": N_("vraag of je Nederlands goed genoeg is"),
    "recognise_diploma": N_("laat je diploma uit een ander land erkennen bij NARIC-Vlaanderen"),
    "ask_diploma": N_("vraag of je diploma genoeg is"),
    "wheelchair": N_("toegankelijk met een rolstoel"),
    "childcare": N_("met kinderopvang"),
    "region": N_("alleen voor wie in {region} woont"),
    "dutch_first": N_("Eerst Nederlands leren: opleidingen voor dit doel vragen meestal "
                      "niveau {level}"),
    "asks_dutch": N_("vraagt: Nederlands op niveau {level}"),
    "asks_age": N_("vraagt: {age} jaar of ouder"),
    "asks_young": N_("vraagt: jonger dan {age} jaar"),
    "asks_reading": N_("vraagt: je kan een korte tekst lezen"),
    "asks_nothing": N_("vraagt: geen diploma of test vooraf"),
    "takes": N_("duurt ongeveer {weeks} weken"),
    "takes_ask": N_("hoe lang het duurt, hangt af van jou: vraag na"),
}
# code -> the words of its value
WORDS = {"goal": words.GOAL_REASONS, "format": words.FORMATS, "outcome": words.OUTCOMES,
         "need": words.NEED_CHECKS, "kind": words.KIND_REASONS}


def _km(value: float) -> str:
    return str(round(value)) if value >= 1 else "<1"


def price_of(result, _) -> str:
    """What the result's visitor pays, said with `_` (the fee rules read the provider's
    type, the answers and the day the result was made for)."""
    return visitor_price(result.course, result.statuses, _, result.provider.get("type"),
                         result.answers, result.today)


def say(reason: Reason, _, result=None) -> str:
    """One reason in the language of `_`; result: the one it belongs to (price, leave)."""
    code, value = reason
    if code == "price":
        return as_reason(price_of(result, _))
    if code == "leave":
        return fees.leave_sentence(result.course, fees.Visitor.from_answers(
            result.answers, result.statuses), _, result.today)
    if code == "times":
        return _(LIST_SEPARATOR).join(_(words.TIMES[t]) for t in value)
    if code in WORDS:
        return _(WORDS[code][value])
    text = _(TEXTS[code])
    if code == "starts":
        return text.format(date=day_text(date.fromisoformat(value)))
    if code == "region":
        return text.format(region=_(words.REGIONS[value]))
    if code in ("dutch_first", "asks_dutch"):
        return text.format(level=vocab.DUTCH_LEVELS[value])
    if code in ("asks_age", "asks_young"):
        return text.format(age=value)
    if code == "takes":
        return text.format(weeks=value)
    return text.format(km=_km(value)) if value is not None else text


def render(result, lang: str | None) -> list[str]:
    """A result's reasons (`result.facts`) in lang; no catalog is read."""
    _ = gettext_for(lang)
    return [say(reason, _, result) for reason in result.facts]


# ---------------------------------------------------------------- the facts

def _not_as_asked(course: dict, distance_km, asked, orientation: bool) -> list[Reason]:
    """Answers that were relaxed and this course does not meet; an orientation's goal."""
    out = []
    if _too_far(course, distance_km, asked):
        out.append(Reason("too_far", distance_km))
    if asked.times_mask is not None and (course["times_mask"] or 0) & ~asked.times_mask:
        out.append(Reason("other_times"))
    if asked.formats and course["format"] not in asked.formats:
        out.append(Reason("other_format"))
    if orientation:
        goals = course["goals"] or []
        if goals and goals[0] in words.GOAL_REASONS:
            out.append(Reason("goal", goals[0]))
    return out


def _too_far(course: dict, distance_km, asked) -> bool:
    return (asked.limit_km is not None and distance_km is not None
            and course["format"] != "afstand" and distance_km > asked.limit_km)


def _distance(course: dict, distance_km, asked) -> list[Reason]:
    fmt = course["format"]
    if fmt == "afstand":
        return [Reason("format", "afstand")]
    combined = [Reason("format", fmt)] if fmt == "combinatie" else []
    if distance_km is not None and not _too_far(course, distance_km, asked):
        return [Reason("near" if distance_km <= DISTANCE_HALF_KM else "at", distance_km)] + combined
    return combined


def _times(course: dict) -> list[Reason]:
    times = course["times"] or []
    if times:
        return [Reason("times", tuple(t for t in vocab.TIMES if t in times))]
    return [Reason("any_time")] if course["format"] == "afstand" else []


def _cost(course: dict, statuses) -> list[Reason]:
    """What this visitor pays (course_facts.visitor_price, said when shown), then
    opleidingsverlof when its condition (kiosk/guidance/fees.py) can concern this visitor."""
    out = [Reason("price")]
    if fees.leave_sentence(course, fees.Visitor(tuple(statuses or ())), str):
        out.append(Reason("leave"))
    return out


def _start(course: dict, next_start) -> list[Reason]:
    if course["flexible_start"]:
        return [Reason("any_start")]
    return [] if next_start is None else [Reason("starts", next_start)]


def _checks(course: dict, a: dict) -> list[Reason]:
    """Prerequisites the visitor did not tell or that need a check."""
    out = []
    if course["req_dutch"] and a["dutch_level"] is None:
        out.append(Reason("ask_dutch"))
    if course["req_diploma"]:
        if a["diploma"] == vocab.FOREIGN_DIPLOMA:
            out.append(Reason("recognise_diploma"))
        elif a["diploma"] is None:
            out.append(Reason("ask_diploma"))
    return out


def _needs(course: dict, a: dict) -> list[Reason]:
    """A need the course does not say it meets (one it says it fails hides a course; a
    route is never hidden: it says it too)."""
    out = []
    online = course["format"] == "afstand" and not course.get("kind")
    for need, column in (("kinderopvang", "childcare"), ("rolstoel", "wheelchair")):
        if need in a["needs"] and not online and not course.get(column):
            out.append(Reason("need", need))
    if ("andere-taal" in a["needs"] and (course.get("language") or "nl").lower() == "nl"
            and "nederlands" not in (course["goals"] or [])):
        out.append(Reason("need", "andere-taal"))
    return out


def _access(course: dict) -> list[Reason]:
    out = [Reason("wheelchair")] if course.get("wheelchair") else []
    return out + ([Reason("childcare")] if course.get("childcare") else [])


def _asks(course: dict) -> list[Reason]:
    """What a route asks of the visitor before they start."""
    out = []
    if course.get("req_dutch"):
        out.append(Reason("asks_dutch", course["req_dutch"]))
    if course.get("max_age") is not None and course["max_age"] < vocab.YOUTH_AGE:
        out.append(Reason("asks_young", course["max_age"] + 1))
    elif course.get("min_age"):
        out.append(Reason("asks_age", course["min_age"]))
    if course.get("literacy") == "geletterd":
        out.append(Reason("asks_reading"))
    return out or [Reason("asks_nothing")]


def _takes(course: dict) -> list[Reason]:
    weeks = course.get("duration_weeks")
    return [Reason("takes", weeks)] if weeks else [Reason("takes_ask")]


def route_reasons(course: dict, light: dict, a: dict, asked,
                  dutch_first: int | None = None) -> list[Reason]:
    """The reasons of a route: why first (an intake when the visitor's Dutch is below
    what the goal asks), what it is, what it asks of you, how long it takes, what it
    costs you; then for whom (an intake: its region), where, what to check."""
    out = [Reason("dutch_first", dutch_first)] \
        if dutch_first is not None and course["kind"] == vocab.INTAKE else []
    out += [Reason("kind", course["kind"])] + _asks(course)[:1] + _takes(course)
    out += _cost(course, a["status"])
    where = vocab.region(course.get("postcode"))
    if course["kind"] == vocab.INTAKE and where in words.REGIONS:
        out.append(Reason("region", where))
    if course["format"] != "afstand":
        out += _distance(course, light["distance_km"], asked)
    return out + _asks(course)[1:] + _needs(course, a) + _access(course)


def reasons(course: dict, light: dict, a: dict, asked, orientation: bool,
            after_intake: bool = False, dutch_first: int | None = None) -> tuple[Reason, ...]:
    """course: the decoded course; light: its distance_km, next_start and its
    factor scores (`factors`, name -> 0..1) for this visitor; a: the checked answers;
    asked: the visitor's own filter (limit_km, times_mask, formats) before relaxing;
    after_intake: an intake leads the results (a Dutch course then says it places you)."""
    if course.get("kind"):
        return tuple(route_reasons(course, light, a, asked, dutch_first))
    facts = {
        "distance": _distance(course, light["distance_km"], asked),
        "times": _times(course),
        "cost": _cost(course, a["status"]),
        "start": _start(course, light["next_start"]),
        "outcome": ([Reason("outcome", course["outcome"])]
                    if course["outcome"] in words.OUTCOMES else []),
    }
    factors = light["factors"]
    ordered = sorted((name for name in _EQUALS_ORDER if facts[name]),
                     key=lambda name: -WEIGHTS[name] * factors[name])
    out = _not_as_asked(course, light["distance_km"], asked, orientation)
    if after_intake and course.get("dutch_to") is not None:
        out.append(Reason("after_intake"))
    out += [reason for name in ordered for reason in facts[name]]
    out += _checks(course, a) + _needs(course, a)
    return tuple(out + _access(course))
