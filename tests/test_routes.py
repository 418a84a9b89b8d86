"""Routes that are not courses, Dutch levels, needs, several situations and what a visitor
pays (docs/matching.md sections 1, 6 and 7; docs/feed.md "Routes and Dutch levels")."""
import json
from datetime import date

import pytest
from conftest import ANSWERS, COURSES, NOW, make_cfg, make_course, provider, write_catalog

from kiosk import vocab
from kiosk.booking.handoff import booking_url, describe
from kiosk.booking.reference import read_handoff
from kiosk.catalog.check import check_course
from kiosk.catalog.report import Rejected
from kiosk.guidance import course_facts, matching
from kiosk.text import i18n

TODAY = date(2027, 1, 10)
GENT = {"postcode": "9000", "lat": 51.05, "lon": 3.72}
BRUSSEL = {"postcode": "1000", "lat": 50.85, "lon": 4.35}
ANTWERPEN = {"postcode": "2000", "lat": 51.22, "lon": 4.40}


def route(rid, kind, goals, location=GENT, **over):
    """A route record as the feed carries it: open all the time, contacted online."""
    fields = {"format": "afstand", "times": [], "start_dates": [], "flexible_start": True,
              "cost": {"eur": 0}, "location": location, **over}
    return make_course(rid, provider="org", kind=kind, goals=goals, **fields)


def intake(rid, location):
    return route(rid, "intake", ["nederlands"], location, format="klassikaal", times=["dag"],
                 dutch_levels={"from": "geen", "to": "B2"})


def nt2(cid, low, high, **over):
    return make_course(cid, goals=["nederlands"], dutch_levels={"from": low, "to": high},
                       location=GENT, **over)


def ids(outcome):
    return [r.course["id"] for r in outcome.results]


def match(cat, **answers):
    return matching.match(cat, answers, TODAY)


# ---------------------------------------------------------------- intake first

@pytest.fixture
def dutch(open_cat):
    return open_cat([nt2("nt2-1", "geen", "A1"), nt2("nt2-2", "A1", "A2"),
                     nt2("nt2-4", "B1", "B2", requires={"dutch_level": "B1"}),
                     make_course("taalcafe", goals=["nederlands"], location=GENT),
                     intake("intake-gent", GENT), intake("intake-brussel", BRUSSEL),
                     intake("intake-antwerpen", ANTWERPEN)],
                    providers=[provider("p1"), provider("org")])


def test_a_dutch_beginner_starts_with_the_intake_of_their_region(dutch):
    outcome = match(dutch, goal="nederlands", dutch_level="geen", postcode="9000")
    assert ids(outcome)[0] == "intake-gent"
    assert not {"intake-brussel", "intake-antwerpen"} & set(ids(outcome))   # other regions
    first = outcome.results[0]
    assert first.kind == "intake" and first.reasons[0].startswith("eerst hier een intake: een gesprek")
    assert "alleen voor wie in Oost-Vlaanderen woont" in first.reasons
    by_id = {r.course["id"]: r for r in outcome.results}
    assert by_id["nt2-1"].reasons[0] == \
        "je start na de intake: daar kiest een begeleider met jou de juiste groep"
    assert not any("intake" in r for r in by_id["taalcafe"].reasons)     # not a level course
    # a Brussels postcode: Brussels' intake
    assert ids(match(dutch, goal="nederlands", postcode="1070"))[0] == "intake-brussel"


def test_without_a_known_region_every_intake_leads(dutch):
    for answers in ({"goal": "nederlands"}, {"goal": "nederlands", "postcode": "4000"}):
        outcome = match(dutch, **answers)
        assert set(ids(outcome)[:3]) == {"intake-gent", "intake-brussel", "intake-antwerpen"}


def test_a_visitor_who_speaks_dutch_well_gets_no_beginner_course_and_no_intake(dutch):
    outcome = match(dutch, goal="nederlands", dutch_level="B2", postcode="9000")
    assert ids(outcome) == ["taalcafe"]         # B2 is at the end of each level and the intake
    outcome = match(dutch, goal="nederlands", dutch_level="A1", postcode="9000")
    assert set(ids(outcome)) == {"intake-gent", "nt2-2", "taalcafe"}
    assert ids(outcome)[0] == "intake-gent"


def test_other_goals_never_see_an_intake(dutch):
    assert match(dutch, goal="digitaal").results == []


# ---------------------------------------------------------------- other routes

@pytest.fixture
def routes_cat(open_cat):
    return open_cat([
        make_course("aav", goals=["diploma-secundair"], outcome="diploma-secundair",
                    times=["avond"], cost={"eur": 180.0}, location=GENT),
        make_course("lassen", goals=["beroep"], times=["dag"], location=GENT),
        route("examens", "exam", ["diploma-secundair"], BRUSSEL, outcome="diploma-secundair"),
        route("naric", "recognition-diploma", ["diploma-secundair", "beroep"], BRUSSEL,
              cost={}),
        route("evc", "recognition-experience", ["beroep"], BRUSSEL)],
        providers=[provider("p1"), provider("org")])


def test_exams_are_shown_beside_the_courses_whatever_the_times_format_and_distance(routes_cat):
    outcome = match(routes_cat, goal="diploma-secundair", times=["avond"],
                    formats=["klassikaal"], postcode="9000", max_distance_km=5)
    assert set(ids(outcome)) == {"aav", "examens"} and outcome.relaxed == []
    exams = next(r for r in outcome.results if r.kind == "exam")
    assert exams.reasons[0].startswith("een andere weg: je leert zelf")
    assert not any("andere momenten" in r or "verder dan" in r for r in exams.reasons)


def test_foreign_diploma_leads_with_its_recognition(routes_cat):
    outcome = match(routes_cat, goal="beroep", diploma="buitenlands", postcode="9000")
    assert ids(outcome)[0] == "naric"
    assert set(ids(outcome)) == {"naric", "lassen", "evc"}
    assert outcome.results[0].price == ("Vraag de prijs na. Het is gratis als je een leefloon "
                                        "krijgt, als je vluchteling bent of als je inburgering "
                                        "volgt")   # rules/2026-2027
    assert "naric" not in ids(match(routes_cat, goal="beroep", diploma="secundair"))
    assert "naric" not in ids(match(routes_cat, goal="beroep"))


def test_a_route_never_hides_the_courses_nor_stops_relaxing(routes_cat):
    outcome = match(routes_cat, goal="beroep", times=["weekend"])
    assert outcome.relaxed == ["times"] and set(ids(outcome)) == {"lassen", "evc"}


def test_an_orientation_shows_the_routes_that_apply(routes_cat):
    outcome = match(routes_cat, goal="weet-niet", diploma="buitenlands")
    assert ids(outcome)[0] == "naric"
    assert {"examens", "evc", "aav", "lassen"} <= set(ids(outcome))


def test_cli_json_says_the_kind_of_each_result(tmp_path, run_cli, cache):
    write_catalog(cache, [provider("p1"), provider("org")],
                  [make_course("lassen", goals=["beroep"]),
                   route("evc", "recognition-experience", ["beroep"])])
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"goal": "beroep", "status": ["werkend", "leefloon"]}))
    code, out, err = run_cli("match", "--answers", answers, "--today", "2027-01-10", "--json")
    assert code == 0, err
    kinds = {r["id"]: r["kind"] for r in json.loads(out)["results"]}
    assert kinds == {"lassen": "course", "evc": "recognition-experience"}
    code, out, err = run_cli("match", "--answers", answers, "--today", "2027-01-10")
    assert "[recognition-experience] Cursus evc" in out


# ---------------------------------------------------------------- needs

@pytest.fixture
def needs_cat(open_cat):
    return open_cat([
        make_course("opvang", accessibility={"childcare": True, "wheelchair": False}),
        make_course("geen-opvang", accessibility={"childcare": False, "wheelchair": True}),
        make_course("onbekend"),
        make_course("online", format="afstand", times=[],
                    accessibility={"childcare": False, "wheelchair": False}),
        make_course("english", language="en", cost={"eur": 0}),
        make_course("gratis-wz", cost={"eur": 90.0, "free_for": ["werkzoekend"]}),
        route("evc", "recognition-experience", ["digitaal"], cost={},
              accessibility={"childcare": False})])


def test_childcare_hides_courses_without_it_and_asks_when_unknown(needs_cat):
    outcome = match(needs_cat, goal="digitaal", needs=["kinderopvang"])
    assert "geen-opvang" not in ids(outcome)
    assert {"opvang", "onbekend", "online", "evc"} <= set(ids(outcome))
    by_id = {r.course["id"]: r for r in outcome.results}
    assert "vraag na of er kinderopvang is" in by_id["onbekend"].reasons
    assert "vraag na of er kinderopvang is" in by_id["evc"].reasons     # routes say it
    assert "met kinderopvang" in by_id["opvang"].reasons
    assert not any("kinderopvang" in r for r in by_id["online"].reasons)


def test_wheelchair_hides_courses_that_are_not_accessible(needs_cat):
    outcome = match(needs_cat, goal="digitaal", needs=["rolstoel"])
    assert "opvang" not in ids(outcome) and {"geen-opvang", "online"} <= set(ids(outcome))


def test_only_free_counts_any_of_the_visitors_situations(needs_cat):
    free = set(ids(match(needs_cat, goal="digitaal", needs=["gratis"])))
    assert "gratis-wz" not in free and "english" in free
    both = set(ids(match(needs_cat, goal="digitaal", needs=["gratis"],
                         status=["werkend", "werkzoekend"])))
    assert "gratis-wz" in both and "opvang" not in both


def test_another_language_is_relaxed_last_and_says_so(needs_cat, open_cat):
    assert set(ids(match(needs_cat, goal="digitaal", needs=["andere-taal"]))) == {"english",
                                                                                   "evc"}
    dutch_only = open_cat([make_course("nl-only")])
    outcome = match(dutch_only, goal="digitaal", needs=["andere-taal"], formats=["afstand"])
    assert outcome.relaxed == ["formats", "needs"] and ids(outcome) == ["nl-only"]
    assert "let op: de les is in het Nederlands" in outcome.results[0].reasons


# ---------------------------------------------------------------- what you pay

COURSE = {"cost_eur": 60.0, "free_for": ["inburgeraar", "werkzoekend"], "reduced_for": [],
          "opleidingscheques": True}


@pytest.mark.parametrize("statuses, cost, text", [
    (["inburgeraar"], "free", "Gratis voor jou: je volgt inburgering"),
    (["werkend", "werkzoekend"], "free", "Gratis voor jou: je zoekt werk"),
    (["werkend"], "full", "Jij betaalt 60 euro. Opleidingscheques: alleen als je geen diploma "
                          "hoger onderwijs hebt — vraag na"),
    (["student"], "full", "Jij betaalt 60 euro"),
    ([], "full", "Prijs: 60 euro; gratis voor werkzoekenden, gratis als je inburgering volgt"),
])
def test_the_price_says_what_this_visitor_pays(statuses, cost, text):
    _ = i18n.gettext_for("nl")
    assert course_facts.visitor_cost(COURSE, statuses)[0] == cost
    assert course_facts.visitor_price(COURSE, statuses, _) == text
    facts = course_facts.practical_facts(COURSE, {}, None, "nl", TODAY, statuses=statuses)
    assert text in facts and not any(line.startswith("Prijs") for line in facts if line != text)


def test_price_in_sql_and_in_words_agree(needs_cat):
    for status in (None, "werkzoekend", ["werkend", "werkzoekend"], "student"):
        for r in match(needs_cat, goal="digitaal", status=status).results:
            statuses = [status] if isinstance(status, str) else status or []
            assert course_facts.visitor_cost(r.course, statuses)[0] == r.cost
            assert r.price[:1].lower() + r.price[1:] in r.first_reasons(2)


def test_the_price_speaks_the_visitors_language():
    _ = i18n.gettext_for("fr")
    assert course_facts.visitor_price(COURSE, ["inburgeraar"], _) == \
        "Gratuit pour toi\u00a0: tu suis le parcours d'intégration (inburgering)"


# ---------------------------------------------------------------- the feed's new fields

@pytest.mark.parametrize("over, reason", [
    ({"kind": "cursus"}, "kind 'cursus' is unknown"),
    ({"dutch_levels": "A1"}, "dutch_levels must be an object"),
    ({"dutch_levels": {"from": "A1"}}, "dutch_levels.to is missing"),
    ({"dutch_levels": {"from": "A3", "to": "B1"}}, "dutch_levels.from 'A3' is unknown"),
    ({"dutch_levels": {"from": "B1", "to": "A2"}}, "dutch_levels.to must be a higher level"),
])
def test_feed_refuses_a_wrong_kind_or_dutch_levels(over, reason):
    with pytest.raises(Rejected, match=reason):
        check_course(make_course("c", **over))


def test_feed_stores_kind_and_dutch_levels():
    row = check_course(make_course("c", kind="exam", dutch_levels={"from": "A2", "to": "B1"}))
    assert (row["kind"], row["dutch_from"], row["dutch_to"]) == ("exam", 2, 3)
    assert check_course(make_course("c", kind="course"))["kind"] is None


# ---------------------------------------------------------------- booking links

def test_several_situations_and_needs_travel_sealed_and_old_answers_still_work():
    cfg = make_cfg()
    answers = {**ANSWERS, "status": ["leefloon", "inburgeraar"], "needs": ["kinderopvang",
                                                                          "gratis"]}
    url = booking_url(cfg, answers, COURSES, NOW)
    found = read_handoff(cfg, url, today=NOW.date())
    assert found.answers["status"] == ["leefloon", "inburgeraar"]
    assert found.answers["needs"] == ["kinderopvang", "gratis"]
    text = describe(found)
    assert "Situatie: leefloon, inburgeraar" in text
    assert "Nodig: kinderopvang, alleen gratis opleidingen" in text
    assert "kinderopvang" not in url.split("ref=")[0]            # not readable in the link
    # answers as they always were (one status, no needs) give the very same link as before
    old = booking_url(cfg, ANSWERS, COURSES, NOW)
    assert old == booking_url(cfg, {**ANSWERS, "status": ["werkzoekend"], "needs": []},
                              COURSES, NOW)
    assert read_handoff(cfg, old, today=NOW.date()).answers == ANSWERS
    assert "Nodig: niets gezegd" in describe(read_handoff(cfg, old, today=NOW.date()))


def test_the_sample_catalog_has_the_routes_of_flanders_and_brussels(cache, run_cli):
    code, _out, err = run_cli("catalog", "refresh")
    assert code == 0, err
    from kiosk.catalog import db as catalog
    cat = catalog.open_catalog(catalog.current_path(cache))
    try:
        kinds = {r["kind"] for r in cat.db.query("select kind from courses")}
        assert set(vocab.ROUTE_KINDS) <= kinds
        regions = {vocab.region(r["postcode"]) for r in cat.db.query(
            "select postcode from courses where kind = 'intake'")}
        assert {"brussel", "antwerpen", "oost-vlaanderen", "west-vlaanderen",
                "vlaams-brabant", "limburg"} <= regions
        levels = cat.db.execute("select count(*) from courses where dutch_to is not null")
        assert levels.fetchone()[0] >= 10
        good = matching.match(cat, {"goal": "nederlands", "dutch_level": "C1"}, TODAY)
        assert not any("1.1" in r.course["title_nl"] for r in good.results)
    finally:
        cat.close()
