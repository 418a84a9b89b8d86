"""One visitor's state and the idle policy, as plain objects the UI drives."""
from __future__ import annotations

from dataclasses import dataclass, field

from kiosk.booking.reference import MAX_COURSES
from kiosk.guidance import questionnaire
from kiosk.guidance.answers import answers_that_apply


@dataclass
class Visit:
    """What one visitor has answered and chosen. Nothing here outlives the visit."""
    language: str = "nl"
    answers: dict = field(default_factory=dict)
    history: list[str] = field(default_factory=list)   # question ids answered, in order
    marked: list[str] = field(default_factory=list)    # course ids to discuss (MAX_COURSES)

    def contract_answers(self) -> dict:
        """The answers in the answers format (docs/answers.md), language included; answers
        of questions that no longer apply are left out."""
        return {**answers_that_apply(self.answers), "language": self.language}

    def answer(self, question_id: str, value) -> None:
        self.answers[question_id] = value
        if question_id in self.history:
            del self.history[self.history.index(question_id):]
        self.history.append(question_id)

    def next_question(self) -> questionnaire.Question | None:
        current = self.history[-1] if self.history else None
        return questionnaire.next_question(self.answers, current)

    def back(self) -> str | None:
        """Forget the last answer; return the question id to show again (None = welcome)."""
        if not self.history:
            return None
        last = self.history.pop()
        self.answers.pop(last, None)
        return last

    def toggle_mark(self, course_id: str) -> bool:
        """Mark or unmark a course; False when the limit is reached."""
        if course_id in self.marked:
            self.marked.remove(course_id)
            return True
        if len(self.marked) >= MAX_COURSES:
            return False
        self.marked.append(course_id)
        return True


@dataclass
class IdlePolicy:
    """After `timeout_s` without a touch: warn; after `warning_s` more: wipe the visit."""
    timeout_s: float
    warning_s: float

    def state(self, idle_for: float) -> str:
        if idle_for < self.timeout_s:
            return "active"
        if idle_for < self.timeout_s + self.warning_s:
            return "warning"
        return "expired"
