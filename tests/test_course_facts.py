"""The practical facts of a course on the detail screen."""
from datetime import date

from kiosk.guidance import course_facts
from kiosk.text.i18n import gettext_for

TODAY = date(2027, 2, 1)
COURSE = {"times": ["avond", "weekend"], "format": "combinatie", "hours_per_week": 4.5,
          "duration_weeks": 20, "start_dates": ["2026-09-01", "2027-02-01", "2027-03-01",
                                                "2027-04-01", "2027-09-01"],
          "flexible_start": False, "location_name": "Campus", "street": "Straat 1",
          "postcode": "9000", "city": "Gent", "cost_eur": 179.6, "wheelchair": True,
          "childcare": False}


def test_upcoming_starts_are_today_or_later_and_at_most_three():
    assert course_facts.upcoming_starts(COURSE, TODAY) == \
        [date(2027, 2, 1), date(2027, 3, 1), date(2027, 4, 1)]
    assert course_facts.upcoming_starts(COURSE, date(2027, 9, 2)) == []


def test_facts_in_order_and_missing_ones_left_out():
    facts = course_facts.practical_facts(COURSE, {"phone": "09 123"}, 3.4, "nl", TODAY)
    assert facts == [
        "Wanneer en hoe: op avonden, in het weekend, deels in de klas, deels online",
        "4.5 uur per week", "20 weken", "Start: 1/2/2027, 1/3/2027, 1/4/2027",
        "Waar: Campus, Straat 1, 9000 Gent", "Afstand: 3 km", "Prijs: 180 euro",
        "Toegankelijk met een rolstoel", "Telefoon: 09 123"]
    bare = {"format": "afstand", "flexible_start": True, "start_dates": []}
    assert course_facts.practical_facts(bare, {}, None, "nl", TODAY) == [
        "Wanneer en hoe: online of op afstand: je leert thuis", "Je kan op elk moment starten."]
    past = dict(COURSE, start_dates=["2026-09-01"], cost_eur=None)
    text = "\n".join(course_facts.practical_facts(past, {}, None, "nl", TODAY))
    assert "Start" not in text and "Prijs" not in text


def test_facts_speak_the_visitors_language():
    facts = course_facts.practical_facts(COURSE, {}, None, "en", TODAY)
    assert course_facts.visitor_price(COURSE, None, gettext_for("en")) in facts
    assert not any(line.startswith(("Prijs", "Waar:")) for line in facts)


def test_lists_are_joined_with_the_languages_own_comma():
    course = dict(COURSE, free_for=["werkzoekend", "leefloon"])
    arabic = course_facts.visitor_price(course, None, gettext_for("ar"))
    assert "، " in arabic and ", " not in arabic
    assert ", " in course_facts.visitor_price(course, None, gettext_for("fr"))
    facts = course_facts.practical_facts(COURSE, {}, None, "ar", TODAY)
    when, starts = facts[0], facts[3]
    assert "، " in when and "، " in starts and ", " not in when + starts


def test_a_fraction_of_hours_keeps_its_number_in_every_language():
    for lang in ("nl", "en", "fr", "ar", "uk"):
        facts = course_facts.practical_facts(COURSE, {}, None, lang, TODAY)
        assert any("4.5" in line for line in facts), (lang, facts)
