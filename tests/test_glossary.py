"""The glossary (kiosk/text/glossary.py): whole words, the kiosk's own texts only, in every
language, and the same term in the glossary, the catalogs and docs/terms.md."""
import pytest
from babel.messages.pofile import read_po

from kiosk import paths
from kiosk.text import glossary, i18n, words

LANGUAGES = ["nl", "en", "fr", "ar", "uk"]


def _messages(lang):
    with (paths.LOCALES / lang / "LC_MESSAGES" / "kiosk.po").open("rb") as fh:
        return [m for m in read_po(fh, locale=lang) if isinstance(m.id, str) and m.id]


def test_a_word_inside_a_name_is_not_explained():
    text = "Waar: Agentschap Integratie en Inburgering, Oost-Vlaanderen"
    assert glossary.words_in(text) == []
    # the name the screen passes (a provider's) is skipped too; the reason is still read
    reason = "gratis als je inburgering volgt\nWaar: Huis Inburgering Gent"
    assert glossary.words_in(reason, names_in_text=("Huis Inburgering Gent",)) == ["inburgering"]


def test_only_whole_words_match():
    assert glossary.words_in("leefloonaanvraag en hogescholen") == []
    assert glossary.words_in("je krijgt een leefloon.") == ["leefloon"]
    assert glossary.words_in("Leefloon") == ["leefloon"]            # at the start of a line
    assert glossary.words_in("NARIC-Vlaanderen") == ["NARIC-Vlaanderen"]
    assert glossary.words_in("Vlaanderen") == []


def test_the_longest_word_wins_where_two_overlap():
    text = words.OUTCOMES["beroepskwalificatie"]            # "… een erkend bewijs voor …"
    assert glossary.words_in(text) == ["erkend bewijs voor een beroep"]
    assert glossary.words_in("nog niet erkend") == ["erkennen"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_translated_word_is_found_in_the_visitors_language(lang):
    _ = i18n.gettext_for(lang)
    text = _("Studeren aan een hogeschool") + "\n" + _("online of op afstand: je leert thuis")
    assert glossary.words_in(text, lang) == ["hogeschool", "op afstand"]
    assert glossary.explain(text, lang) == [glossary.sentence("hogeschool", lang),
                                            glossary.sentence("op afstand", lang)]


def test_arabic_is_matched_with_or_without_vowel_marks():
    assert glossary.words_in("للدراسة في معهد عالٍ", "ar") == ["hogeschool"]
    assert glossary.words_in("للدراسة في معهد عال", "ar") == ["hogeschool"]


@pytest.mark.parametrize("lang", ["en", "fr", "ar", "uk"])
def test_the_catalog_uses_the_glossarys_term(lang):
    """Where the Dutch text holds a glossary word, the translation holds the language's term
    for it (not a synonym), and so does the glossary's own sentence."""
    checked = 0
    for message in _messages(lang):
        for word in glossary.words_in(message.id):
            own = [t for t in glossary.forms(word, lang) if t not in glossary.forms(word, "nl")]
            found = glossary.words_in(message.string, lang)
            assert word in found, (word, message.id, message.string)
            if own:
                assert any(t.lower() in glossary._MARKS.sub("", message.string).lower()
                           for t in own), (word, message.string)
            checked += 1
    assert checked > 20
    for word in glossary.entries():
        assert word in glossary.words_in(glossary.sentence(word, lang), lang), (word, lang)


def test_every_glossary_word_is_in_the_term_list():
    terms = (paths.ROOT / "docs" / "terms.md").read_text(encoding="utf-8")
    for word in glossary.entries():
        assert word in terms, word
