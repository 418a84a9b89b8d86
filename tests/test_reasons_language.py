"""Matching gives language-neutral facts; a result's reasons and price are said in the
visitor's language when shown, so a language switch words them again without a query."""
from datetime import date

from conftest import make_course

from kiosk.guidance import matching, reasons
from kiosk.guidance.reasons import Reason

TODAY = date(2027, 1, 10)
ANSWERS = {"goal": "digitaal", "postcode": "9000", "max_distance_km": 20,
           "status": ["werkend"], "times": ["dag"]}


def courses():
    return [make_course(f"c{i}", provider=f"p{i % 3}", cost={"eur": 60.0 * i,
                        "opleidingscheques": True, "opleidingsverlof": True},
                        times=["dag"],
                        location={"postcode": "9000" if i % 2 else "9050"})
            for i in range(1, 12)]


def statements(cat):
    """A list that collects every SQL statement the catalog's connection runs."""
    seen = []
    cat.db.conn.set_trace_callback(seen.append)
    return seen


def test_results_carry_codes_and_are_said_in_each_language(open_cat):
    cat = open_cat(courses())
    outcome = matching.match(cat, ANSWERS, TODAY, lang="nl")
    first = outcome.results[0]
    assert all(isinstance(r, Reason) for r in first.facts)
    assert {r.code for r in first.facts} >= {"price", "leave"}
    assert first.reasons == reasons.render(first, "nl")
    english = outcome.in_language("en")
    assert english.lang == "en" and english.results[0].lang == "en"
    assert english.results[0].facts == first.facts
    assert english.results[0].reasons != first.reasons
    assert english.results[0].price != first.price
    back = english.in_language("nl")
    assert back.results[0] == first and back.results[0].reasons == first.reasons


def test_a_language_switch_runs_no_sql(open_cat):
    cat = open_cat(courses())
    outcome = matching.match(cat, ANSWERS, TODAY, lang="nl")
    shown = [(r.reasons, r.price) for r in outcome.results[:5]]
    seen = statements(cat)
    for lang in ("fr", "ar", "uk", "en", "nl"):
        again = outcome.in_language(lang)
        said = [(r.reasons, r.price, r.course["id"]) for r in again.results[:5]]
        assert len(said) == 5
    assert seen == []                       # nothing asked of the catalog
    assert [(r, p) for r, p, _id in said] == shown
    more = outcome.in_language("fr").results[6]       # a result not built yet is built
    assert more.lang == "fr" and seen


def test_same_answers_same_facts_in_any_language(open_cat):
    cat = open_cat(courses())
    nl = matching.match(cat, ANSWERS, TODAY, lang="nl")
    fr = matching.match(cat, ANSWERS, TODAY, lang="fr")
    assert [r.facts for r in nl.results] == [r.facts for r in fr.results]
    assert [r.reasons for r in fr.results] == [r.reasons for r in nl.in_language("fr").results]


def test_reading_the_best_first_gives_the_order_of_reading_all(open_cat, monkeypatch):
    """Matching reads only the best few courses (and all that tie with the last) and more
    when a screen asks: the order and count are those of reading every course at once."""
    many = [make_course(f"t{i:02d}", provider=f"p{i % 4}", cost={"eur": 50.0 + 10 * (i % 3)},
                        start_dates=["2027-02-01" if i % 5 else "2027-03-01"])
            for i in range(70)]
    cat = open_cat(many)
    for answers in ({"goal": "digitaal"}, {"goal": "digitaal", "status": ["werkend"]},
                    {"goal": "digitaal", "postcode": "9000", "max_distance_km": 5}):
        lazy = matching.match(cat, answers, TODAY)
        lazy_ids = [r.course["id"] for r in lazy.results]
        monkeypatch.setattr(matching, "FIRST_FETCH", 10_000)
        whole = [r.course["id"] for r in matching.match(cat, answers, TODAY).results]
        monkeypatch.undo()
        assert len(lazy.results) == len(whole) == 70 and lazy_ids == whole
