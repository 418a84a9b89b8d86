"""The one description of the answers (kiosk/guidance/answers.py ANSWERS): checking, the
link, the sealed reference's packing, the counsellor's summary and the questionnaire all
follow from it, and links made before a key existed still read."""
import struct
from dataclasses import replace
from datetime import date

import pytest

from kiosk import vocab
from kiosk.booking import packing
from kiosk.booking.handoff import describe
from kiosk.booking.reference import Handoff
from kiosk.guidance import answers, questionnaire
from kiosk.guidance.answers import ANSWERS, SPECS, AnswersError, check_questionnaire

DAY = date(2027, 3, 12)


def test_every_key_is_described_once_and_checked_by_its_kind():
    assert [s.key for s in ANSWERS] == list(answers.check_answers({}))
    assert len(SPECS) == len(ANSWERS)
    for spec in ANSWERS:
        for value in spec.values:
            assert value in spec.words or spec.key == "dutch_level", (spec.key, value)


def test_the_shipped_questionnaire_offers_only_described_values():
    check_questionnaire(questionnaire.load())


def test_a_question_with_an_unknown_value_or_key_is_refused():
    goal = next(q for q in questionnaire.load() if q.id == "goal")
    wrong = replace(goal, options=goal.options + (questionnaire.Option("vliegen", "x"),))
    with pytest.raises(AnswersError, match="goal"):
        check_questionnaire([wrong])
    with pytest.raises(AnswersError, match="age"):
        check_questionnaire([replace(goal, id="age")])


def old_body(goal=1, level=0, diploma=0, status=0, masks=0, postcode=0, km=0xFFFF,
             lang=b"", kiosk=b"k1", courses=(), needs=None):
    """A body packed by the fixed layout of the first links, written out by hand."""
    out = bytearray(struct.pack(">H", (DAY - packing.EPOCH).days))
    out += bytes([goal, level, diploma, status, masks]) + struct.pack(">HH", postcode, km)
    out += bytes([len(lang)]) + lang + bytes([len(kiosk)]) + kiosk + bytes([len(courses)])
    for cid in courses:
        out += bytes([len(cid)]) + cid
    if needs is not None:
        out.append(needs)
    return bytes(out)


@pytest.mark.parametrize("body, expected", [
    (old_body(), {"goal": "diploma-secundair"}),
    (old_body(goal=2, level=3, diploma=6, status=2, masks=0b010_001, postcode=9001, km=20,
              lang=b"ar", courses=(b"C-1",)),
     {"goal": "nederlands", "dutch_level": "A2", "diploma": "buitenlands", "status": "werkend",
      "times": ["dag"], "formats": ["afstand"], "postcode": "9000", "max_distance_km": 20,
      "language": "ar"}),
    (old_body(status=0x80 | 0b101, needs=0b0101),
     {"goal": "diploma-secundair", "status": ["werkzoekend", "leefloon"],
      "needs": ["kinderopvang", "andere-taal"]}),
])
def test_bodies_of_the_first_layout_still_read_and_pack_the_same(body, expected):
    found, courses, kid, made_on, end = packing._unpack(body)
    assert found == expected and end == len(body) and made_on == DAY and kid == "k1"
    assert packing._pack(found, courses, kid, made_on) == body


def test_a_new_key_packs_after_the_courses_and_is_absent_from_older_links(monkeypatch):
    age = answers.AnswerSpec("new_key", answers.ONE_OF, ("onder-25", "25-plus"))
    monkeypatch.setattr(packing, "TRAILER", (SPECS["needs"], age))
    with_age = {"goal": "talen", "new_key": "25-plus"}
    body = packing._pack(with_age, [], "k1", DAY)
    assert body == old_body(goal=6, needs=0) + bytes([2])
    assert packing._unpack(body)[0] == with_age
    assert packing._unpack(old_body(goal=6))[0] == {"goal": "talen"}      # before it existed
    assert packing._pack({"goal": "talen"}, [], "k1", DAY) == old_body(goal=6)
    with pytest.raises(packing._Malformed):
        packing._unpack(old_body(goal=6, needs=0) + bytes([3]))          # no third value


def test_the_counsellor_reads_every_described_answer_in_the_table_order():
    a = {"goal": "beroep", "dutch_level": "B1", "status": ["werkzoekend", "werkend"],
         "postcode": "9000", "max_distance_km": 20, "needs": ["rolstoel"], "language": "uk"}
    text = describe(Handoff(a, [], "k1", DAY, True, "current", kind="sealed"))
    labels = {s.label for s in ANSWERS if s.label}
    rows = [line.split(":")[0] for line in text.splitlines() if line.split(":")[0] in labels]
    assert rows == [s.label for s in ANSWERS if s.label]
    assert "Doel: een opleiding voor een beroep" in text
    assert "Situatie: werkzoekend, werkt" in text
    assert "Postcode: 9000 (tot 20 km)" in text and "Hoe: maakt niet uit" in text
    assert "Taal van de bezoeker: Oekraïens (uk)" in text and "Diploma: weet niet" in text


def test_postcode_is_one_check_everywhere():
    assert vocab.Postcode(" 9000 ") == "9000" and vocab.Postcode(2000) == "2000"
    for wrong in ("0999", "900", "90000", "９０００", True, None, 99.0, "9 000"):
        assert vocab.Postcode.parse(wrong) is None
        with pytest.raises(ValueError):
            vocab.Postcode(wrong)
    assert vocab.region("0999") is None and vocab.region("9000") == "oost-vlaanderen"
    with pytest.raises(AnswersError, match="postcode"):
        answers.check_answers({"postcode": "0999"})
    assert answers.answers_for_link({"postcode": "0999"}) == {}


FOLLOW_UP = {"goal": "beroep", "sector": "zorg", "experience": "2-jaar-of-meer",
             "reading": "andere-taal", "age_band": "jonger-dan-25", "dutch_level": "A2"}


def test_the_follow_up_answers_travel_sealed_and_older_links_read_them_as_not_answered():
    body = packing._pack(FOLLOW_UP, ["c1"], "k1", DAY)
    found, courses, kid, made_on, end = packing._unpack(body)
    assert found == FOLLOW_UP and courses == ["c1"] and end == len(body)
    # a link made before the follow-up questions: the same bytes up to the courses
    old = packing._pack({"goal": "beroep", "dutch_level": "A2"}, ["c1"], "k1", DAY)
    assert body.startswith(old[:len(old)]) and packing._unpack(old)[0] == \
        {"goal": "beroep", "dutch_level": "A2"}
    assert [s.key for s in packing.TRAILER][-6:] == ["sector", "experience", "learn_language",
                                                      "skill", "reading", "age_band"]


def test_the_counsellor_reads_the_follow_up_answers_in_plain_words():
    text = describe(Handoff(FOLLOW_UP, [], "k1", DAY, True, "current", kind="sealed"))
    assert "Sector: zorg" in text and "Werkervaring: 2 jaar of meer werkervaring" in text
    assert "Lezen: kan een korte tekst lezen in een andere taal" in text
    assert "Leeftijd: jonger dan 25" in text and "Welke taal: weet niet" in text
    english = describe(Handoff(FOLLOW_UP, [], "k1", DAY, True, "current", kind="sealed"),
                       lang="en")
    assert "Sector: care" in english and "Age: younger than 25" in english
