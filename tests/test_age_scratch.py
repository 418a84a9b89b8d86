from conftest import COURSES, NOW, make_cfg
from kiosk.booking.handoff import booking_url, describe
from kiosk.booking.reference import read_handoff
from kiosk.guidance import questionnaire
from kiosk.guidance.answers import check_answers, answers_for_link


def test_age_band_travels_and_is_described():
    cfg = make_cfg()
    a = {"goal": "talen", "age_band": "onder-25", "needs": ["rolstoel"]}
    assert check_answers(a)["age_band"] == "onder-25"
    assert answers_for_link(a) == a
    h = read_handoff(cfg, booking_url(cfg, a, COURSES, NOW))
    assert h.answers == a
    assert "Leeftijd: jonger dan 25" in describe(h)
    assert "Age: 25 or older" in describe(read_handoff(cfg, booking_url(cfg, dict(a, age_band="25-plus"), COURSES, NOW)), "en")
    assert "age_band" in [q.id for q in questionnaire.applicable({"goal": "talen"})]


def test_age_band_hides_dear_courses(open_cat):
    from datetime import date

    from conftest import make_course

    from kiosk.guidance import matching
    cat = open_cat([make_course("cheap", goals=["talen"]),
                    make_course("dear", goals=["talen"], cost={"eur": 900.0})])
    ids = lambda a: sorted(r.course["id"] for r in matching.match(cat, a, date(2027, 1, 10)).results)  # noqa: E731
    assert ids({"goal": "talen", "age_band": "onder-25"}) == ["cheap"]
    assert ids({"goal": "talen", "age_band": "25-plus"}) == ["cheap", "dear"]
