"""What a visitor pays, from the rules in force (kiosk/guidance/rules.py) and the facts a
course gives (lesson periods, study area, richtgraad, provider type), in plain words.

The feed's explicit price for one of the visitor's groups (`cost.price_for`) wins; else the
rules decide for centres they cover (CVO, Ligo); else the feed's own price stands (the
caller's old path). A figure from an unverified rule is never said: the sentence asks
("vraag na"), with the condition when the visitor's answers cannot decide it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from kiosk import vocab
from kiosk.guidance import rules as rulebook
from kiosk.text.i18n import N_

# a rule's `condition` -> the words the kiosk says (the visitor checks it with the centre)
CONDITIONS = {
    "aav-no-diploma": N_("Gratis als je geen diploma secundair onderwijs hebt — vraag na"),
    "jobseeker-vdab": N_("Gratis als je een uitkering hebt en VDAB je stuurt — vraag na"),
    "inburgeraar-level": N_("Gratis als je inburgering volgt en Nederlands leert in "
                            "richtgraad 1 of 2 — vraag na"),
    "verlof-private-flanders": N_("opleidingsverlof kan, als je in de privésector werkt "
                                  "bij een werkgever in Vlaanderen — vraag na"),
}
ASK = N_("Vraag de prijs na")
REGULATED = ("cvo", "ligo")


@dataclass(frozen=True)
class Visitor:
    """What the visitor told the kiosk that fees depend on (None: not said)."""
    statuses: tuple = ()
    diploma: str | None = None
    region: str | None = None        # "vlaanderen", "brussel" or None

    @classmethod
    def from_answers(cls, answers: dict | None, statuses=None) -> Visitor:
        answers = answers or {}
        status = answers.get("status") if statuses is None else statuses
        status = [status] if isinstance(status, str) else list(status or ())
        return cls(tuple(s for s in vocab.STATUSES if s in status),
                   answers.get("diploma") if answers.get("diploma") in vocab.DIPLOMAS else None,
                   region_of(answers.get("postcode")))


def region_of(postcode) -> str | None:
    area = vocab.region(postcode)
    if area is None or area in ("waals-brabant", "wallonie"):
        return None
    return "brussel" if area == "brussel" else "vlaanderen"


@dataclass(frozen=True)
class Price:
    """kind: "free", "eur" (eur is the fee), "ask" (condition: a CONDITIONS key, or None:
    ask the price) or "feed" (the rules do not cover it: the feed's price stands)."""
    kind: str
    eur: float | None = None
    condition: str | None = None
    rules: tuple = ()
    material: bool = False


def _applies(rule: rulebook.Rule, course: dict, ptype: str | None) -> bool:
    if rule.provider_types and ptype not in rule.provider_types:
        return False
    if rule.study_areas and course.get("study_area") not in rule.study_areas:
        return False
    return True


def _diploma_below(visitor: Visitor, limit: str) -> bool | None:
    if visitor.diploma is None:
        return None
    return vocab.DIPLOMAS.index(visitor.diploma) < vocab.DIPLOMAS.index(limit)


def provider_type(ptype) -> str | None:
    """cbe is the old word for a Ligo centre."""
    return "ligo" if ptype == "cbe" else ptype


def richtgraad(course: dict) -> int | None:
    """The feed's richtgraad, else the one of the CEFR level a Dutch course leads to
    (dutch_levels.to: A1 1, A2 2, B1 3, B2 4)."""
    if course.get("richtgraad") is not None:
        return course["richtgraad"]
    to = course.get("dutch_to")
    return to if isinstance(to, int) and 1 <= to <= 4 else None


def _explicit(course: dict, visitor: Visitor) -> Price | None:
    prices = course.get("price_for")
    if isinstance(prices, str):
        try:
            prices = json.loads(prices)
        except ValueError:
            prices = None
    if not isinstance(prices, dict):
        return None
    own = [prices[s] for s in visitor.statuses if isinstance(prices.get(s), int | float)]
    if not own:
        return None
    eur = float(min(own))
    return Price("free" if eur == 0 else "eur", eur, rules=("feed:price_for",))


def course_price(course: dict, ptype, visitor: Visitor, day: date | None = None,
                 ruleset: rulebook.RuleSet | None = None) -> Price:
    """What this visitor pays for the course, by the rules in force on day."""
    explicit = _explicit(course, visitor)
    if explicit:
        return explicit
    ptype = provider_type(ptype)
    periods = course.get("lesson_periods")
    if ptype not in REGULATED or not periods or course.get("kind"):
        return Price("feed")
    ruleset = ruleset or rulebook.for_day(day)
    if ruleset is None:
        return Price("ask")                     # no rules for today: state nothing
    material = any(_applies(r, course, ptype) for r in ruleset.of_kind("material"))
    ask_because = None
    for rule in ruleset.of_kind("free"):
        if not _applies(rule, course, ptype):
            continue
        if rule.statuses and not set(rule.statuses) & set(visitor.statuses):
            continue
        decided = True
        if rule.diploma_below:
            below = _diploma_below(visitor, rule.diploma_below)
            if below is False:
                continue
            decided = below is True
        if rule.richtgraad_max is not None:
            level = richtgraad(course)
            if level is not None and level > rule.richtgraad_max:
                continue
            decided = decided and level is not None
        if rule.condition == "jobseeker-vdab":
            decided = False                    # benefit and VDAB route: never said
        if decided and rule.verified:
            return Price("free", 0.0, rules=(rule.id,), material=material)
        ask_because = ask_because or (rule.condition, rule.id)
    rates = [r for r in ruleset.of_kind("rate") if _applies(r, course, ptype)
             and (not r.statuses or set(r.statuses) & set(visitor.statuses))]
    specific = sorted(rates, key=lambda r: (not r.statuses, not r.study_areas))
    if ask_because:
        return Price("ask", condition=ask_because[0], rules=(ask_because[1],),
                     material=material)
    rate = next((r for r in specific if not r.statuses), None)
    caps = [r for r in ruleset.of_kind("cap") if _applies(r, course, ptype)]
    used = [r for r in [rate, *caps] if r]
    if rate is None or not all(r.verified for r in used):
        return Price("ask", rules=tuple(r.id for r in used), material=material)
    eur = float(periods) * rate.eur_per_period
    for cap in caps:
        eur = min(eur, cap.cap_eur)
    return Price("eur", round(eur, 2), rules=tuple(r.id for r in used), material=material)


def _euro(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.2f}".replace(".", ",")


def sentence(price: Price, visitor: Visitor, _) -> str:
    """The visitor-facing line for a price the rules decided ("feed": the caller's)."""
    if price.kind == "free":
        return _("Gratis voor jou") if visitor.statuses else _("Gratis")
    if price.kind == "ask":
        return _(CONDITIONS[price.condition]) if price.condition in CONDITIONS else _(ASK)
    if price.kind == "eur":
        text = (_("Jij betaalt {eur} euro inschrijvingsgeld") if visitor.statuses
                else _("Inschrijvingsgeld: {eur} euro")).format(eur=_euro(price.eur))
        if price.material:
            text += ", " + _("plus het lesmateriaal")
        return text
    return ""


def cheques_sentence(course: dict, visitor: Visitor, fee: float | None, _,
                     day: date | None = None,
                     ruleset: rulebook.RuleSet | None = None) -> str:
    """Opleidingscheques for a worker with at most a secondary diploma; nothing for a
    higher-education diploma or a visitor who does not work."""
    if not course.get("opleidingscheques") or "werkend" not in visitor.statuses:
        return ""
    ruleset = ruleset or rulebook.for_day(day)
    rule = next(iter(ruleset.of_kind("cheques")), None) if ruleset else None
    if rule is None:
        return ""
    below = _diploma_below(visitor, rule.diploma_below or "hoger")
    if below is False:
        return ""
    if below is None:
        return _("Opleidingscheques: alleen als je geen diploma hoger onderwijs hebt — "
                 "vraag na")
    if not rule.verified or rule.saved_max_eur is None or not fee:
        return _("Met opleidingscheques betaal je minder — vraag na hoeveel")
    saved = min(fee / 2, rule.saved_max_eur)
    return _("Met opleidingscheques bespaar je tot {eur} euro").format(eur=_euro(saved))


def leave_sentence(course: dict, visitor: Visitor, _, day: date | None = None,
                   ruleset: rulebook.RuleSet | None = None) -> str:
    """Vlaams opleidingsverlof depends on the employer: the condition, and ask."""
    if not course.get("opleidingsverlof") or "werkend" not in visitor.statuses:
        return ""
    ruleset = ruleset or rulebook.for_day(day)
    rule = next(iter(ruleset.of_kind("leave")), None) if ruleset else None
    if rule is None or visitor.region == "brussel":
        return ""
    return _(CONDITIONS[rule.condition]) if rule.condition in CONDITIONS else ""


def route_sentence(course: dict, visitor: Visitor, _, day: date | None = None,
                   ruleset: rulebook.RuleSet | None = None) -> str:
    """The price of a route the rules cover: NARIC recognition, and inburgering for an
    inburgeraar at the intake; "" when the rules say nothing about it."""
    ruleset = ruleset or rulebook.for_day(day)
    kind = course.get("kind")
    if ruleset is None or kind not in ("recognition-diploma", "intake", "orientation"):
        return ""
    if kind == "recognition-diploma":
        free = next(iter(ruleset.of_kind("naric-free")), None)
        if free and free.verified and set(free.statuses) & set(visitor.statuses):
            return _("Gratis voor jou")
        fee = next(iter(ruleset.of_kind("naric")), None)
        if fee and fee.verified and fee.eur is not None:
            return _("Een erkenning kost {eur} euro. Het is gratis als je een leefloon "
                     "krijgt, als je vluchteling bent of als je inburgering volgt").format(
                         eur=_euro(fee.eur))
        return _("Vraag de prijs na. Het is gratis als je een leefloon krijgt, als je "
                 "vluchteling bent of als je inburgering volgt")
    if "inburgeraar" not in visitor.statuses:
        return ""
    by_region = {r.region: r for r in ruleset.of_kind("inburgering") if r.verified}
    if visitor.region == "brussel" and "brussel" in by_region:
        return _("Inburgering is gratis in Brussel")
    if visitor.region == "vlaanderen" and "vlaanderen" in by_region:
        return _("Inburgering in Vlaanderen kost tot {eur} euro voor Nederlands en tot {eur} "
                 "euro voor maatschappelijke oriëntatie. Soms is het gratis — vraag na").format(
                     eur=_euro(by_region["vlaanderen"].eur))
    return _("Inburgering is gratis in Brussel. In Vlaanderen betaal je — vraag na")
