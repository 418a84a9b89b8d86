"""The questionnaire, defined as data in assets/questionnaire.json.

Each question fills one key of the answers (docs/answers.md). Questions
that do not matter for the chosen goal are skipped (`skip_for_goals`), and a question
that `requires` another answer is skipped while that answer is missing. A follow-up
question is asked only `ask_when` one of its cases holds: each case names answers and
the values that bring the question (null: not answered, or "I don't know"), like
`{"goal": ["nederlands"], "dutch_level": ["geen", "A1", null]}`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kiosk import paths

MAX_QUESTIONS = 10          # screens to the results on any path (README)
MEDIAN_QUESTIONS = 8       # the median path


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
    icon: str = ""         # its pictogram, shown large above the answers
    options: tuple[Option, ...] = ()
    skip_for_goals: tuple[str, ...] = ()
    requires: str = ""
    none_label: str = ""   # multi: label of the empty choice
    skip_label: str = ""   # postcode: label of "rather not say"
    ask_when: tuple = ()   # cases: ((key, (values…)), …); () = always

    def applies(self, answers: dict) -> bool:
        if answers.get("goal") in self.skip_for_goals:
            return False
        if self.ask_when and not any(all(answers.get(key) in values for key, values in case)
                                     for case in self.ask_when):
            return False
        return not self.requires or answers.get(self.requires) not in (None, "", [])

    def may_apply(self, answers: dict) -> bool:
        """Applies, or may still apply: an answer it depends on is not given yet."""
        if self.applies(answers):
            return True
        if answers.get("goal") in self.skip_for_goals:
            return False
        if self.ask_when and not any(all(key not in answers or answers[key] in values
                                         for key, values in case) for case in self.ask_when):
            return False
        return not self.requires or self.requires not in answers

    def for_goal(self, goal) -> bool:
        """Whether the goal brings this question (a later answer may still skip it)."""
        if goal in self.skip_for_goals:
            return False
        return not self.ask_when or any(goal in dict(case).get("goal", (goal,))
                                        for case in self.ask_when)


@lru_cache(maxsize=4)
def load(path: Path = paths.QUESTIONNAIRE) -> tuple[Question, ...]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    questions = []
    for q in data["questions"]:
        options = tuple(Option(o.get("value"), o["label"], o.get("icon", ""))
                        for o in q.get("options", ()))
        questions.append(Question(
            id=q["id"], kind=q["kind"], title=q["title"], hint=q.get("hint", ""),
            icon=q.get("icon", ""),
            options=options, skip_for_goals=tuple(q.get("skip_for_goals", ())),
            requires=q.get("requires", ""), none_label=q.get("none_label", ""),
            skip_label=q.get("skip_label", ""),
            ask_when=tuple(tuple((key, tuple(values)) for key, values in case.items())
                           for case in q.get("ask_when", ()))))
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


def position(answers: dict, question_id: str) -> tuple[int, int | None] | None:
    """(number, total) of a question this visitor gets; None when they do not get it.
    The total counts every question the chosen goal brings (also one that a later
    answer may still skip), so it never changes during a visit; before the goal is
    known it is None: the first question shows no total rather than one that changes."""
    question = next((q for q in load() if q.id == question_id), None)
    if question is None or not question.may_apply(answers):
        return None
    goal = answers.get("goal")
    ids = [q.id for q in load() if q.for_goal(goal)]
    return ids.index(question_id) + 1, (len(ids) if "goal" in answers else None)


def paths(questions: tuple[Question, ...] | None = None) -> list[tuple]:
    """Every distinct path through the questionnaire: for each goal, each way the
    answers that decide which questions follow can go, as (goal, the question ids in
    order). An answer decides when another question's `ask_when` or `requires` names it."""
    questions = questions or load()
    deciding = {key for q in questions for case in q.ask_when for key, _ in case} \
        | {q.requires for q in questions if q.requires}
    found: set[tuple] = set()

    def walk(answers: dict, asked: tuple[str, ...], start: int) -> None:
        for index in range(start, len(questions)):
            q = questions[index]
            if not q.applies(answers):
                continue
            asked += (q.id,)
            if q.id in deciding or q.id == "goal":
                values = [o.value for o in q.options] or ["1000", None]
                for value in dict.fromkeys(values):
                    walk({**answers, q.id: value}, asked, index + 1)
                return
            answers = {**answers, q.id: None}
        found.add((answers.get("goal"), asked))

    walk({}, (), 0)
    return sorted(found)
