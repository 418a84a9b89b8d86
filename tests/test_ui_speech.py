"""Read aloud and Arabic, checked on the real widget tree of a running kiosk.

Per language, every screen's spoken text (built from its widgets) holds every text it
shows; Arabic labels are decoded back from what they draw; the visit after an Arabic one
is laid out as Dutch again.
"""
import re

import pytest
from bidi.algorithm import get_display

from kiosk.text import glossary, i18n, spoken_forms
from kiosk.text.arabic import reshape

LANGUAGES = ["nl", "en", "fr", "ar", "uk"]
VISIT = [["start"], ["spoken", "question"], ["answer", "goal", "nederlands"],
         ["answer", "dutch_level", "A2"], ["spoken", "status"], ["answer", "status", "werkend"],
         ["answer", "needs", None], ["answer", "times", None], ["answer", "formats", None],
         ["answer", "postcode", "9000"],
         ["spoken", "results"], ["open", 0], ["spoken", "detail"], ["back"], ["mark", 0],
         ["booking"], ["spoken", "booking"], ["idle", 121], ["spoken", "idle-warning"],
         ["tap", "Ik heb meer tijd nodig"], ["wait", 0.5], ["tap", "Taal"], ["wait", 0.5],
         ["spoken", "language"]]
PRESENTATION_FORMS = range(0xFB50, 0xFF00)


def _visit(lang):
    return ([] if lang == "nl" else [["lang", lang]]) + [["spoken", "welcome"]] + VISIT


def _expected(line: str) -> str:
    """The expected drawing of one line: reshaped and bidi-ordered right to left, with
    every run of Latin words and numbers embedded left to right (LRE ... PDF)."""
    if not re.search("[\u0600-\u06FF]", line):
        return line
    embedded = re.sub(r"[A-Za-z0-9\u00C0-\u024F](?:[A-Za-z0-9\u00C0-\u024F .,:/+'’&@-]*"
                      r"[A-Za-z0-9\u00C0-\u024F])?", lambda m: f"\u202a{m.group(0)}\u202c", line)
    return get_display(reshape(embedded), base_dir="R")


def _decodes(text: str, drawn: str) -> bool:
    """The drawn lines are, in order, the logical words of text each shaped as one line."""
    for paragraph, lines in zip(text.split("\n"), _paragraph_lines(text, drawn)):
        words = paragraph.split(" ")
        for line in lines:
            for count in range(1, len(words) + 1):
                if _expected(" ".join(words[:count])) == line:
                    words = words[count:]
                    break
            else:
                return False
        if words:
            return False
    return True


def _paragraph_lines(text, drawn):
    """Split the drawn lines into groups, one per paragraph of text (by word counts)."""
    lines, out = drawn.split("\n"), []
    for paragraph in text.split("\n"):
        group, words = [], len(paragraph.split(" "))
        while lines and words > 0:
            line = lines.pop(0)
            group.append(line)
            words -= len(line.split(" "))
        out.append(group or [lines.pop(0)] if lines or group else group)
    return out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_screen_says_everything_it_shows(run_visit, lang):
    record = run_visit(_visit(lang))
    views = record["spoken"]
    assert set(views) == {"welcome", "question", "status", "results", "detail", "booking",
                          "idle-warning", "language"}
    for name, view in views.items():
        said = spoken_forms.without_marks(" ".join(text for text, _ in view["spoken"]))
        said = said.replace("كيلومتر", "كم")          # km said in full (tests/test_speech.py)
        shown = [label["text"] for label in view["labels"]]
        assert shown, name
        for text in shown:
            for line in text.split("\n"):
                line = spoken_forms.without_marks(" ".join(line.split()))
                assert line in " ".join(said.split()), (name, line)
        assert all(code in i18n.LANGUAGE_NAMES for _, code in view["spoken"])
    # each language's name on the picker in its own voice; titles and providers in Dutch
    picker = dict(views["language"]["spoken"][1:])
    assert {code for code in picker.values()} >= {"nl", "en", "fr", "ar", "uk"}
    assert picker.get("Nederlands") == "nl" and picker.get("Українська") == "uk"
    # the answers say leefloon and inburgering: the glossary explains both under the hint
    status_texts = "\n".join(label["text"] for label in views["status"]["labels"])
    for word in ("leefloon", "inburgering"):
        assert glossary.sentence(word, lang) in status_texts
    detail_langs = [code for _, code in views["detail"]["spoken"]]
    assert "nl" in detail_langs and lang in detail_langs


@pytest.mark.parametrize("size", ["1080x1920", "1280x800"])
def test_arabic_detail_and_booking_draw_each_translation_shaped_once(run_visit, size):
    record = run_visit(_visit("ar"), size=size)
    _ = i18n.gettext_for("ar")
    for name in ("detail", "booking", "results", "question"):
        arabic = [label for label in record["spoken"][name]["labels"]
                  if any("\u0600" <= c <= "\u06FF" for c in label["text"])]
        assert len(arabic) >= 3, name
        for label in arabic:
            # logical text holds no presentation forms: nothing was shaped before drawing
            assert not any(ord(c) in PRESENTATION_FORMS for c in label["text"]), label
            assert _decodes(label["text"], label["drawn"]), (name, label)
            assert label["drawn_font_size"] == pytest.approx(label["font_size"] * 1.2)
            # phone numbers, dates and Dutch addresses keep their order inside Arabic
            for number in re.findall(r"\d[\d /]*\d", label["text"]):
                assert number in label["drawn"], (number, label)
    detail = {label["text"]: label for label in record["spoken"]["detail"]["labels"]}
    heading = detail[_("Praktisch")]
    assert heading["drawn"] == get_display(reshape(_("Praktisch")), base_dir="R")
    assert heading["drawn_halign"] == "right"
    facts = next(text for text in detail if _("Waar: {place}").split(":")[0] in text)
    assert facts.split("\n")[0].startswith(_("Wanneer en hoe: {what}").split(":")[0])


def test_the_visit_after_an_arabic_one_is_laid_out_in_dutch(run_visit):
    steps = _visit("ar")[:4] + [["tap", "Opnieuw"], ["tap", "Ja, wis alles"],
                                 ["spoken", "next-welcome"]]
    record = run_visit(steps)
    before = {label["text"]: label for label in record["spoken"]["welcome"]["labels"]}
    after = {label["text"]: label for label in record["spoken"]["next-welcome"]["labels"]}
    assert "Welkom" in after and "Zoek een opleiding die bij je past." in after
    for text in ("Welkom", "Zoek een opleiding die bij je past."):
        assert after[text]["drawn_halign"] == "center"
        assert after[text]["drawn"] == text
    assert i18n.gettext_for("ar")("Welkom") in before
    assert all(label["drawn_font_size"] == label["font_size"] for label in after.values()
               if label["text"] != "العربية")


def test_the_same_button_stops_and_restarts_speech_and_new_screens_are_read(
        run_visit, kiosk_env, tmp_path):
    # this machine has no sound card: the kiosk writes its speech to files and takes as
    # long as playing them would
    kiosk_env["KIOSK_SPEECH_WAV_DIR"] = str(tmp_path)
    from kiosk.guidance import questionnaire
    level = next(q for q in questionnaire.load() if q.id == "dutch_level")
    steps = [["start"], ["tap", "Voorlezen"], ["spoken", "on"], ["tap", "Stop"],
             ["spoken", "off"], ["tap", "Voorlezen"], ["answer", "goal", "nederlands"],
             ["wait", 1], ["spoken", "next"]]
    record = run_visit(steps)
    on, off, after = (record["spoken"][name] for name in ("on", "off", "next"))
    assert on["speaking"] and on["speech_on"]
    assert not off["speaking"] and not off["speech_on"]
    assert after["speech_on"] and level.title in after["last_spoken"]
    assert (tmp_path / "000-nl.wav").stat().st_size > 20_000    # espeak-ng really spoke
