"""docs/feed.schema.json agrees with the rules a refresh checks (kiosk/catalog/check.py),
and with the vocabulary."""
import json

import pytest
from conftest import make_course, provider

from kiosk import paths, vocab
from kiosk.catalog import check
from kiosk.catalog import schema as feed_schema
from kiosk.catalog.report import FeedRefused, Rejected

BAD = {                                 # a change to a good course -> rejected by both
    "no goal": {"goals": []},
    "unknown goal": {"goals": ["koken"]},
    "unknown format": {"format": "hybride"},
    "no times in a classroom": {"times": []},
    "unknown time": {"times": ["nacht"]},
    "no start": {"start_dates": []},
    "no date": {"start_dates": ["2027-02-30"]},
    "date as a number": {"start_dates": [20270201]},
    "flexible as text": {"flexible_start": "ja"},
    "no place": {"location": {}},
    "short postcode": {"location": {"postcode": "900"}},
    "lat without lon": {"location": {"postcode": "9000", "lat": 51.0}},
    "lat off the globe": {"location": {"postcode": "9000", "lat": 100, "lon": 3}},
    "negative price": {"cost": {"eur": -1}},
    "unknown status": {"cost": {"free_for": ["rijk"]}},
    "cheques as text": {"cost": {"opleidingscheques": "ja"}},
    "ftp link": {"url": "ftp://example.org"},
    "unknown outcome": {"outcome": "medaille"},
    "unknown level": {"requires": {"dutch_level": "Z9"}},
    "half an age": {"requires": {"min_age": 17.5}},
    "no Dutch title": {"title": {"en": "Course"}},
    "blank Dutch title": {"title": {"nl": "   "}},
    "title as text": {"title": "Cursus"},
    "no id": {"id": ""},
    "summary as number": {"summary": {"nl": 5}},
    "negative hours": {"hours_per_week": -1},
    "weeks in halves": {"duration_weeks": 2.5},
    "wheelchair as text": {"accessibility": {"wheelchair": "ja"}},
    "bad last_verified": {"last_verified": "2027-13-01"},
    "long title": {"title": {"nl": "x" * 301}},
    "periods in halves": {"lesson_periods": 40.5},
    "too many periods": {"lesson_periods": 10_001},
    "unknown study area": {"study_area": "koken"},
    "richtgraad 5": {"richtgraad": 5},
    "richtgraad as text": {"richtgraad": "2"},
    "unknown region": {"region": "wallonie"},
    "price for an unknown group": {"cost": {"price_for": {"rijk": 10}}},
    "negative group price": {"cost": {"price_for": {"leefloon": -1}}},
    "empty group prices": {"cost": {"price_for": {}}},
    "negative material": {"cost": {"material_eur": -5}},
    "unknown sector": {"sectors": ["ruimtevaart"]},
    "sector as text": {"sectors": "zorg"},
    "unknown taught language": {"teaches_language": "xx"},
    "unknown skill": {"skills": ["zingen"]},
    "unknown literacy": {"literacy": "soms"},
    "age in halves": {"requires": {"max_age": 24.5}},
    "age past any life": {"requires": {"max_age": 121}},
    "negative experience": {"requires": {"experience_years": -1}},
    "a route kind unknown": {"kind": "avontuur"},
}
GOOD = {                                # a change to a good course -> accepted by both
    "as written": {},
    "distance without times": {"format": "afstand", "times": []},
    "flexible start only": {"start_dates": [], "flexible_start": True},
    "postcode as a number": {"location": {"postcode": 9000}},
    "coordinates": {"location": {"postcode": "9000", "lat": 51.05, "lon": 3.72}},
    "nulls": {"outcome": None, "cost": None, "url": None, "requires": None},
    "last_verified": {"last_verified": "2026-11-01"},
    "a route kind": {"kind": "intake"},
    "Dutch levels": {"dutch_levels": {"from": "A1", "to": "A2"}},
    "other fields": {"teacher": "Els"},
    "fee facts": {"lesson_periods": 120, "study_area": "nt2", "richtgraad": 2,
                  "region": "brussel"},
    "what decides the route": {"sectors": ["zorg", "kinderopvang"], "teaches_language": "en",
                               "skills": ["rekenen"], "literacy": "alfa",
                               "requires": {"min_age": 15, "max_age": 24,
                                            "experience_years": 2}},
    "new route kinds": {"kind": "youth-route"},
    "nulls of what decides the route": {"sectors": None, "skills": None, "literacy": None,
                                        "teaches_language": None},
    "group prices": {"cost": {"eur": 90, "price_for": {"leefloon": 0, "werkzoekend": 30},
                              "material_eur": 25}},
}


def document(course) -> dict:
    return {"format": "leerwinkel-catalog", "version": 1, "generated_at": "2026-11-20T08:00:00Z",
            "publisher": "Test", "providers": [provider("p1")], "courses": [course]}


def checks_accept(course) -> bool:
    try:
        check.check_course(course)
        return True
    except Rejected:
        return False


@pytest.mark.parametrize("change", BAD.values(), ids=BAD.keys())
def test_schema_and_checks_both_reject(change):
    course = {**make_course("c1"), **change}
    assert not checks_accept(course)
    assert feed_schema.problems(document(course))


@pytest.mark.parametrize("change", GOOD.values(), ids=GOOD.keys())
def test_schema_and_checks_both_accept(change):
    course = {**make_course("c1"), **change}
    assert checks_accept(course)
    assert feed_schema.problems(document(course)) == []


def test_the_bundled_sample_is_valid_under_the_schema():
    sample = json.loads(paths.SAMPLE_CATALOG.read_text(encoding="utf-8"))
    assert feed_schema.problems(sample) == []


def test_the_schema_lists_the_vocabulary():
    schema = json.loads(feed_schema.SCHEMA.read_text(encoding="utf-8"))
    course = schema["$defs"]["course"]["properties"]
    assert course["goals"]["items"]["enum"] == list(vocab.GOALS)
    assert course["format"]["enum"] == list(vocab.FORMATS)
    assert course["kind"]["enum"] == list(vocab.KINDS)
    assert course["times"]["items"]["enum"] == list(vocab.TIMES)
    assert course["outcome"]["anyOf"][0]["enum"] == list(vocab.OUTCOMES)
    assert course["dutch_levels"]["properties"]["from"]["enum"] == list(vocab.DUTCH_LEVELS)
    requires = course["requires"]["anyOf"][0]["properties"]
    assert requires["diploma"]["anyOf"][0]["enum"] == list(vocab.DIPLOMAS)
    cost = course["cost"]["anyOf"][0]["properties"]
    assert cost["free_for"]["anyOf"][0]["items"]["enum"] == list(vocab.STATUSES)
    kinds = schema["$defs"]["provider"]["properties"]["type"]["anyOf"][0]["enum"]
    assert kinds == list(vocab.PROVIDER_TYPES)
    assert course["study_area"]["anyOf"][0]["enum"] == list(vocab.STUDY_AREAS)
    assert course["richtgraad"]["anyOf"][0]["enum"] == list(vocab.RICHTGRADEN)
    assert course["region"]["anyOf"][0]["enum"] == list(vocab.FEE_REGIONS)
    prices = cost["price_for"]["anyOf"][0]["propertyNames"]["enum"]
    assert prices == list(vocab.STATUSES)


def test_an_old_cbe_provider_loads_as_ligo():
    assert check.check_provider({"id": "p", "name": "Centrum", "type": "cbe"})["type"] == "ligo"
    assert feed_schema.problems({**document(make_course("c1")),
                                 "providers": [{"id": "p1", "name": "P", "type": "cbe"}]}) == []


def test_a_document_that_is_not_a_feed_is_refused_by_both(tmp_path):
    for header in ({"format": "other"}, {"version": 2}, {"version": True}):
        doc = {**document(make_course("c1")), **header}
        assert feed_schema.problems(doc)
        with pytest.raises(FeedRefused):
            check.check_header(doc, doc["providers"], True)
