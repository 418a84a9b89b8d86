"""What the results screen repeats of the visitor's answers (kiosk/guidance/asked.py)."""
from kiosk.guidance import asked
from kiosk.text import i18n

ANSWERS = {"goal": "nederlands", "dutch_level": "A1", "status": ["werkzoekend"],
           "times": ["avond", "weekend"], "formats": ["online"], "postcode": "9000",
           "max_distance_km": 20}


def test_the_goal_the_place_and_the_times_in_that_order():
    """A distance from an answers file is not repeated: no screen asks it any more."""
    lines = asked.summary(ANSWERS, "nl")
    assert [line.text for line in lines] == ["Nederlands leren", "9000 Gent",
                                             "'s Avonds, In het weekend"]
    assert [line.icon for line in lines] == ["goal-dutch.png", "location.png",
                                             "question-times.png"]


def test_one_time_shows_its_own_pictogram():
    lines = asked.summary({**ANSWERS, "times": ["dag"]}, "nl")
    assert lines[-1] == asked.Line("time-day.png", "Overdag")


def test_in_the_visitors_language_with_the_place_as_the_data_spell_it():
    _ = i18n.gettext_for("ar")
    lines = asked.summary(ANSWERS, "ar")
    assert lines[0].text == _("Nederlands leren") != "Nederlands leren"
    assert lines[1].text == "9000 Gent"
    assert lines[2].text == i18n.join_list([_("'s Avonds"), _("In het weekend")], "ar")


def test_unknown_answers_are_left_out_not_shown_blank():
    answers = {"goal": "beroep", "postcode": None, "times": [], "max_distance_km": None}
    assert [line.text for line in asked.summary(answers, "en")] == [
        i18n.gettext_for("en")("Leren voor een beroep")]
    assert asked.summary({}, "nl") == []
