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

from kiosk import vocab
from kiosk.guidance import questionnaire
from kiosk.text.i18n import LANGUAGE_NAMES, available_languages
from kiosk.text.printable import one_line

ALL_GOALS = vocab.GOALS + (vocab.GOAL_UNSURE,)
ALL_DIPLOMAS = vocab.DIPLOMAS + (vocab.FOREIGN_DIPLOMA,)
# answer key -> its vocabulary (one value each), in the order of the format
SINGLE = {"goal": ALL_GOALS, "dutch_level": vocab.DUTCH_LEVELS, "diploma": ALL_DIPLOMAS}
# answer key -> its vocabulary (a list of values; `status` may also be one word, as before)
MULTI = {"times": vocab.TIMES, "formats": vocab.FORMATS, "status": vocab.STATUSES,
         "needs": vocab.NEEDS}
ONE_WORD_TOO = ("status",)  # keys that were one word: a single word is a list of one
POSTCODE = re.compile(r"[0-9]{4}", re.ASCII)
LANGUAGE = re.compile(r"[a-z]{2,3}", re.ASCII)
LINK_MAX_KM = 0xFFFE        # a link holds whole kilometres in two bytes (0xFFFF: no limit)

# limits for reading answers (docs/answers.md): answers come from files anyone can write
MAX_BYTES = 64 * 1024       # an answers file
MAX_DEPTH = 20              # lists and objects inside each other
MAX_STRING_CHARS = 1000     # one text (a key or a value)
MAX_NUMBER_CHARS = 30       # one number as written, digits, sign and exponent
MAX_KM = 1000               # max_distance_km: Belgium is about 300 km across
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

def _one_of(answers: dict, key: str, values: tuple) -> str | None:
    value = answers.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in values:
        raise AnswersError(f"Answer '{key}' cannot be {shown(value)}; "
                           f"use one of: {', '.join(values)}.")
    return value


def _some_of(answers: dict, key: str, values: tuple) -> tuple[str, ...]:
    value = answers.get(key)
    if value is None or (value == "" and key in ONE_WORD_TOO):
        return ()
    if isinstance(value, str) and key in ONE_WORD_TOO:
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v in values
                                              for v in value):
        raise AnswersError(f"Answer '{key}' must be a list of: {', '.join(values)}.")
    return tuple(v for v in values if v in value)


def check_answers(answers, languages: set[str] | None = None) -> dict:
    """The answers in the normal form: every key present, None or () for 'any', lists in
    vocabulary order, the distance a float. AnswersError (one plain line) for values the
    format does not know. Unknown keys are ignored. languages: the codes `language` may
    name (default: the kiosk's own)."""
    if not isinstance(answers, dict):
        raise AnswersError('The answers must be a JSON object, like {"goal": "digitaal"}.')
    out = {key: _one_of(answers, key, values) for key, values in SINGLE.items()}
    out |= {key: _some_of(answers, key, values) for key, values in MULTI.items()}
    out["postcode"] = _postcode(answers.get("postcode"))
    km = answers.get("max_distance_km")
    if km is not None and (isinstance(km, bool) or not isinstance(km, (int, float))
                           or not math.isfinite(km) or not 0 <= km <= MAX_KM):
        raise AnswersError("Answer 'max_distance_km' must be a number of kilometres from 0 "
                           f"to {MAX_KM}, like 20.")
    out["max_distance_km"] = float(km) if km is not None else None
    lang = answers.get("language")
    known = known_languages() if languages is None else languages
    if lang is not None and lang != "" and (not isinstance(lang, str) or lang not in known):
        raise AnswersError(f"Answer 'language' must be a language code of the kiosk "
                           f"({', '.join(sorted(known))}), not {shown(lang)}.")
    out["language"] = lang or None
    return out


def _postcode(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        value = str(value)
    if not isinstance(value, str) or not (POSTCODE.fullmatch(value.strip())
                                          or not value.strip()):
        raise AnswersError("Answer 'postcode' must be a Belgian postcode like \"9000\".")
    return value.strip() or None


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


def answers_for_link(answers, languages: set[str] | None = None) -> dict:
    """What of the answers may travel in a booking link: the format's keys with values from
    the vocabulary, a 4-digit postcode, whole kilometres, a known language code. Anything
    else (free text, personal data, other keys) is dropped, and so are missing, null and
    "any" (empty list) answers."""
    if not isinstance(answers, dict):
        return {}
    languages = known_languages() if languages is None else languages
    out = {}
    for key, values in SINGLE.items():
        value = answers.get(key)
        if isinstance(value, str) and value in values:
            out[key] = value
    for key, values in MULTI.items():
        chosen = answers.get(key)
        if isinstance(chosen, str) and key in ONE_WORD_TOO:
            chosen = [chosen]
        if isinstance(chosen, (list, tuple)):
            kept = [v for v in values if v in {c for c in chosen if isinstance(c, str)}]
            if kept:        # one status stays one word, as links always carried it
                out[key] = kept[0] if key in ONE_WORD_TOO and len(kept) == 1 else kept
    postcode = answers.get("postcode")
    if isinstance(postcode, str) and POSTCODE.fullmatch(postcode):
        out["postcode"] = postcode
    km = answers.get("max_distance_km")
    if isinstance(km, (int, float)) and not isinstance(km, bool) and math.isfinite(km) \
            and 0 <= km <= LINK_MAX_KM:
        out["max_distance_km"] = math.ceil(km)
    lang = answers.get("language")
    if isinstance(lang, str) and lang in languages and LANGUAGE.fullmatch(lang):
        out["language"] = lang
    return out
