"""The visit in plain Python: one visitor's answers, results and chosen courses, every step
the screens forward to it, and the rules around a visit (which home screen shows, idle
warning and wipe, the staff lock, the usage counts). No Kivy here: a whole visit runs in
a test. The clocks and the counter come in as callables, so a test passes its own.

The screens name what is on screen by the view names below; the controller decides from
them which idle rule applies.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from kiosk.booking.reference import MAX_COURSES
from kiosk.guidance import places, questionnaire
from kiosk.guidance.answers import answers_that_apply
from kiosk.site import availability, opening_hours
from kiosk.text import i18n

HOME_VIEWS = ("welcome", "unavailable", "closed")      # shown between visitors
STAFF_VIEWS = ("pin", "staff")
WITHOUT_VISITOR = (*HOME_VIEWS, *STAFF_VIEWS)
READING_VIEWS = ("results", "detail", "booking")        # more time: reading, scanning
STAFF_TAPS = 5               # quick taps on the site name that open the staff PIN entry
STAFF_TAP_WINDOW_S = 4.0


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


def home_view(open_table: dict, now: datetime, unavailable_reason: str) -> str:
    """Where a visitor starts: "welcome"; outside opening hours "closed"; "unavailable"
    when the kiosk cannot serve visitors (kiosk/site/availability.py says why)."""
    if not opening_hours.is_open(open_table, now):
        return "closed"
    return "unavailable" if unavailable_reason else "welcome"


class VisitController:
    """One visit at a time and the rules around it.

    `catalog` returns the open catalog (or None); `count` adds one to each (name, value)
    usage counter of a list (kiosk.site.stats.count_all); `monotonic` is the idle clock in
    seconds; `now` the local wall-clock time (opening hours, crash window); `crash_times`
    the times of the recent unexpected errors (kiosk.site.metrics)."""

    def __init__(self, cfg, *, catalog: Callable[[], object],
                 count: Callable[[list[tuple[str, str]]], None],
                 monotonic: Callable[[], float], now: Callable[[], datetime],
                 crash_times: Callable[[], list[float]] = list):
        self.cfg = cfg
        self._catalog = catalog
        self._count = count
        self.monotonic = monotonic
        self.now = now
        self._crash_times = crash_times
        self.idle = IdlePolicy(cfg.idle.timeout_s, cfg.idle.warning_s)
        self.reading_idle = IdlePolicy(cfg.idle.reading_timeout_s, cfg.idle.warning_s)
        self.language = i18n.SOURCE_LANGUAGE     # chosen on the home screen, kept for the visit
        self.state = Visit(language=self.language)
        self.outcome = None                      # matching.Outcome once results are shown
        self.course_index: int | None = None     # the result open on the detail screen
        self.unavailable_reason = ""             # why visitors cannot be served (for staff)
        self.staff_unlocked = False
        self.last_touch = monotonic()
        self._counted: set[tuple[str, str]] = set()
        self._staff_taps: list[float] = []

    # --- between visitors ----------------------------------------------------------------
    def home(self, catalog_problem: str = "") -> str:
        """The home view now (see home_view); also sets `unavailable_reason`."""
        now = self.now()
        self.unavailable_reason = availability.why_unavailable(
            catalog_problem, self._crash_times(), now.timestamp())
        return home_view(self.cfg.site.open, now, self.unavailable_reason)

    def seconds_to_home_change(self) -> float | None:
        """Seconds until the next opening or closing time (None: the hours never change)."""
        now = self.now()
        change = opening_hours.next_change(self.cfg.site.open, now)
        return None if change is None else (change - now).total_seconds()

    def next_opening(self) -> datetime | None:
        return opening_hours.next_opening(self.cfg.site.open, self.now())

    def languages(self) -> list[str]:
        """The languages offered: the site's, where translations exist (Dutch at least)."""
        have = set(i18n.available_languages())
        return [lang for lang in self.cfg.site.languages if lang in have] or ["nl"]

    # --- the visit's steps ------------------------------------------------------------------
    def start(self, language: str | None = None) -> questionnaire.Question | None:
        """A new visit in `language` (else the one chosen on the home screen); returns the
        first question."""
        if language is not None:
            self.language = language
        self.state = Visit(language=self.language)
        self.outcome = None
        self.course_index = None
        self._counted = set()
        self.count_once(("visit", ""))
        return self.question()

    @property
    def answers(self) -> dict:
        return self.state.answers

    @property
    def marked(self) -> list[str]:
        return self.state.marked

    def question(self) -> questionnaire.Question | None:
        """The question to ask next; None when the results are due (the questionnaire's
        skip rules leave out what does not apply)."""
        return self.state.next_question()

    @staticmethod
    def question_by_id(question_id: str) -> questionnaire.Question:
        return next(q for q in questionnaire.load() if q.id == question_id)

    def answer(self, question_id: str, value) -> questionnaire.Question | None:
        """Record an answer (None: unknown, "rather not say"); returns the next question.
        Only what the question offers is taken (ValueError otherwise)."""
        question = next((q for q in questionnaire.load() if q.id == question_id), None)
        if question is None:
            raise ValueError(f"No question {question_id!r}.")
        if value is not None and not self._offered(question, value):
            raise ValueError(f"{value!r} is not an answer to {question_id!r}.")
        self.state.answer(question_id, value)
        return self.question()

    def _offered(self, question: questionnaire.Question, value) -> bool:
        offered = [option.value for option in question.options]
        if question.kind == "postcode":
            return isinstance(value, str) and self.known_postcode(value)
        if question.kind == "multi":
            return (isinstance(value, list) and len(set(map(str, value))) == len(value)
                    and all(v in offered for v in value))
        return value in offered

    def skip(self, question_id: str) -> questionnaire.Question | None:
        return self.answer(question_id, None)

    @staticmethod
    def known_postcode(postcode: str) -> bool:
        """A postcode the kiosk can place (only those are taken as an answer)."""
        return places.postcode_coordinates(postcode) is not None

    def chosen(self, question_id: str) -> list:
        """The values already chosen for a multiple-choice question."""
        return list(self.state.answers.get(question_id) or [])

    def position(self, question_id: str) -> tuple[int, int | None] | None:
        """(number, total) of a question in this visit (kiosk.guidance.questionnaire)."""
        return questionnaire.position(self.state.answers, question_id)

    def asked(self) -> list:
        """What the visitor asked, in short, for the results screen (kiosk.guidance.asked)."""
        from kiosk.guidance import asked
        return asked.summary(self.state.contract_answers(), self.language)

    def back(self) -> questionnaire.Question | None:
        """Forget the last answer; the question to show again (None: back to the home view)."""
        previous = self.state.back()
        return None if previous is None else self.question_by_id(previous)

    def results(self):
        """Match the answers against the catalog and count the visit's figures once."""
        from kiosk.guidance import matching  # imported at the first visit: a faster start
        self.outcome = matching.match(self._catalog(), self.state.contract_answers(),
                                      lang=self.language)
        self.course_index = None
        self.count_once(("results", ""), ("goal", self.state.answers.get("goal") or ""),
                        ("language", self.language),
                        *([("no_results", "")] if not self.outcome.results else []))
        return self.outcome

    def open_result(self, index: int):
        """The result at `index`, for its detail view."""
        result = self.outcome.results[index]
        self.course_index = index
        return result

    @property
    def course(self):
        """The result open on the detail view (None: none is open)."""
        if self.outcome is None or self.course_index is None:
            return None
        return self.outcome.results[self.course_index]

    def is_marked(self, course_id: str) -> bool:
        return course_id in self.state.marked

    def toggle_mark(self, course_id: str) -> bool:
        """Mark or unmark a course to discuss; False when MAX_COURSES are marked already."""
        return self.state.toggle_mark(course_id)

    def marked_courses(self) -> list[dict]:
        """The marked courses' catalog rows, in the order they were marked."""
        catalog = self._catalog()
        rows = [catalog.course(course_id) if catalog else None for course_id in self.marked]
        return [row for row in rows if row]

    def set_language(self, lang: str) -> bool:
        """Switch language; results already shown get their reasons in the new language
        (the ranking does not depend on it, so the same index is the same course).
        True when the language changed."""
        changed = lang != self.language
        if changed and self.outcome is not None:
            from kiosk.guidance import matching
            self.outcome = matching.match(self._catalog(),
                                          {**self.state.contract_answers(), "language": lang},
                                          lang=lang)
        self.language = lang
        self.state.language = lang
        return changed

    def book(self) -> None:
        """The visitor asks for an appointment (the booking view shows booking_url)."""
        self.count_once(("booking", ""))

    def booking_url(self) -> str:
        """The link the booking QR code encodes (kiosk.booking.handoff)."""
        from kiosk.booking import handoff  # the sealed reference's crypto: only when booking
        return handoff.booking_url(self.cfg, self.state.contract_answers(), list(self.marked))

    def end(self) -> None:
        """Start over: forget everything the visitor entered; the staff screen locks and
        the home view speaks the source language again."""
        self.state = Visit()
        self.outcome = None
        self.course_index = None
        self.language = i18n.SOURCE_LANGUAGE
        self.lock_staff()

    def count_once(self, *events: tuple[str, str]) -> None:
        """Anonymous usage figures (name, value), each counted at most once per visit."""
        new = [event for event in events if event not in self._counted]
        self._counted.update(new)
        self._count(new)

    # --- idle -----------------------------------------------------------------------------
    def touch(self) -> None:
        """Someone touched the screen (or typed): not idle."""
        self.last_touch = self.monotonic()

    def idle_state(self, view: str) -> str:
        """What the time without a touch means on `view`: "active", "warning", "expired"
        (the visit is over, counted as a timeout) or "lock" (staff walked away)."""
        idle_for = self.monotonic() - self.last_touch
        if view in STAFF_VIEWS:
            return "lock" if idle_for >= self.cfg.staff.lock_after_s else "active"
        if view in WITHOUT_VISITOR:
            return "active"
        policy = self.reading_idle if view in READING_VIEWS else self.idle
        state = policy.state(idle_for)
        if state == "expired":
            self.count_once(("timeout", ""))
            self.end()
        return state

    # --- staff ------------------------------------------------------------------------------
    def staff_tap(self) -> bool:
        """A tap on the site name; True on the STAFF_TAPS-th within STAFF_TAP_WINDOW_S."""
        now = self.monotonic()
        self._staff_taps = [t for t in self._staff_taps if now - t < STAFF_TAP_WINDOW_S] + [now]
        if len(self._staff_taps) < STAFF_TAPS:
            return False
        self._staff_taps = []
        return True

    def unlock_staff(self) -> None:
        """After the right PIN (or, outside kiosk mode, when no PIN is set)."""
        self.staff_unlocked = True

    def lock_staff(self) -> None:
        """The staff screen needs the PIN again; called whenever it is left."""
        self.staff_unlocked = False

    def may_leave_kiosk(self, kiosk_mode: bool) -> bool:
        """In kiosk mode only an unlocked staff screen may close the kiosk."""
        return not kiosk_mode or self.staff_unlocked
