"""The fee and rights rules (assets/rules/*.toml, kiosk/guidance/rules.py and fees.py).

Each test names the page its figure comes from (the rules file records the same address
and the date it was read). The per-period figures hold in the 2024-2025 file; for
2026-2027 they are unverified (a 2025 amendment raised them) and the kiosk asks.
"""
from datetime import date

import pytest

from kiosk import clock
from kiosk.guidance import course_facts, fees, rules
from kiosk.text.i18n import gettext_for

Y2025 = date(2025, 3, 1)          # inside 2024-2025
Y2026 = date(2026, 12, 8)         # inside 2026-2027
NL = gettext_for("nl")
CVO_KOSTEN = "http://cdn.vlaanderen.be/onderwijs-en-vorming/school-en-studiekosten/kosten-volwassenenonderwijs"


def visitor(*statuses, diploma=None, postcode=None):
    return fees.Visitor.from_answers({"diploma": diploma, "postcode": postcode}, list(statuses))


def price(course, ptype, who, day=Y2025):
    return fees.course_price(course, ptype, who, day)


def nt2(periods=120, richtgraad=1):
    return {"lesson_periods": periods, "study_area": "nt2", "richtgraad": richtgraad}


# ---------------------------------------------------------------- the files

def test_each_school_year_file_loads_and_every_rule_has_a_source():
    for path in sorted(rules.RULES_DIR.glob("*.toml")):
        ruleset = rules.load(path)
        assert path.stem == ruleset.school_year
        for rule in ruleset.rules:
            assert rule.source.url.startswith(("https://", "http://"))
            date.fromisoformat(rule.source.read)
            assert rule.note


def test_the_file_covering_today_is_picked():
    assert rules.for_day(Y2025).school_year == "2024-2025"
    assert rules.for_day(Y2026).school_year == "2026-2027"
    assert rules.for_day(date(2031, 1, 1)) is None
    assert rules.problems(Y2026) == []
    assert "covers 2031-01-01" in rules.problems(date(2031, 1, 1))[-1]


def test_a_hostile_rules_file_is_refused_in_one_line(tmp_path):
    cases = {"a.toml": "not = [toml", "b.toml": 'valid_from = "x"\nvalid_until = "2027-01-01"',
             "c.toml": "x" * (rules.MAX_FILE_BYTES + 1),
             "d.toml": ('school_year = "d"\nvalid_from = "2026-09-01"\nvalid_until = "2027-08-31"\n'
                        '[[rule]]\nid = "r"\nkind = "rate"\nverified = "yes"\n'
                        'source = { url = "https://x", read = "2026-12-08" }')}
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
        with pytest.raises(rules.RulesError) as e:
            rules.load(tmp_path / name)
        assert "\n" not in str(e.value)
    assert len(rules.problems(Y2026, tmp_path)) == 5     # four files, and none for today


def test_without_rules_for_today_no_figure_is_stated(tmp_path):
    assert price(nt2(), "cvo", visitor("leefloon"), date(2031, 1, 1)).kind == "ask"


# ---------------------------------------------------------------- registration fee
# source: Onderwijs Vlaanderen, Kosten volwassenenonderwijs (1.50 per lesson period) and
# the centres' fee pages (0.60 NT2, 0.30 benefit, 300 cap, exemptions)

def test_standard_rate_is_150_per_lesson_period():           # source: CVO_KOSTEN
    assert price({"lesson_periods": 40, "study_area": "talen"}, "cvo", visitor()).eur == 60


def test_nt2_at_060_per_period():          # source: clt.be "wat kost een inschrijving"
    p = price(nt2(80, 3), "cvo", visitor("werkend"))
    assert (p.kind, p.eur) == ("eur", 48)


def test_the_300_euro_cap_per_course_per_semester():     # source: cvofocus.be, clt.be
    assert price({"lesson_periods": 400, "study_area": "beroepsgericht"}, "cvo",
                 visitor("werkend")).eur == 300


def test_aav_without_a_secondary_diploma_is_free():           # source: cvofocus.be
    aav = {"lesson_periods": 160, "study_area": "aav"}
    assert price(aav, "cvo", visitor(diploma="secundair-onvolledig")).kind == "free"
    assert price(aav, "cvo", visitor(diploma="secundair")).eur == 240
    unsaid = price(aav, "cvo", visitor())
    assert (unsaid.kind, unsaid.condition) == ("ask", "aav-no-diploma")
    assert fees.sentence(unsaid, visitor(), NL) == \
        "Gratis als je geen diploma secundair onderwijs hebt — vraag na"


def test_leefloon_is_free():                                  # source: cvo-kempen.be
    assert price({"lesson_periods": 60, "study_area": "talen"}, "ligo",
                 visitor("leefloon")).kind == "free"


def test_inburgeraar_free_up_to_richtgraad_2_only():          # source: hetperspectief.net
    who = visitor("inburgeraar")
    assert price(nt2(richtgraad=2), "cvo", who).kind == "free"
    assert price(nt2(80, richtgraad=3), "cvo", who).eur == 48
    unknown = price({"lesson_periods": 80, "study_area": "nt2"}, "cvo", who)
    assert (unknown.kind, unknown.condition) == ("ask", "inburgeraar-level")
    # without a richtgraad, the CEFR level the course leads to says it (B1 = richtgraad 3)
    assert price({"lesson_periods": 80, "study_area": "nt2", "dutch_to": 3}, "cvo",
                 who).eur == 48


def test_a_jobseeker_is_told_the_condition_not_a_promise():   # source: cvo-kempen.be
    p = price({"lesson_periods": 60, "study_area": "talen"}, "cvo", visitor("werkzoekend"))
    assert fees.sentence(p, visitor("werkzoekend"), NL) == \
        "Gratis als je een uitkering hebt en VDAB je stuurt — vraag na"


def test_course_material_comes_on_top():                       # source: CVO_KOSTEN
    p = price(nt2(80, 3), "cvo", visitor("werkend"))
    assert fees.sentence(p, visitor("werkend"), NL) == \
        "Jij betaalt 48 euro inschrijvingsgeld, plus het lesmateriaal"


def test_an_explicit_feed_price_for_the_group_wins():
    course = {**nt2(), "price_for": '{"leefloon": 5.0}'}
    assert price(course, "cvo", visitor("leefloon")).eur == 5


def test_the_old_cbe_word_is_a_ligo_centre():
    assert price(nt2(80, 3), "cbe", visitor()).eur == 48


def test_in_2026_2027_the_unconfirmed_figures_are_asked_not_stated():
    for who in (visitor(), visitor("leefloon"), visitor("werkend")):
        p = price(nt2(80, 3), "cvo", who, Y2026)
        assert p.kind == "ask"
        assert "euro" not in fees.sentence(p, who, NL)


def test_no_price_sentence_for_a_combination_the_rules_do_not_cover():
    """A CVO course without lesson periods, or a provider type the rules leave to the
    feed, with no feed price: the kiosk asks, it never makes up a figure."""
    old, clock.today = clock.today, lambda: Y2025
    try:
        for course, ptype in (({"study_area": "nt2"}, "cvo"), ({"lesson_periods": 40}, "syntra"),
                              ({"lesson_periods": 40}, None)):
            assert price(course, ptype, visitor("leefloon")).kind == "feed"
            text = course_facts.visitor_price({**course, "cost_eur": None}, ["leefloon"], NL,
                                              ptype)
            assert text == "Vraag de prijs na"
    finally:
        clock.today = old


# ---------------------------------------------------------------- rights of workers
# source: vlaanderen.be/opleidingscheques-voor-werknemers (at most a secondary diploma)

def test_cheques_save_at_most_the_legal_amount_for_a_secondary_diploma(tmp_path):
    ruleset = rules.load(rules.RULES_DIR / "2024-2025.toml")
    rule = ruleset.get("opleidingscheques")
    verified = rules.RuleSet(ruleset.school_year, ruleset.valid_from, ruleset.valid_until,
                             ruleset.path, (rules.Rule(**{**rule.__dict__, "verified": True}),))
    who = visitor("werkend", diploma="secundair")
    text = fees.cheques_sentence({"opleidingscheques": 1}, who, 1150, NL, ruleset=verified)
    assert text == f"Met opleidingscheques bespaar je tot {rule.saved_max_eur:.0f} euro"
    assert rule.saved_max_eur == 125


def test_cheques_never_appear_for_a_higher_education_diploma():
    course = {"opleidingscheques": 1, "cost_eur": 1150.0}
    for day in (Y2025, Y2026):
        assert fees.cheques_sentence(course, visitor("werkend", diploma="hoger"), 1150, NL,
                                     day) == ""
    old, clock.today = clock.today, lambda: Y2026
    try:
        text = course_facts.visitor_price(course, ["werkend"], NL, "syntra",
                                          {"diploma": "hoger"})
    finally:
        clock.today = old
    assert text == "Jij betaalt 1150 euro"


def test_unverified_cheques_say_ask_how_much():
    text = fees.cheques_sentence({"opleidingscheques": 1}, visitor("werkend", diploma="geen"),
                                 1150, NL, Y2026)
    assert text == "Met opleidingscheques betaal je minder — vraag na hoeveel"


def test_opleidingsverlof_says_the_condition():   # source: partena-professional.be (2019)
    course = {"opleidingsverlof": 1}
    assert fees.leave_sentence(course, visitor("werkend"), NL, Y2026) == \
        "opleidingsverlof kan, als je in de privésector werkt bij een werkgever in " \
        "Vlaanderen — vraag na"
    assert fees.leave_sentence(course, visitor("werkzoekend"), NL, Y2026) == ""


# ---------------------------------------------------------------- inburgering and NARIC

def test_inburgering_fees_per_region():    # source: vvsg.be (2023-06-07), bon.be FAQ
    intake = {"kind": "intake"}
    assert fees.route_sentence(intake, visitor("inburgeraar", postcode="1000"), NL, Y2026) == \
        "Inburgering is gratis in Brussel"
    assert "tot 180 euro" in fees.route_sentence(intake, visitor("inburgeraar", postcode="9000"),
                                                 NL, Y2026)
    assert fees.route_sentence(intake, visitor("werkend", postcode="9000"), NL, Y2026) == ""


def test_naric_free_for_leefloon():         # source: vlaanderen.be NARIC cost page
    naric = {"kind": "recognition-diploma"}
    assert fees.route_sentence(naric, visitor("leefloon"), NL, Y2026) == "Gratis voor jou"
    assert fees.route_sentence(naric, visitor("werkend"), NL, Y2026).startswith(
        "Vraag de prijs na")


def test_docs_list_every_rule_with_its_source():
    text = (rules.RULES_DIR.parent.parent / "docs" / "rules.md").read_text(encoding="utf-8")
    for path in sorted(rules.RULES_DIR.glob("*.toml")):
        ruleset = rules.load(path)
        assert f"## {ruleset.school_year}" in text
        section = text.split(f"## {ruleset.school_year}")[1].split("\n## ")[0]
        for rule in ruleset.rules:
            line = next(row for row in section.splitlines() if row.startswith(f"| `{rule.id}`"))
            assert rule.source.url in line and rule.source.read in line
            assert ("yes" in line.split("|")[4]) == rule.verified
