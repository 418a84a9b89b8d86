"""Every visitor text in every language passes Hunspell with Debian's dictionaries
(hunspell-nl, -fr, -en-gb, -uk, -ar) and the reviewed word lists in tests/spelling/:
names.txt for names and Dutch terms kept in every language, <lang>.txt for the rest.
A new misspelling fails here; a new name goes into a list after a review."""
import json
import re
import shutil
import subprocess

import pytest
from babel.messages.pofile import read_po

from kiosk import paths

DICTIONARIES = {"nl": "nl_BE", "en": "en_GB", "fr": "fr_BE", "ar": "ar", "uk": "uk_UA"}
WORD_LISTS = paths.ROOT / "tests" / "spelling"
_PLACEHOLDER = re.compile(r"\{\w+\}")
# a word: letters (with marks), inner apostrophes and hyphens; French elisions split off
_WORD = re.compile(r"[^\W\d_](?:[\w’'-]*[^\W_])?")
# Arabic vowel marks are not letters to a regex; the dictionary spells words without them
_HARAKAT = re.compile("[\u064b-\u0652\u0670]")
_ELISION = re.compile(r"^(?:[lLdDjJnNsStTmMcC]|[qQ]u)['’]")


def _listed(name: str) -> set[str]:
    path = WORD_LISTS / name
    if not path.exists():
        return set()
    lines = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line}


def reviewed_words(lang: str) -> set[str]:
    return {w.lower() for w in _listed("names.txt") | _listed(f"{lang}.txt")}


def visitor_texts(lang: str) -> list[str]:
    """The msgstr of the language's catalog (for Dutch its msgids, which include the
    questionnaire's texts) and the glossary's sentences."""
    catalog = "en" if lang == "nl" else lang
    with (paths.LOCALES / catalog / "LC_MESSAGES" / "kiosk.po").open("rb") as fh:
        messages = [m for m in read_po(fh) if m.id]
    texts = []
    for message in messages:
        value = message.id if lang == "nl" else message.string
        texts += list(value) if isinstance(value, tuple) else [value]
    questionnaire = json.loads((paths.ASSETS / "questionnaire.json").read_text(encoding="utf-8"))
    if lang == "nl":
        for question in questionnaire["questions"]:
            texts += [question.get(k, "") for k in ("title", "hint", "none_label", "skip_label")]
            texts += [option["label"] for option in question.get("options", [])]
    glossary = json.loads((paths.ASSETS / "glossary.json").read_text(encoding="utf-8"))
    texts += [entry[lang] for entry in glossary["words"].values()]
    return [t for t in texts if t]


def words_of(text: str) -> set[str]:
    out = set()
    for word in _WORD.findall(_HARAKAT.sub("", _PLACEHOLDER.sub(" ", text))):
        word = _ELISION.sub("", word.replace("’", "'"))
        if word:
            out.add(word)
    return out


def misspelled(words: set[str], lang: str) -> list[str]:
    """The words Hunspell does not know and no reviewed list names."""
    reviewed = reviewed_words(lang)
    todo = sorted(w for w in words if w.lower() not in reviewed)
    hunspell = shutil.which("hunspell")
    assert hunspell, "hunspell is missing: scripts/setup --test installs it"
    ran = subprocess.run([hunspell, "-d", DICTIONARIES[lang], "-i", "utf-8", "-l"],
                         input="\n".join(todo), capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0 and "Can't open" not in ran.stderr, ran.stderr
    return sorted(set(ran.stdout.split()))


@pytest.mark.parametrize("lang", sorted(DICTIONARIES))
def test_every_visitor_text_is_spelled_right(lang):
    words = set().union(*map(words_of, visitor_texts(lang)))
    assert len(words) > 150
    assert misspelled(words, lang) == []


@pytest.mark.parametrize("lang, wrong", [("nl", "opleidng"), ("en", "corse"), ("fr", "formaton"),
                                         ("ar", "الدوررة"), ("uk", "курсс")])
def test_a_misspelling_is_caught(lang, wrong):
    assert misspelled({wrong, "Leerwinkel"}, lang) == [wrong]


def test_reviewed_lists_hold_no_word_the_dictionary_already_knows():
    """A list entry the dictionary knows is noise that hides real names."""
    for lang in DICTIONARIES:
        words = _listed(f"{lang}.txt")
        ran = subprocess.run(["hunspell", "-d", DICTIONARIES[lang], "-i", "utf-8", "-G"],
                             input="\n".join(sorted(words)), capture_output=True, text=True,
                             timeout=120)
        assert ran.stdout.split() == [], lang


def test_words_are_split_at_placeholders_and_elisions():
    assert words_of("l'inburgering coûte {eur} euros") == {"inburgering", "coûte", "euros"}
    assert words_of("NARIC-Vlaanderen, 'Kies'.") == {"NARIC-Vlaanderen", "Kies"}
