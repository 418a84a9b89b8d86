"""The upper half of a portrait screen, seen from afar and never touched: the site's name,
the step, the question with its pictogram, what the visitor asked above the results, and
a welcome that invites passers-by in every language (docs/accessibility.md)."""
import pytest

from kiosk.guidance import asked
from kiosk.text import i18n

ANSWERS = [["answer", "goal", "nederlands"], ["layout", "question"], ["spoken", "question"],
           ["answer", "dutch_level", "A1"], ["answer", "reading", None],
           ["answer", "status", "werkend"], ["answer", "needs", None],
           ["answer", "times", ["avond"]], ["answer", "formats", None], ["answer", "postcode", "9000"],
           ["layout", "results"], ["spoken", "results"]]


def _above_reach(record, view):
    """The texts drawn wholly above the rows within reach."""
    high = record["layouts"][view]["band"][1]
    return {label["text"] for label in record["spoken"][view]["labels"]
            if label["rect"][1] >= high}


@pytest.mark.parametrize("lang", ["nl", "ar"])
def test_the_upper_half_shows_the_site_the_step_the_question_and_what_was_asked(run_visit, lang):
    _ = i18n.gettext_for(lang)
    steps = ([] if lang == "nl" else [["lang", lang]]) + [["start"]] + ANSWERS
    record = run_visit(steps, size="1080x1920")
    question = _above_reach(record, "question")
    assert "Leerwinkel" in question                   # the site's name (the default config's)
    assert {_("Hoe goed spreek je Nederlands?"),
            _("Vraag {number} van {total}").format(number=2, total=8)} <= question
    results = _above_reach(record, "results")
    lines = asked.summary({"goal": "nederlands", "postcode": "9000", "times": ["avond"]}, lang)
    assert [line.text for line in lines] == [_("Nederlands leren"), "9000 Gent", _("'s Avonds")]
    assert {"Leerwinkel", _("Je zoekt:"), *(line.text for line in lines)} <= results


def test_landscape_keeps_its_rows_for_the_list(run_visit):
    record = run_visit([["start"], *ANSWERS], size="1920x1080")
    shown = {label["text"] for label in record["spoken"]["results"]["labels"]}
    assert "Je zoekt:" not in shown and "9000 Gent" not in shown


def test_the_welcome_greets_in_each_language_in_turn_and_keeps_the_staff_gesture(run_visit):
    # choosing a language starts the cycle from it; the next one follows after a while
    steps = [["lang", "en"], ["lang", "nl"], ["spoken", "first"], ["wait", 7.8],
             ["spoken", "later"], ["staff"], ["wait", 0.3]]
    record = run_visit(steps)
    first = {label["text"]: label for label in record["spoken"]["first"]["labels"]}
    later = {label["text"]: label for label in record["spoken"]["later"]["labels"]}
    assert "Welkom" in first and "Welcome" not in first
    assert later["Welcome"]["speech_lang"] == "en"
    assert later["Find a course that suits you."]["speech_lang"] == "en"
    assert "Start" in later and "Welkom" not in later      # the controls stay in Dutch
    assert record["screens"][-1] == "staff"      # five taps (no PIN set outside kiosk mode)
