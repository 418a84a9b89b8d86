"""The answers format (docs/answers.md): what the questionnaire produces, `kiosk match`
reads and a booking link carries.

Each step on the answers' way is written here once:

- `read_answers`: one JSON object from a file or stdin;
- `check_answers`: every value checked against the vocabulary, into the normal form
  matching works on; AnswersError for anything the format does not know;
- `answers_that_apply`: a visit's answers without those of questions that no longer apply;
- `answers_for_link`: only what may travel in a booking link; anything else is dropped.
"""
from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

from kiosk import vocab
from kiosk.guidance import questionnaire
from kiosk.text import words
from kiosk.text.i18n import LANGUAGE_NAMES, N_, available_languages
from kiosk.text.printable import one_line

LANGUAGE = re.compile(r"[a-z]{2,3}", re.ASCII)
LINK_MAX_KM = 0xFFFE        # a link holds whole kilometres in two bytes (0xFFFF: no limit)

# the kinds of answer
ONE_OF, SOME_OF, POSTCODE, NUMBER, LANGUAGE_CODE = "single", "multi", "postcode", "number", "language"
UNKNOWN = N_("weet niet of maakt niet uit")     # the counsellor reads this for no answer


@dataclass(frozen=True)
class AnswerSpec:
    """One key of the answers, described once: checking, cleaning, the booking link, the
    sealed reference (kiosk/booking/reference.py), the counsellor's summary
    (kiosk/booking/handoff.py) and the questionnaire's options all follow from it."""
    key: str
    kind: str                       # ONE_OF, SOME_OF, POSTCODE, NUMBER or LANGUAGE_CODE
    values: tuple = ()              # ONE_OF/SOME_OF: the vocabulary, in its order
    words: Mapping[str, str] = field(default_factory=dict)   # value -> Dutch msgid
    label: str = ""                 # the counsellor's name for it (msgid); "" = no row
    unanswered: str = UNKNOWN       # what the counsellor reads when it is not answered
    readable: bool = False          # may travel readable (a reference without a secret)
    sealed: bool = True             # may travel in the sealed reference
    one_word_too: bool = False      # SOME_OF that was one word: a single word is a list of one
    most: float = 0                 # NUMBER: the largest value

    def said(self, value, _) -> str:
        """A value as the counsellor reads it, in the language of `_`."""
        return _(self.words[value]) if value in self.words else str(value)


# The answers, in the order of the format (docs/answers.md) and of the counsellor's
# summary. A new question: one AnswerSpec here (at the end: the sealed reference packs
# new keys in this order), its question in assets/questionnaire.json, the rule that uses
# it, the translations.
ANSWERS = (
    AnswerSpec("goal", ONE_OF, vocab.GOALS + (vocab.GOAL_UNSURE,), words.GOAL_LONG,
               N_("Doel"), readable=True),
    AnswerSpec("dutch_level", ONE_OF, vocab.DUTCH_LEVELS, words.DUTCH_LEVELS, N_("Nederlands")),
    AnswerSpec("diploma", ONE_OF, vocab.DIPLOMAS + (vocab.FOREIGN_DIPLOMA,), words.DIPLOMAS,
               N_("Diploma")),
    AnswerSpec("status", SOME_OF, vocab.STATUSES, words.STATUSES, N_("Situatie"),
               one_word_too=True),
    AnswerSpec("times", SOME_OF, vocab.TIMES, words.TIMES, N_("Wanneer"), N_("maakt niet uit")),
    AnswerSpec("formats", SOME_OF, vocab.FORMATS, words.FORMATS, N_("Hoe"), N_("maakt niet uit")),
    AnswerSpec("postcode", POSTCODE, label=N_("Postcode")),
    AnswerSpec("max_distance_km", NUMBER, most=1000),     # said with the postcode
    AnswerSpec("needs", SOME_OF, vocab.NEEDS, words.NEEDS, N_("Nodig"), N_("niets gezegd")),
    AnswerSpec("language", LANGUAGE_CODE, words=words.LANGUAGES,
               label=N_("Taal van de bezoeker")),
    # the follow-up questions (docs/answers.md): they follow the courses in the sealed
    # reference, in this order; an older link reads them as not answered
    AnswerSpec("sector", ONE_OF, vocab.SECTORS, words.SECTORS, N_("Sector")),
    AnswerSpec("experience", ONE_OF, vocab.EXPERIENCE, words.EXPERIENCE, N_("Werkervaring")),
    AnswerSpec("learn_language", ONE_OF, vocab.TAUGHT_LANGUAGES, words.TAUGHT_LANGUAGES,
               N_("Welke taal")),
    AnswerSpec("skill", ONE_OF, vocab.SKILLS, words.SKILLS, N_("Wat oefenen")),
    AnswerSpec("reading", ONE_OF, vocab.READING, words.READING, N_("Lezen")),
    AnswerSpec("age_band", ONE_OF, vocab.AGE_BANDS, words.AGE_BANDS, N_("Leeftijd")),
)
SPECS = {spec.key: spec for spec in ANSWERS}
ALL_GOALS = SPECS["goal"].values
ALL_DIPLOMAS = SPECS["diploma"].values
# answer key -> its vocabulary, for the kinds with one (as before the description)
SINGLE = {s.key: s.values for s in ANSWERS if s.kind == ONE_OF}
MULTI = {s.key: s.values for s in ANSWERS if s.kind == SOME_OF}
MAX_KM = SPECS["max_distance_km"].most    # max_distance_km: Belgium is about 300 km across

# limits for reading answers (docs/answers.md): answers come from files anyone can write
MAX_BYTES = 64 * 1024       # an answers file
MAX_DEPTH = 20              # lists and objects inside each other
MAX_STRING_CHARS = 1000     # one text (a key or a value)
MAX_NUMBER_CHARS = 30       # one number as written, digits, sign and exponent
SHOWN_CHARS = 40            # of a wrong value, in a message
# JSON strings (skipped whole) and brackets: what the depth check looks at
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', re.DOTALL)


class AnswersError(ValueError):
    """Answers that do not follow the format; the message says which, in plain words."""


def shown(value) -> str:
    """A wrong value as a message shows it: as JSON, escaped, at most SHOWN_CHARS long."""
    if isinstance(value, (dict, list)):
        return "an object" if isinstance(value, dict) else "a list"
    if isinstance(value, str):
        value = value[:SHOWN_CHARS * 2]
    return one_line(json.dumps(value, ensure_ascii=False), SHOWN_CHARS)


# ---------------------------------------------------------------- parse

def read_answers(source: str) -> dict:
    """An answers JSON object from a file, or stdin for '-', read within the limits."""
    try:
        if source == "-":
            raw = sys.stdin.buffer.read(MAX_BYTES + 1)
        else:
            with open(source, "rb") as fh:
                raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise AnswersError(f"The answers are larger than {MAX_BYTES // 1024} KB "
                               "(the limit for an answers file).")
        text = raw.decode("utf-8")
    except FileNotFoundError:
        raise AnswersError(f"Cannot read the answers file {one_line(source, 80)}: it does not exist.") \
            from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "it is not UTF-8 text"
        raise AnswersError(f"Cannot read the answers file {one_line(source, 80)}: {reason}.") from None
    answers = parse_answers(text)
    if not isinstance(answers, dict):
        raise AnswersError(f"The answers file {one_line(source, 80)} must hold one JSON object, "
                           'like {"goal": "nederlands"}.')
    return answers


def _check_depth(text: str) -> None:
    """AnswersError when arrays and objects nest deeper than MAX_DEPTH; one pass over the
    text, no recursion (strings are skipped, so brackets inside them do not count)."""
    depth = 0
    for token in _STRUCTURE.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise AnswersError(f"The answers nest lists or objects deeper than {MAX_DEPTH} "
                                   "levels (the limit for answers).")
        elif char in "]}":
            depth -= 1


def _number(text: str):
    if len(text) > MAX_NUMBER_CHARS:
        raise AnswersError(f"The answers hold a number of more than {MAX_NUMBER_CHARS} "
                           f"characters ({one_line(text, SHOWN_CHARS)}); numbers there are small.")
    value = float(text) if any(c in text for c in ".eE") else int(text)
    if not math.isfinite(value):
        raise AnswersError(f"The answers hold a number too large to use ({one_line(text, SHOWN_CHARS)}).")
    return value


def _no_constant(name: str):
    raise AnswersError(f"The answers hold {name}, which is not a number JSON allows.")


def _check_strings(value) -> None:
    """AnswersError for a string longer than MAX_STRING_CHARS anywhere; no recursion."""
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            todo += list(item.keys()) + list(item.values())
        elif isinstance(item, list):
            todo += item
        elif isinstance(item, str) and len(item) > MAX_STRING_CHARS:
            raise AnswersError(f"The answers hold a text of {len(item)} characters "
                               f"({shown(item)}); the limit is {MAX_STRING_CHARS}.")


def parse_answers(text: str):
    """The JSON value of text, within the limits of docs/answers.md (nesting depth, number
    and string sizes); AnswersError, one plain line, otherwise."""
    _check_depth(text)
    try:
        value = json.loads(text, parse_int=_number, parse_float=_number,
                           parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise AnswersError(f"The answers are not valid JSON (line {exc.lineno}, "
                           f"column {exc.colno}: {exc.msg}).") from None
    except RecursionError:          # the depth check makes this unreachable; kept as a net
        raise AnswersError("The answers nest too deeply to be read.") from None
    _check_strings(value)
    return value


# ---------------------------------------------------------------- validate
# one function per kind: (spec, the value given, the languages known) -> the normal form

def _one_of(spec: AnswerSpec, value, _languages) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in spec.values:
        raise AnswersError(f"Answer '{spec.key}' cannot be {shown(value)}; "
                           f"use one of: {', '.join(spec.values)}.")
    return value


def _some_of(spec: AnswerSpec, value, _languages) -> tuple[str, ...]:
    if value is None or (value == "" and spec.one_word_too):
        return ()
    if isinstance(value, str) and spec.one_word_too:
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v in spec.values
                                              for v in value):
        raise AnswersError(f"Answer '{spec.key}' must be a list of: {', '.join(spec.values)}.")
    return tuple(v for v in spec.values if v in value)


def _postcode(spec: AnswerSpec, value, _languages) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    code = vocab.Postcode.parse(value)
    if code is None:
        raise AnswersError(f"Answer '{spec.key}' must be a Belgian postcode like \"9000\".")
    return str(code)


def _kilometres(spec: AnswerSpec, value, _languages) -> float | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                              or not math.isfinite(value) or not 0 <= value <= spec.most):
        raise AnswersError(f"Answer '{spec.key}' must be a number of kilometres from 0 "
                           f"to {spec.most:g}, like 20.")
    return float(value) if value is not None else None


def _language(spec: AnswerSpec, value, known) -> str | None:
    if value is not None and value != "" and (not isinstance(value, str) or value not in known):
        raise AnswersError(f"Answer '{spec.key}' must be a language code of the kiosk "
                           f"({', '.join(sorted(known))}), not {shown(value)}.")
    return value or None


_CHECKS = {ONE_OF: _one_of, SOME_OF: _some_of, POSTCODE: _postcode, NUMBER: _kilometres,
           LANGUAGE_CODE: _language}


def check_answers(answers, languages: set[str] | None = None) -> dict:
    """The answers in the normal form: every key present, None or () for 'any', lists in
    vocabulary order, the distance a float. AnswersError (one plain line) for values the
    format does not know. Unknown keys are ignored. languages: the codes `language` may
    name (default: the kiosk's own)."""
    if not isinstance(answers, dict):
        raise AnswersError('The answers must be a JSON object, like {"goal": "digitaal"}.')
    known = known_languages() if languages is None else languages
    return {spec.key: _CHECKS[spec.kind](spec, answers.get(spec.key), known)
            for spec in ANSWERS}


def check_questionnaire(questions) -> None:
    """AnswersError when a question (kiosk/guidance/questionnaire.py) fills a key this
    description does not know, or offers a value its key cannot hold."""
    kinds = {ONE_OF: "choice", SOME_OF: "multi", POSTCODE: "postcode", NUMBER: "choice"}
    for question in questions:
        spec = SPECS.get(question.id)
        if spec is None or kinds.get(spec.kind) != question.kind:
            raise AnswersError(f"Question '{question.id}' ({question.kind}) fills no answer "
                               "of that kind in kiosk/guidance/answers.py.")
        for option in question.options:
            if option.value is not None:    # a multiple choice offers its values one by one
                value = [option.value] if spec.kind == SOME_OF else option.value
                _CHECKS[spec.kind](spec, value, set())


# ---------------------------------------------------------------- clean

def answers_that_apply(answers: dict) -> dict:
    """The answers without those of questions that no longer apply (e.g. after the goal
    changed, the diploma is not asked for learning Dutch)."""
    out = dict(answers)
    for question in questionnaire.load():
        if question.id in out and not question.applies(out):
            out.pop(question.id)
    return out


def known_languages(cfg=None) -> set[str]:
    """The language codes an answer may name: the kiosk's own (named or with a shipped
    translation) and the site's."""
    codes = set(LANGUAGE_NAMES) | set(available_languages())
    if cfg is not None:
        codes |= {c for c in cfg.site.languages if isinstance(c, str) and LANGUAGE.fullmatch(c)}
    return codes


def _link_value(spec: AnswerSpec, value, languages):
    """The value as a link carries it, None when it may not travel."""
    if spec.kind == ONE_OF:
        return value if isinstance(value, str) and value in spec.values else None
    if spec.kind == SOME_OF:
        if isinstance(value, str) and spec.one_word_too:
            value = [value]
        if not isinstance(value, (list, tuple)):
            return None
        kept = [v for v in spec.values if v in {c for c in value if isinstance(c, str)}]
        if spec.one_word_too and len(kept) == 1:
            return kept[0]      # one status stays one word, as links always carried it
        return kept or None
    if spec.kind == POSTCODE:
        return value if isinstance(value, str) and vocab.Postcode.parse(value) == value else None
    if spec.kind == NUMBER:
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and math.isfinite(value) and 0 <= value <= LINK_MAX_KM:
            return math.ceil(value)
        return None
    if isinstance(value, str) and value in languages and LANGUAGE.fullmatch(value):
        return value
    return None


def answers_for_link(answers, languages: set[str] | None = None) -> dict:
    """What of the answers may travel in a booking link: the described keys that may
    travel sealed, with values from the vocabulary, a Belgian postcode, whole kilometres,
    a known language code. Anything else (free text, personal data, other keys) is
    dropped, and so are missing, null and "any" (empty list) answers."""
    if not isinstance(answers, dict):
        return {}
    languages = known_languages() if languages is None else languages
    out = {}
    for spec in ANSWERS:
        if spec.sealed or spec.readable:
            value = _link_value(spec, answers.get(spec.key), languages)
            if value is not None:
                out[spec.key] = value
    return out
