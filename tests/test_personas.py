"""The visitors a domain review found badly served, on the bundled sample catalog as
`kiosk match --json` shows them on a pinned day (conftest SAMPLE_DAY): the follow-up
answers decide the route, and routes come first as routes ("Jouw wegen")."""
import json

import pytest
from conftest import SAMPLE_DAY

from kiosk import clock


@pytest.fixture
def match(run_cli, cache, tmp_path, monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: SAMPLE_DAY)
    assert run_cli("catalog", "refresh").returncode == 0        # the bundled sample

    def run(**answers) -> dict:
        path = tmp_path / "answers.json"
        path.write_text(json.dumps(answers), encoding="utf-8")
        ran = run_cli("match", "--answers", path, "--today", SAMPLE_DAY.isoformat(), "--json")
        assert ran.returncode == 0, ran.stderr
        return json.loads(ran.stdout)
    return run


def ids(outcome: dict) -> list[str]:
    return [r["id"] for r in outcome["results"]]


def routes_block(outcome: dict) -> list[dict]:
    """The routes that lead the results, before the first course."""
    out = []
    for result in outcome["results"]:
        if result["kind"] == "course":
            break
        out.append(result)
    return out


def test_a_future_zorgkundige_sees_care_and_no_forklift(match):
    outcome = match(goal="beroep", sector="zorg", status="werkzoekend", dutch_level="B1",
                    postcode="9000")
    courses = [r["id"] for r in outcome["results"] if r["kind"] == "course"]
    assert "vdab-gent-heftruck-2027-01" not in ids(outcome)
    assert courses.index("cvo-gent-zorgkundige-2027-02") < 2
    assert all(r["kind"] != "course" for r in routes_block(outcome))
    # without a sector the forklift course is there, as before
    assert "vdab-gent-heftruck-2027-01" in ids(match(goal="beroep", dutch_level="B1",
                                                     postcode="9000"))


def test_a_parent_who_wants_to_read_gets_reading_not_arithmetic(match):
    outcome = match(goal="basisvaardigheden", skill="lezen-schrijven", reading="nog-niet",
                    dutch_level="moedertaal", postcode="2060")
    first = outcome["results"][0]
    assert first["id"] == "cbe-antwerpen-lezen-avond-2027-01" and first["provider"] == "cbe-antwerpen"
    assert "cbe-gent-rekenen-afstand" not in ids(outcome)
    assert not any("rekenen" in r["id"] for r in outcome["results"])


def test_a_newcomer_who_cannot_read_gets_the_literacy_course_not_cvo_beginners(match):
    outcome = match(goal="nederlands", dutch_level="geen", reading="nog-niet",
                    status="inburgeraar", postcode="9000")
    kinds = [r["kind"] for r in outcome["results"]]
    assert kinds[0] == "intake" and outcome["results"][0]["id"] == "intake-nederlands-oost-vlaanderen"
    courses = [r["id"] for r in outcome["results"] if r["kind"] == "course"]
    assert courses[0] == "cbe-gent-nt2-alfa-2027-01"
    assert "cvo-gent-nt2-1-1-dag-2027-01" not in courses     # asks that you can read
    # who reads another language gets the CVO beginners' course, not the literacy one
    reader = match(goal="nederlands", dutch_level="geen", reading="andere-taal",
                   postcode="9000")
    assert "cvo-gent-nt2-1-1-dag-2027-01" in ids(reader)
    assert "cbe-gent-nt2-alfa-2027-01" not in ids(reader)


def test_an_experienced_cook_sees_recognition_of_experience_first(match):
    outcome = match(goal="beroep", sector="horeca", experience="2-jaar-of-meer",
                    dutch_level="B2", diploma="secundair", postcode="8000")
    assert outcome["results"][0]["kind"] == "recognition-experience"
    assert "syntra-west-kok-2027-09" in ids(outcome)
    assert "cvo-gent-evc-zorgkundige" not in ids(outcome)     # another sector's EVC
    beginner = match(goal="beroep", sector="horeca", experience="geen", dutch_level="B2",
                     diploma="secundair", postcode="8000")
    assert not any(r["kind"] == "recognition-experience" for r in beginner["results"])


def test_a_19_year_old_sees_the_routes_for_young_people_with_their_age_rule(match):
    young = match(goal="beroep", dutch_level="moedertaal", diploma="secundair-onvolledig",
                  age_band="jonger-dan-25", postcode="2000")
    block = routes_block(young)
    youth = [r for r in block if r["kind"] == "youth-route"]
    assert {r["id"] for r in youth} == {"duaal-leren", "syntra-leertijd", "deeltijds-cdo"}
    assert all("vraagt: jonger dan 25 jaar" in r["reasons"] for r in youth)
    older = match(goal="beroep", dutch_level="moedertaal", diploma="secundair-onvolledig",
                  age_band="25-of-ouder", postcode="2000")
    assert not any(r["kind"] == "youth-route" for r in older["results"])
    unknown = match(goal="beroep", dutch_level="moedertaal", postcode="2000")
    assert not any(r["kind"] == "youth-route" for r in unknown["results"])


def test_a_ukrainian_graduate_at_a2_is_told_to_learn_dutch_first(match):
    outcome = match(goal="beroep", dutch_level="A2", diploma="buitenlands",
                    status="werkzoekend", postcode="2000", language="uk")
    first = outcome["results"][0]
    assert first["kind"] == "intake" and first["id"] == "intake-nederlands-antwerpen"
    assert first["reasons"][0].startswith("Спершу вивчи нідерландську") and "B1" in first["reasons"][0]
    assert "naric-erkenning-diploma" in [r["id"] for r in routes_block(outcome)]
    # at B1 the goal's courses are within reach: no intake first
    b1 = match(goal="beroep", dutch_level="B1", diploma="buitenlands", postcode="2000")
    assert not any(r["kind"] == "intake" for r in b1["results"])


def test_a_mother_with_primary_school_and_leefloon_sees_both_ways_to_a_diploma(match):
    outcome = match(goal="diploma-secundair", dutch_level="moedertaal", diploma="basisonderwijs",
                    reading="nederlands", age_band="25-of-ouder", status="leefloon",
                    postcode="9000")
    block = routes_block(outcome)
    assert [r["kind"] for r in block[:2]] == ["tweedekans", "exam"]     # side by side
    for way in block[:2]:
        assert any(reason.startswith("vraagt:") for reason in way["reasons"])
        assert any(reason.startswith(("duurt", "hoe lang")) for reason in way["reasons"])
        assert way["price"]
    assert "cvo-gent-aav-avond-2027-02" in ids(outcome)


def test_b1_to_b2_widens_past_practice_groups_and_says_so(match):
    outcome = match(goal="nederlands", dutch_level="B1", postcode="9000", max_distance_km=20)
    assert "practice" in outcome["relaxed"]
    assert "cvo-brussel-nt2-4-1-2027-01" in ids(outcome)
    assert all(r["kind"] for r in outcome["results"])          # CONTRACT: kind per result
