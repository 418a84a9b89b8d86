"""The fee rules, exactly: the whole price (kind, figure, the rules it rests on, material on
top) and the whole sentence a visitor reads, for every branch of kiosk/guidance/fees.py.
Written against the surviving mutants of the mutation run (docs/testing.md): each case
fails when one operator, constant or word of a rule changes. tests/test_rules.py holds
the figures with their sources; this file holds the logic around them."""
import dataclasses
from datetime import date

import pytest

from kiosk import clock
from kiosk.guidance import fees, rules
from kiosk.text.i18n import gettext_for

Y2025 = date(2025, 3, 1)          # inside 2024-2025: most figures verified
NO_RULES = date(2031, 1, 1)       # no rules file covers it
NL = gettext_for("nl")
RULES_2025 = rules.load(rules.RULES_DIR / "2024-2025.toml")


@pytest.fixture(autouse=True)
def today_has_no_rules(monkeypatch):
    """"Today" has no rules: a rule that looks up today instead of the day it is given
    finds none, and says something else."""
    monkeypatch.setattr(clock, "today", lambda: NO_RULES)


def visitor(*statuses, diploma=None, postcode=None):
    return fees.Visitor.from_answers({"diploma": diploma, "postcode": postcode}, list(statuses))


def ruleset(*changed: rules.Rule, drop=()) -> rules.RuleSet:
    """The 2024-2025 rules with these rules replaced (by id) and the ids in drop left out."""
    by_id = {rule.id: rule for rule in changed}
    kept = tuple(by_id.get(rule.id, rule) for rule in RULES_2025.rules if rule.id not in drop)
    return dataclasses.replace(RULES_2025, rules=kept)


def changed(rule_id: str, **fields) -> rules.Rule:
    return dataclasses.replace(RULES_2025.get(rule_id), **fields)


def price(course, ptype, who, rules_=None):
    return fees.course_price(course, ptype, who, Y2025, rules_)


TALEN = {"lesson_periods": 40, "study_area": "talen"}
STANDARD = ("rate-standard", "cap-semester")


# ---------------------------------------------------------------- course_price, whole
@pytest.mark.parametrize("course, ptype, who, expected", [
    (TALEN, "cvo", visitor(), fees.Price("eur", 60.0, rules=STANDARD, material=True)),
    ({"lesson_periods": 80, "study_area": "nt2", "richtgraad": 3}, "cvo", visitor("werkend"),
     fees.Price("eur", 48.0, rules=("rate-nt2", "cap-semester"), material=True)),
    ({"lesson_periods": 400, "study_area": "beroepsgericht"}, "cvo", visitor("werkend"),
     fees.Price("eur", 300.0, rules=STANDARD, material=True)),
    ({"lesson_periods": 41, "study_area": "nt2", "richtgraad": 4}, "ligo", visitor(),
     fees.Price("eur", 24.6, rules=("rate-nt2", "cap-semester"), material=True)),
    (TALEN, "ligo", visitor("leefloon"),
     fees.Price("free", 0.0, rules=("exempt-leefloon",), material=True)),
    (TALEN, "cvo", visitor("werkzoekend"),
     fees.Price("ask", condition="jobseeker-vdab", rules=("exempt-jobseeker",), material=True)),
    # the aav rule does not free a secondary diploma, the leefloon rule after it does
    ({"lesson_periods": 160, "study_area": "aav"}, "cvo",
     visitor("leefloon", diploma="secundair"),
     fees.Price("free", 0.0, rules=("exempt-leefloon",), material=True)),
    # richtgraad 3 is beyond the inburgeraar rule; the jobseeker rule after it still asks
    ({"lesson_periods": 80, "study_area": "nt2", "richtgraad": 3}, "cvo",
     visitor("inburgeraar", "werkzoekend"),
     fees.Price("ask", condition="jobseeker-vdab", rules=("exempt-jobseeker",), material=True)),
    ({**TALEN, "kind": "intake"}, "cvo", visitor(), fees.Price("feed")),
    ({"study_area": "talen"}, "cvo", visitor(), fees.Price("feed")),
    (TALEN, "syntra", visitor(), fees.Price("feed")),
])
def test_the_whole_price(course, ptype, who, expected):
    assert price(course, ptype, who) == expected


def test_an_unverified_rate_is_asked_with_the_rules_it_rests_on():
    unverified = ruleset(changed("rate-standard", verified=False))
    assert price(TALEN, "cvo", visitor(), unverified) == \
        fees.Price("ask", rules=STANDARD, material=True)


def test_without_a_rate_for_the_course_the_price_is_asked():
    assert price(TALEN, "cvo", visitor(), ruleset(drop=("rate-standard",))) == \
        fees.Price("ask", rules=("cap-semester",), material=True)


def test_material_and_caps_follow_their_own_study_areas():
    only_nt2 = ruleset(changed("material", study_areas=("nt2",)),
                       changed("cap-semester", study_areas=("nt2",), cap_eur=10))
    assert price(TALEN, "cvo", visitor(), only_nt2) == \
        fees.Price("eur", 60.0, rules=("rate-standard",), material=False)
    nt2 = {"lesson_periods": 80, "study_area": "nt2", "richtgraad": 3}
    assert price(nt2, "cvo", visitor(), only_nt2) == \
        fees.Price("eur", 10.0, rules=("rate-nt2", "cap-semester"), material=True)


def test_a_fee_is_rounded_to_the_cent():
    odd = ruleset(changed("rate-standard", eur_per_period=0.125))
    assert price({"lesson_periods": 1, "study_area": "talen"}, "cvo", visitor(), odd).eur == 0.12


def test_no_rules_for_the_day_asks():
    assert fees.course_price(TALEN, "cvo", visitor(), NO_RULES) == fees.Price("ask")


@pytest.mark.parametrize("price_for, expected", [
    ('{"leefloon": 0}', fees.Price("free", 0.0, rules=("feed:price_for",))),
    ({"leefloon": 7.5, "werkend": 5}, fees.Price("eur", 5.0, rules=("feed:price_for",))),
    ({"leefloon": 1}, fees.Price("eur", 1.0, rules=("feed:price_for",))),
])
def test_an_explicit_price_for_the_visitors_groups(price_for, expected):
    course = {**TALEN, "price_for": price_for}
    assert price(course, "cvo", visitor("leefloon", "werkend")) == expected


@pytest.mark.parametrize("price_for", ["{not json", '["a list"]', {"leefloon": "gratis"},
                                       {"student": 1}])
def test_an_unusable_explicit_price_leaves_the_rules(price_for):
    assert price({**TALEN, "price_for": price_for}, "ligo", visitor("leefloon")).kind == "free"


# ---------------------------------------------------------------- the visitor
def test_the_visitor_from_answers():
    assert fees.Visitor.from_answers({"status": "leefloon", "diploma": "hoger",
                                      "postcode": "9000"}) == \
        fees.Visitor(("leefloon",), "hoger", "vlaanderen")
    assert fees.Visitor.from_answers({"status": ["andere", "werkend", "x"], "diploma": "x",
                                      "postcode": "1000"}) == \
        fees.Visitor(("werkend", "andere"), None, "brussel")
    assert fees.Visitor.from_answers({"status": "leefloon"}, statuses=["student"]) == \
        fees.Visitor(("student",))
    assert fees.Visitor.from_answers(None) == fees.Visitor()


@pytest.mark.parametrize("postcode, region", [("1000", "brussel"), ("9000", "vlaanderen"),
                                              ("1300", None), ("4000", None), (None, None)])
def test_the_region_fees_depend_on(postcode, region):
    assert fees.region_of(postcode) == region


@pytest.mark.parametrize("course, level", [
    ({"richtgraad": 2, "dutch_to": 4}, 2), ({"dutch_to": 1}, 1), ({"dutch_to": 4}, 4),
    ({"dutch_to": 0}, None), ({"dutch_to": 5}, None), ({"dutch_to": "3"}, None), ({}, None)])
def test_the_richtgraad_of_a_course(course, level):
    assert fees.richtgraad(course) == level


# ---------------------------------------------------------------- the sentences
@pytest.mark.parametrize("the_price, who, text", [
    (fees.Price("free", 0.0), visitor("leefloon"), "Gratis voor jou"),
    (fees.Price("free", 0.0), visitor(), "Gratis"),
    (fees.Price("ask"), visitor(), "Vraag de prijs na"),
    (fees.Price("ask", condition="unknown"), visitor(), "Vraag de prijs na"),
    (fees.Price("ask", condition="inburgeraar-level"), visitor(),
     "Gratis als je inburgering volgt en Nederlands leert in richtgraad 1 of 2 — vraag na"),
    (fees.Price("eur", 48.0), visitor("werkend"), "Jij betaalt 48 euro inschrijvingsgeld"),
    (fees.Price("eur", 12.5), visitor(), "Inschrijvingsgeld: 12,50 euro"),
    (fees.Price("eur", 60.0, material=True), visitor(),
     "Inschrijvingsgeld: 60 euro, plus het lesmateriaal"),
    (fees.Price("feed"), visitor("werkend"), ""),
])
def test_the_price_sentence(the_price, who, text):
    assert fees.sentence(the_price, who, NL) == text


CHEQUES = {"opleidingscheques": 1}


def test_the_cheques_sentence():
    verified = ruleset(changed("opleidingscheques", verified=True))
    worker = visitor("werkend", diploma="secundair")
    assert fees.cheques_sentence(CHEQUES, worker, 100, NL, ruleset=verified) == \
        "Met opleidingscheques bespaar je tot 50 euro"
    assert fees.cheques_sentence(CHEQUES, worker, 301, NL, ruleset=verified) == \
        "Met opleidingscheques bespaar je tot 125 euro"
    assert fees.cheques_sentence(CHEQUES, worker, 25, NL, ruleset=verified) == \
        "Met opleidingscheques bespaar je tot 12,50 euro"
    for fee in (None, 0):
        assert fees.cheques_sentence(CHEQUES, worker, fee, NL, ruleset=verified) == \
            "Met opleidingscheques betaal je minder — vraag na hoeveel"
    assert fees.cheques_sentence(CHEQUES, visitor("werkend"), 100, NL, ruleset=verified) == \
        "Opleidingscheques: alleen als je geen diploma hoger onderwijs hebt — vraag na"
    assert fees.cheques_sentence(CHEQUES, worker, 100, NL, Y2025) == \
        "Met opleidingscheques betaal je minder — vraag na hoeveel"
    # the diploma limit defaults to higher education
    no_limit = ruleset(changed("opleidingscheques", verified=True, diploma_below=None))
    assert fees.cheques_sentence(CHEQUES, visitor("werkend", diploma="hoger"), 100, NL,
                                 ruleset=no_limit) == ""
    assert fees.cheques_sentence(CHEQUES, worker, 100, NL, ruleset=no_limit) == \
        "Met opleidingscheques bespaar je tot 50 euro"
    assert fees.cheques_sentence(CHEQUES, worker, 100, NL, NO_RULES) == ""
    assert fees.cheques_sentence(CHEQUES, worker, 100, NL,
                                 ruleset=ruleset(drop=("opleidingscheques",))) == ""
    assert fees.cheques_sentence({}, worker, 100, NL, Y2025) == ""
    assert fees.cheques_sentence(CHEQUES, visitor("student"), 100, NL, Y2025) == ""


def test_the_leave_sentence():
    leave = {"opleidingsverlof": 1}
    text = ("opleidingsverlof kan, als je in de privésector werkt bij een werkgever in "
            "Vlaanderen — vraag na")
    assert fees.leave_sentence(leave, visitor("werkend", postcode="9000"), NL, Y2025) == text
    assert fees.leave_sentence(leave, visitor("werkend"), NL, Y2025) == text
    assert fees.leave_sentence(leave, visitor("werkend", postcode="1000"), NL, Y2025) == ""
    assert fees.leave_sentence(leave, visitor("werkend"), NL, NO_RULES) == ""
    assert fees.leave_sentence(leave, visitor("werkend"), NL,
                               ruleset=ruleset(drop=("opleidingsverlof",))) == ""
    assert fees.leave_sentence(leave, visitor("werkend"), NL,
                               ruleset=ruleset(changed("opleidingsverlof", condition=None))) == ""
    assert fees.leave_sentence({}, visitor("werkend"), NL, Y2025) == ""


NARIC = {"kind": "recognition-diploma"}
INTAKE = {"kind": "intake"}
FREE_NARIC = ("Het is gratis als je een leefloon krijgt, als je vluchteling bent of als je "
              "inburgering volgt")
ASK_NARIC = "Vraag de prijs na. " + FREE_NARIC


def test_the_route_sentences():
    naric_verified = ruleset(changed("naric-fee", verified=True))
    assert fees.route_sentence(NARIC, visitor("werkend"), NL, ruleset=naric_verified) == \
        "Een erkenning kost 119 euro. " + FREE_NARIC
    assert fees.route_sentence(NARIC, visitor("inburgeraar"), NL, ruleset=naric_verified) == \
        "Gratis voor jou"
    assert fees.route_sentence(NARIC, visitor("werkend"), NL, Y2025) == ASK_NARIC
    no_figure = ruleset(changed("naric-fee", verified=True, eur=None))
    assert fees.route_sentence(NARIC, visitor("werkend"), NL, ruleset=no_figure) == ASK_NARIC
    only_fee = ruleset(changed("naric-fee", verified=True), drop=("naric-free",))
    assert fees.route_sentence(NARIC, visitor("leefloon"), NL, ruleset=only_fee).startswith(
        "Een erkenning kost 119 euro")
    assert fees.route_sentence(NARIC, visitor("leefloon"), NL,
                               ruleset=ruleset(drop=("naric-free", "naric-fee"))) == ASK_NARIC
    assert fees.route_sentence(INTAKE, visitor("inburgeraar", postcode="9000"), NL, Y2025) == (
        "Inburgering in Vlaanderen kost tot 180 euro voor Nederlands en tot 180 euro voor "
        "maatschappelijke oriëntatie. Soms is het gratis — vraag na")
    assert fees.route_sentence(INTAKE, visitor("inburgeraar", postcode="1000"), NL, Y2025) == \
        "Inburgering is gratis in Brussel"
    assert fees.route_sentence(INTAKE, visitor("inburgeraar"), NL, Y2025) == \
        "Inburgering is gratis in Brussel. In Vlaanderen betaal je — vraag na"
    assert fees.route_sentence(INTAKE, visitor("werkend", postcode="9000"), NL, Y2025) == ""
    assert fees.route_sentence(NARIC, visitor("leefloon"), NL, NO_RULES) == ""
    assert fees.route_sentence({"kind": "course"}, visitor("leefloon"), NL, Y2025) == ""
