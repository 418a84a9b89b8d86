"""Every rule tried at its boundary: the value that just passes and the one that just fails.

A rule written `<=` where it should be `<` (or the other way round) passes most tests,
because most tests stand far from the edge; these stand on it."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import COURSES, PRIVATE, SECRET, legacy_token, make_cfg, make_course

from kiosk import vocab
from kiosk.booking import reference
from kiosk.booking.handoff import HandoffError
from kiosk.guidance import matching, places

TODAY = date(2027, 1, 10)


def shown(cat, answers, today=TODAY) -> set[str]:
    return {r.course["id"] for r in matching.match(cat, answers, today).results}


@pytest.mark.parametrize("required", [d for d in vocab.DIPLOMAS if d != "buitenlands"])
def test_a_diploma_equal_to_the_requirement_is_enough_and_one_step_lower_is_not(open_cat, required):
    cat = open_cat([make_course("c", requires={"diploma": required})])
    order = [d for d in vocab.DIPLOMAS if d != "buitenlands"]
    at = order.index(required)
    assert shown(cat, {"goal": "digitaal", "diploma": required}) == {"c"}
    if at > 0:
        assert shown(cat, {"goal": "digitaal", "diploma": order[at - 1]}) == set()
    if at + 1 < len(order):
        assert shown(cat, {"goal": "digitaal", "diploma": order[at + 1]}) == {"c"}


@pytest.mark.parametrize("required", ["A1", "A2", "B1", "B2", "C1"])
def test_a_dutch_level_equal_to_the_requirement_is_enough_and_one_lower_is_not(open_cat, required):
    cat = open_cat([make_course("c", requires={"dutch_level": required})])
    at = vocab.DUTCH_LEVELS.index(required)
    assert shown(cat, {"goal": "digitaal", "dutch_level": required}) == {"c"}
    assert shown(cat, {"goal": "digitaal", "dutch_level": vocab.DUTCH_LEVELS[at - 1]}) == set()


def test_a_dutch_course_is_offered_below_the_level_it_leads_to_and_not_at_it(open_cat):
    cat = open_cat([make_course("nt2", goals=["nederlands"], outcome="attest",
                                dutch_levels={"from": "A1", "to": "B1"})])
    assert shown(cat, {"goal": "nederlands", "dutch_level": "A2"}) == {"nt2"}
    assert "nt2" not in shown(cat, {"goal": "nederlands", "dutch_level": "B1"})


def test_a_course_on_the_distance_limit_is_near_enough(open_cat):
    origin = places.postcode_coordinates("9000")
    assert origin is not None
    lat, lon = origin[0] + 0.1, origin[1]                   # about 11 km north
    km = places.distance_km(origin[0], origin[1], lat, lon)
    here = {"postcode": "9000", "city": "Gent", "lat": origin[0], "lon": origin[1]}
    cat = open_cat([make_course("edge", location={**here, "lat": lat, "lon": lon}),
                    make_course("here", location=here)])     # so nothing is relaxed
    answers = {"goal": "digitaal", "postcode": "9000"}
    assert shown(cat, {**answers, "max_distance_km": km}) == {"edge", "here"}
    out = matching.match(cat, {**answers, "max_distance_km": km - 0.01}, TODAY)
    assert {r.course["id"] for r in out.results} == {"here"} and not out.relaxed


def test_a_course_whose_last_start_is_today_still_shows_and_yesterday_does_not(open_cat):
    cat = open_cat([make_course("today", start_dates=[TODAY.isoformat()]),
                    make_course("gone", start_dates=[(TODAY - timedelta(days=1)).isoformat()])])
    assert shown(cat, {"goal": "digitaal"}) == {"today"}
    assert shown(cat, {"goal": "digitaal"}, TODAY + timedelta(days=1)) == set()


def test_a_signed_reference_is_read_on_its_last_day_and_refused_the_day_after():
    cfg = make_cfg()
    today = date(2027, 3, 12)
    last = legacy_token(SECRET, PRIVATE, COURSES, today - timedelta(days=reference.LEGACY_DAYS))
    assert reference.read_handoff(cfg, last, today=today).kind == "signed"
    late = legacy_token(SECRET, PRIVATE, COURSES, today - timedelta(days=reference.LEGACY_DAYS + 1))
    with pytest.raises(HandoffError, match="old readable format"):
        reference.read_handoff(cfg, late, today=today)


def test_at_most_the_allowed_number_of_courses_travel_in_a_link():
    ids = [f"c{i}" for i in range(reference.MAX_COURSES + 1)]
    assert reference.clean_courses(ids[:reference.MAX_COURSES]) == ids[:reference.MAX_COURSES]
    with pytest.raises(HandoffError, match=f"at most {reference.MAX_COURSES} courses"):
        reference.clean_courses(ids)
