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

from . import questionnaire, vocab
from .i18n import LANGUAGE_NAMES

ALL_GOALS = vocab.GOALS + (vocab.GOAL_UNSURE,)
ALL_DIPLOMAS = vocab.DIPLOMAS + (vocab.FOREIGN_DIPLOMA,)
# answer key -> its vocabulary (one value each), in the order of the format
SINGLE = {"goal": ALL_GOALS, "dutch_level": vocab.DUTCH_LEVELS,
          "diploma": ALL_DIPLOMAS, "status": vocab.STATUSES}
# answer key -> its vocabulary (a list of values)
MULTI = {"times": vocab.TIMES, "formats": vocab.FORMATS}
POSTCODE = re.compile(r"[0-9]{4}", re.ASCII)
LANGUAGE = re.compile(r"[a-z]{2,3}", re.ASCII)
LINK_MAX_KM = 0xFFFE        # a link holds whole kilometres in two bytes (0xFFFF: no limit)


class AnswersError(ValueError):
    """Answers that do not follow the format; the message says which, in plain words."""


# ---------------------------------------------------------------- parse

def read_answers(source: str) -> dict:
    """An answers JSON object from a file, or stdin for '-'."""
    try:
        if source == "-":
            text = sys.stdin.read()
        else:
            with open(source, encoding="utf-8") as fh:
                text = fh.read()
    except FileNotFoundError:
        raise AnswersError(f"Cannot read the answers file {source}: it does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AnswersError(f"Cannot read the answers file {source}: {exc}.") from None
    try:
        answers = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnswersError(f"The answers are not valid JSON (line {exc.lineno}, "
                           f"column {exc.colno}: {exc.msg}).") from None
    if not isinstance(answers, dict):
        raise AnswersError(f"The answers file {source} must hold one JSON object, "
                           'like {"goal": "nederlands"}.')
    return answers


# ---------------------------------------------------------------- validate

def _one_of(answers: dict, key: str, values: tuple) -> str | None:
    value = answers.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in values:
        raise AnswersError(f"Answer '{key}' cannot be {json.dumps(value)}; "
                           f"use one of: {', '.join(values)}.")
    return value


def _some_of(answers: dict, key: str, values: tuple) -> tuple[str, ...]:
    value = answers.get(key)
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v in values
                                              for v in value):
        raise AnswersError(f"Answer '{key}' must be a list of: {', '.join(values)}.")
    return tuple(v for v in values if v in value)


def check_answers(answers) -> dict:
    """The answers in the normal form: every key present, None or () for 'any', lists in
    vocabulary order, the distance a float. AnswersError (one plain line) for values the
    format does not know. Unknown keys are ignored."""
    if not isinstance(answers, dict):
        raise AnswersError('The answers must be a JSON object, like {"goal": "digitaal"}.')
    out = {key: _one_of(answers, key, values) for key, values in SINGLE.items()}
    out |= {key: _some_of(answers, key, values) for key, values in MULTI.items()}
    postcode = answers.get("postcode")
    if isinstance(postcode, bool) or not isinstance(postcode, (str, int, type(None))):
        raise AnswersError("Answer 'postcode' must be a Belgian postcode like \"9000\".")
    out["postcode"] = (str(postcode).strip() or None) if postcode is not None else None
    km = answers.get("max_distance_km")
    if km is not None and (isinstance(km, bool) or not isinstance(km, (int, float))
                           or not math.isfinite(km) or km < 0):
        raise AnswersError("Answer 'max_distance_km' must be a number of kilometres, like 20.")
    out["max_distance_km"] = float(km) if km is not None else None
    lang = answers.get("language")
    if lang is not None and not isinstance(lang, str):
        raise AnswersError("Answer 'language' must be a language code, like \"nl\".")
    out["language"] = lang or None
    return out


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
    """The language codes an answer may name: the kiosk's own and the site's."""
    codes = set(LANGUAGE_NAMES)
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
        if isinstance(chosen, (list, tuple)):
            kept = [v for v in values if v in {c for c in chosen if isinstance(c, str)}]
            if kept:
                out[key] = kept
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
