"""The answers format (docs/answers.md): read, check, clean."""
from datetime import date, datetime

import pytest

from kiosk.booking.handoff import booking_url
from kiosk.booking.reference import read_handoff
from kiosk.guidance import questionnaire
from kiosk.guidance.answers import (
    ANSWERS,
    SOME_OF,
    AnswersError,
    answers_for_link,
    answers_that_apply,
    check_answers,
    read_answers,
)
from kiosk.site import config as config_mod


def test_normal_form_has_every_key_with_any_as_none_or_empty():
    a = check_answers({"goal": "", "times": ["weekend", "dag"], "formats": [],
                       "postcode": 9000, "max_distance_km": 20, "other": "ignored"})
    given = {"goal": None, "dutch_level": None, "diploma": None, "status": (),
             "times": ("dag", "weekend"), "formats": (), "needs": (), "postcode": "9000",
             "max_distance_km": 20.0, "language": None}
    assert a == given | {spec.key: () if spec.kind == SOME_OF else None
                         for spec in ANSWERS if spec.key not in given}


@pytest.mark.parametrize("answers, message", [
    ({"goal": "koken"}, "Answer 'goal' cannot be \"koken\"; use one of: diploma-secundair"),
    ({"formats": "afstand"}, "Answer 'formats' must be a list of: klassikaal, afstand"),
    ({"postcode": True}, "Answer 'postcode' must be a Belgian postcode"),
    ({"max_distance_km": float("inf")}, "Answer 'max_distance_km' must be a number"),
    ({"language": 3}, "Answer 'language' must be a language code"),
])
def test_check_names_the_wrong_answer(answers, message):
    with pytest.raises(AnswersError, match=message):
        check_answers(answers)


def test_read_answers_from_a_file_and_refuses_what_is_not_one_object(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"goal": "digitaal"}', encoding="utf-8")
    assert read_answers(str(path)) == {"goal": "digitaal"}
    path.write_text('["digitaal"]', encoding="utf-8")
    with pytest.raises(AnswersError, match="must hold one JSON object"):
        read_answers(str(path))


def test_answers_of_questions_that_no_longer_apply_are_dropped():
    asked = {"goal": "hoger-onderwijs", "diploma": "secundair", "max_distance_km": 20}
    # the distance is asked by no question: an answer that carries it keeps it
    assert answers_that_apply(asked) == asked
    assert answers_that_apply({**asked, "goal": "nederlands", "postcode": "9000"}) == \
        {"goal": "nederlands", "postcode": "9000", "max_distance_km": 20}
    # a follow-up answer goes with the answer that brought it
    job = {"goal": "beroep", "sector": "zorg", "experience": "geen", "age_band": "25-of-ouder"}
    assert answers_that_apply({**job, "goal": "talen"}) == {"goal": "talen"}
    assert answers_that_apply({**job, "sector": None}) == \
        {"goal": "beroep", "sector": None, "age_band": "25-of-ouder"}


def test_link_keeps_only_the_format_and_whole_kilometres():
    kept = answers_for_link({"goal": "beroep", "name": "Jan", "times": ["avond", "nacht"],
                             "postcode": 9000, "max_distance_km": 12.2, "language": "xx"})
    assert kept == {"goal": "beroep", "times": ["avond"], "max_distance_km": 13}


@pytest.mark.parametrize("km, kept", [(65534, 65534), (65533.5, 65534), (65534.5, None)])
def test_a_distance_the_link_cannot_hold_is_dropped_not_changed(km, kept):
    assert answers_for_link({"max_distance_km": km}).get("max_distance_km") == kept
    cfg = config_mod.Config()
    cfg.booking.secret = "a-secret-for-this-test"
    url = booking_url(cfg, {"max_distance_km": km}, [], datetime(2027, 3, 1))
    assert read_handoff(cfg, url, today=date(2027, 3, 1)).answers.get("max_distance_km") == kept


def test_question_position_has_a_total_that_never_changes_once_the_goal_is_known():
    assert questionnaire.position({}, "goal") == (1, None)
    assert questionnaire.position({"goal": "nederlands"}, "dutch_level") == (2, 8)
    assert questionnaire.position({"goal": "nederlands", "dutch_level": "A1"}, "status") == (4, 8)
    assert questionnaire.position({"goal": "nederlands"}, "needs") == (5, 8)
    on_postcode = {"goal": "beroep", "dutch_level": None}
    assert questionnaire.position(on_postcode, "postcode") == (10, 10)
    assert questionnaire.position({"goal": "nederlands"}, "diploma") is None
    assert questionnaire.position({"goal": "beroep", "sector": None}, "experience") is None
    walk, totals, current = {}, set(), None     # a whole visit: the total stays put
    while (q := questionnaire.next_question(walk, current)) is not None:
        totals.add(questionnaire.position(walk, q.id)[1])
        walk[q.id], current = {"goal": "beroep", "postcode": None}.get(q.id), q.id
    assert totals == {None, 10}
