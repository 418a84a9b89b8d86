"""The questionnaire, defined as data in assets/questionnaire.json.

Each question fills one answer key of the contract (CONTRACT.md section 3). Questions
that do not matter for the chosen goal are skipped (`skip_for_goals`), and a question
that `requires` another answer is skipped while that answer is missing.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import paths

MAX_QUESTIONS = 8


class AnswersError(ValueError):
    """Answers that do not follow the contract; the message says which, in plain words."""


def read_answers(source: str) -> dict:
    """An answers JSON object (CONTRACT.md section 3) from a file, or stdin for '-'."""
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


@dataclass(frozen=True)
class Option:
    value: object          # a contract value; None = "I don't know / doesn't matter"
    label: str             # Dutch msgid
    icon: str = ""


@dataclass(frozen=True)
class Question:
    id: str                # the answer key it fills
    kind: str              # choice | multi | postcode
    title: str
    hint: str = ""
    options: tuple[Option, ...] = ()
    skip_for_goals: tuple[str, ...] = ()
    requires: str = ""
    none_label: str = ""   # multi: label of the empty choice
    skip_label: str = ""   # postcode: label of "rather not say"

    def applies(self, answers: dict) -> bool:
        if answers.get("goal") in self.skip_for_goals:
            return False
        return not self.requires or answers.get(self.requires) not in (None, "", [])


@lru_cache(maxsize=4)
def load(path: Path = paths.QUESTIONNAIRE) -> tuple[Question, ...]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    questions = []
    for q in data["questions"]:
        options = tuple(Option(o.get("value"), o["label"], o.get("icon", ""))
                        for o in q.get("options", ()))
        questions.append(Question(
            id=q["id"], kind=q["kind"], title=q["title"], hint=q.get("hint", ""),
            options=options, skip_for_goals=tuple(q.get("skip_for_goals", ())),
            requires=q.get("requires", ""), none_label=q.get("none_label", ""),
            skip_label=q.get("skip_label", "")))
    return tuple(questions)


def applicable(answers: dict, questions: tuple[Question, ...] | None = None) -> list[Question]:
    """The questions this visitor gets, given what they answered so far."""
    return [q for q in (questions or load()) if q.applies(answers)]


def next_question(answers: dict, current: str | None) -> Question | None:
    """The question after `current` (the first one when None); None at the end."""
    questions = load()
    ids = [q.id for q in questions]
    start = ids.index(current) + 1 if current else 0
    for q in questions[start:]:
        if q.applies(answers):
            return q
    return None


def clean_answers(answers: dict) -> dict:
    """Drop answers of questions that no longer apply (e.g. after the goal changed)."""
    out = dict(answers)
    for q in load():
        if q.id in out and not q.applies(out):
            out.pop(q.id)
    return out
