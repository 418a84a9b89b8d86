"""Plain language: the glossary, plural forms and the words visitors read."""
import re

import pytest
from babel.messages.pofile import read_po

from kiosk import paths
from kiosk.text import glossary, i18n, words

LANGUAGES = ["nl", "en", "fr", "ar", "uk"]
JARGON = ("beroepskwalificatie", "deelcertificaat", "attest", "volstaat", "inburgeraar",
          "klassikaal")


def _catalog(lang):
    with (paths.LOCALES / lang / "LC_MESSAGES" / "kiosk.po").open("rb") as fh:
        return read_po(fh, locale=lang)


def test_every_glossary_word_has_one_short_sentence_in_every_language():
    assert {"opleidingscheques", "leefloon", "NARIC-Vlaanderen"} <= set(glossary.entries())
    for word, texts in glossary.entries().items():
        assert set(texts) == set(LANGUAGES), word
        for lang, sentence in texts.items():
            assert 20 < len(sentence) < 160 and sentence.count(".") <= 2, (word, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_translated_reason_keeps_its_glossary_word_so_the_kiosk_explains_it(lang):
    _ = i18n.gettext_for(lang)
    text = _("je kan betalen met opleidingscheques")
    assert glossary.words_in(text) == ["opleidingscheques"]
    assert glossary.explain(text, lang) == [glossary.entries()["opleidingscheques"][lang]]


def test_visitor_words_carry_no_unexplained_jargon():
    texts = [*words.OUTCOMES.values(), *words.GOAL_REASONS.values(), *words.FREE_FOR.values(),
             *words.REDUCED_FOR.values(), *words.FORMATS.values(), *words.TIMES.values()]
    for text in texts:
        assert not any(word in text.lower() for word in JARGON), text
    # the vocabulary's ids stay: answers, the feed and the command line use them
    assert set(words.OUTCOMES) == {"diploma-secundair", "certificaat", "beroepskwalificatie",
                                   "deelcertificaat", "attest", "geen", "diploma-hoger"}


@pytest.mark.parametrize("lang", ["en", "fr", "ar", "uk"])
def test_counts_have_every_plural_form_filled(lang):
    catalog = _catalog(lang)
    plurals = [m for m in catalog if m.id and isinstance(m.id, tuple)]
    assert len(plurals) >= 6
    for message in plurals:
        assert len(message.string) == catalog.num_plurals and all(message.string), message.id
    ngettext = i18n.ngettext_for(lang)
    one = ngettext("{count} opleiding past bij jou.", "{count} opleidingen passen bij jou.", 1)
    many = ngettext("{count} opleiding past bij jou.", "{count} opleidingen passen bij jou.", 5)
    assert one != many


def test_informal_address_in_french_and_ukrainian_and_no_kiosk_stall_in_arabic():
    for message in _catalog("fr"):
        if message.id and isinstance(message.string, str) and "booking" not in message.id:
            assert not re.search(r"(?<!-)\b[Vv]ous\b", message.string), message.id
    for message in _catalog("uk"):
        if message.id and isinstance(message.string, str):
            assert not re.search(r"\b(Ви|Вас|Вам|Ваш\w*)\b", message.string), message.id
    assert not any("الكشك" in (m.string if isinstance(m.string, str) else "")
                   for m in _catalog("ar"))


def test_read_aloud_captions_are_short_enough_for_their_button():
    for lang in LANGUAGES:
        _ = i18n.gettext_for(lang)
        assert len(_("Voorlezen")) <= 10 and len(_("Stop")) <= 10, lang


def _strings(lang):
    for message in _catalog(lang):
        if message.id:
            yield from (message.string if isinstance(message.string, tuple) else [message.string])


def test_french_says_tu_and_on_with_non_breaking_spaces():
    texts = list(_strings("fr")) + [glossary.sentence(w, "fr") for w in glossary.entries()]
    for text in texts:
        assert not re.search(r"(?<!-)\b(?:[Vv]ous|[Nn]ous|[Vv]otre|[Vv]os)\b", text), text
        assert not re.search(r"[ \t][:;?!»]|«[ \t]", text), text      # a plain space there
        assert not re.search(r"\w[;?!»]", text), text                  # or none at all


def test_ukrainian_has_no_gender_slash_forms():
    texts = list(_strings("uk")) + [glossary.sentence(w, "uk") for w in glossary.entries()]
    for text in texts:
        assert not re.search(r"\w\(-?[а-яіїєґ]{1,3}\)|\w/[а-яіїєґ]{1,3}\b", text), text


def test_arabic_instructions_are_in_the_imperative():
    _ = i18n.gettext_for("ar")
    nouns = ("اختيار", "حجز", "البدء", "مسح", "البحث", "الاتصال", "السؤال")
    for message in _catalog("ar"):
        # "Vraag {number} van {total}" is the step ("Question 2 of 8"), a heading, not "ask"
        instruction = r"(Kies|Maak|Scan|Zoek|Praat|Tik|Vraag(?! \{)|vraag|Start$)"
        if isinstance(message.id, str) and re.match(instruction, message.id):
            assert not message.string.startswith(nouns), (message.id, message.string)
    assert _("Kies om te bespreken") in _("Wil je over een opleiding praten? Tik op 'Kies om te "
                                          "bespreken'. Tik dan op de blauwe knop onderaan.")


@pytest.mark.parametrize("lang", ["nl", "en", "fr", "ar", "uk"])
def test_one_word_per_concept(lang):
    """The synonyms docs/terms.md rules out do not come back."""
    banned = {"nl": [r"\bgsm\b", r"\bmiddelbaar\b", ";"],
              "en": [r"living wage", r"\bwelfare\b", r"\bcatalog\b"],
              "fr": [r"\baccueil\b", r"chèques formation"], "uk": [r"соцдопомог", r"ґрадуат"],
              "ar": ["الكتالوج", "فلاندرن", "دخل معيشي", "تدريبات", r"(?<!ال)تدريب\s"]}[lang]
    texts = ([m.id for m in _catalog("en") if isinstance(m.id, str) and m.id and "booking" not in m.id]
             if lang == "nl" else list(_strings(lang)))
    texts += [glossary.sentence(w, lang) for w in glossary.entries()]
    for text in texts:
        for pattern in banned:
            assert not re.search(pattern, text), (pattern, text)
