"""The visit without a window: kiosk.visit's state, its steps and the rules around it
(idle, home screen, staff lock, counting), played through the controller from the first
question to the booking link, with a clock the test moves."""
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest import make_cfg, make_course, provider, write_catalog

from kiosk.booking.reference import MAX_COURSES, read_handoff
from kiosk.catalog import db
from kiosk.guidance import questionnaire
from kiosk.site import staff, stats
from kiosk.visit import IdlePolicy, Visit, VisitController


def test_questions_follow_the_contract_order_and_skip_what_does_not_matter():
    all_ids = [q.id for q in questionnaire.load()]
    first = ["goal", "dutch_level", "diploma", "status", "needs", "times", "formats",
             "postcode"]
    assert [i for i in all_ids if i in first] == first      # later questions may follow
    for goal in ("nederlands", "digitaal", "beroep", "weet-niet"):
        asked = [q.id for q in questionnaire.applicable({"goal": goal, "postcode": "9000"})]
        assert len(asked) <= questionnaire.MAX_QUESTIONS
    assert "diploma" not in [q.id for q in questionnaire.applicable({"goal": "nederlands"})]
    assert "diploma" in [q.id for q in questionnaire.applicable({"goal": "hoger-onderwijs"})]


def test_the_distance_is_not_asked_nearby_courses_come_first():
    """A visit stays short (README): no distance screen; the ranking puts near courses
    first, and `kiosk match` still takes a distance."""
    with_pc = [q.id for q in questionnaire.applicable({"goal": "beroep", "postcode": "2000"})]
    assert "max_distance_km" not in with_pc and with_pc[-1] == "postcode"


def test_a_visit_walks_forward_and_back():
    visit = Visit(language="uk")
    assert visit.next_question().id == "goal"
    visit.answer("goal", "nederlands")
    assert visit.next_question().id == "dutch_level"
    visit.answer("dutch_level", "A2")
    assert visit.back() == "dutch_level"
    assert "dutch_level" not in visit.answers
    assert visit.back() == "goal" and visit.back() is None
    assert visit.answers == {}


def test_changing_the_goal_drops_answers_that_no_longer_apply():
    visit = Visit()
    visit.answer("goal", "hoger-onderwijs")
    visit.answer("diploma", "secundair")
    visit.answers["goal"] = "nederlands"
    assert "diploma" not in visit.contract_answers()
    assert visit.contract_answers()["language"] == "nl"


def test_at_most_three_courses_are_marked():
    visit = Visit()
    assert all(visit.toggle_mark(f"c{i}") for i in range(MAX_COURSES))
    assert visit.toggle_mark("c9") is False and visit.marked == ["c0", "c1", "c2"]
    assert visit.toggle_mark("c1") and visit.marked == ["c0", "c2"]


def test_idle_policy_warns_then_expires():
    policy = IdlePolicy(timeout_s=60, warning_s=20)
    assert [policy.state(t) for t in (0, 59.9, 60, 79.9, 80)] == \
        ["active", "active", "warning", "warning", "expired"]


def test_staff_pin_is_stored_hashed_and_checked(tmp_path):
    stored = staff.hash_pin("2468")
    assert "2468" not in stored
    assert staff.verify_pin("2468", stored) and not staff.verify_pin("2469", stored)
    assert not staff.verify_pin("2468", "") and not staff.valid_pin("12a4")
    path = tmp_path / "site.toml"
    path.write_text('# our kiosk\n[site]\nname = "Leerwinkel Gent"\n')
    staff.write_pin_hash(path, stored)
    text = path.read_text()
    assert "# our kiosk" in text and stored in text


# ---------------------------------------------------------------- a whole visit, no Kivy
DAY = date(2026, 11, 28)                     # the courses below start after it
MONDAY_NOON = datetime(2026, 11, 30, 12, 0)
SUNDAY_NIGHT = datetime(2026, 12, 6, 3, 0)


class FakeClock:
    """A monotonic clock that moves only when the test says so."""

    def __init__(self):
        self.seconds = 5000.0

    def __call__(self) -> float:
        return self.seconds


def play_visit(folder: Path) -> dict:
    """One visit from the welcome screen to the booking link and a second one wiped for
    idleness, with assertions on every step; returns what it counted."""
    cache = folder / "cache"
    courses = [make_course(f"dig-{i}", title={"nl": f"Digitaal {i}"}) for i in range(1, 6)]
    catalog = db.open_catalog(write_catalog(cache, [provider("p1")], courses))
    cfg = make_cfg()
    cfg.site.open = {"mon": "09:00-17:00"}
    counted: list[tuple[str, str]] = []

    def count(events):
        counted.extend(events)
        stats.count_all(events, cache)

    tick, now, crashes = FakeClock(), [MONDAY_NOON], []
    visit = VisitController(cfg, catalog=lambda: catalog, count=count, monotonic=tick,
                            now=lambda: now[0], crash_times=lambda: crashes)
    assert visit.home() == "welcome" and visit.unavailable_reason == ""

    # questions: the skip rules leave out the diploma (not for this goal) and the distance
    # (no postcode); back forgets the last answer
    asked = [visit.start().id]
    assert asked == ["goal"] and visit.position("goal") == (1, None)
    question = visit.answer("goal", "digitaal")
    asked.append(question.id)
    number, total = visit.position(question.id)
    assert question.id == "dutch_level" and number == 2 and total > number
    asked.append(visit.answer("dutch_level", "B1").id)
    assert asked[-1] == "status"
    for question_id, value in (("status", "werkzoekend"), ("status", ["x"]), ("goal", "b"),
                               ("postcode", "0000"), ("nope", None)):
        with pytest.raises(ValueError):          # only what a question offers is taken
            visit.answer(question_id, value)
    assert visit.answer("status", ["werkzoekend"]).id == "needs"
    again = visit.back()
    assert again.id == "status" and "status" not in visit.answers
    assert visit.chosen("status") == []
    question = visit.answer("status", ["werkend"])
    while question is not None:
        asked.append(question.id)
        if question.id == "times":
            question = visit.answer("times", ["avond"])
        elif question.id == "postcode":
            assert not visit.known_postcode("0000") and visit.known_postcode("9000")
            question = visit.skip("postcode")
        else:
            question = visit.skip(question.id)
    assert "diploma" not in asked and "max_distance_km" not in asked
    assert asked[-1] == "postcode" and visit.question() is None
    assert visit.answers["status"] == ["werkend"] and visit.answers["postcode"] is None

    # results; the language switch keeps the order and renders the reasons again
    outcome = visit.results()
    ids = [r.course["id"] for r in outcome.results]
    assert sorted(ids) == [c["id"] for c in courses]
    opened = visit.open_result(1).course["id"]
    dutch = [list(r.reasons) for r in outcome.results]
    assert visit.set_language("fr") is True and visit.set_language("fr") is False
    assert [r.course["id"] for r in visit.outcome.results] == ids
    assert [list(r.reasons) for r in visit.outcome.results] != dutch
    assert visit.course.course["id"] == opened and visit.language == "fr"

    # marks: at most MAX_COURSES, unmarking frees a place
    assert all(visit.toggle_mark(cid) for cid in ids[:MAX_COURSES])
    assert visit.toggle_mark(ids[MAX_COURSES]) is False
    assert visit.toggle_mark(ids[0]) and not visit.is_marked(ids[0])
    assert visit.toggle_mark(ids[MAX_COURSES]) and visit.marked == [*ids[1:MAX_COURSES],
                                                                   ids[MAX_COURSES]]
    assert [c["id"] for c in visit.marked_courses()] == visit.marked

    # the booking link carries the answers, the language and the marked courses, sealed
    visit.book()
    visit.book()                                 # counted once below
    url = visit.booking_url()
    assert visit.booking_url() == url            # the same link all day
    sent = read_handoff(cfg, url, today=DAY)
    assert sent.kind == "sealed" and sent.course_ids == visit.marked
    assert sent.answers["goal"] == "digitaal" and sent.answers["language"] == "fr"
    assert sent.answers["status"] == "werkend"      # one status travels in the link

    # idle: a warning, a touch, then the wipe (longer on a reading screen)
    assert cfg.idle.reading_timeout_s > cfg.idle.timeout_s
    visit.touch()
    tick.seconds += cfg.idle.timeout_s
    assert visit.idle_state("question") == "warning"
    assert visit.idle_state("results") == "active" and visit.idle_state("welcome") == "active"
    visit.touch()
    assert visit.idle_state("question") == "active"
    tick.seconds += cfg.idle.timeout_s + cfg.idle.warning_s
    assert visit.idle_state("question") == "expired"
    assert visit.answers == {} and visit.marked == [] and visit.outcome is None
    assert visit.course is None and visit.language == "nl"

    # start over: a new visit knows nothing of the last one and is counted again
    assert visit.start("en").id == "goal" and visit.answers == {}
    visit.answer("goal", "nederlands")
    visit.end()
    assert visit.answers == {} and visit.question().id == "goal"

    # the staff lock: unlocked only after the PIN, locked when staff walk away
    assert not visit.may_leave_kiosk(kiosk_mode=True) and visit.may_leave_kiosk(False)
    visit.unlock_staff()
    assert visit.may_leave_kiosk(kiosk_mode=True)
    visit.touch()
    tick.seconds += cfg.staff.lock_after_s - 1
    assert visit.idle_state("staff") == "active"
    tick.seconds += 1
    assert visit.idle_state("pin") == "lock"
    visit.end()
    assert not visit.staff_unlocked
    taps = []
    for _ in range(5):
        tick.seconds += 0.5
        taps.append(visit.staff_tap())
    assert taps == [False] * 4 + [True]
    for _ in range(5):
        tick.seconds += 1.0                      # too slow: never five within the window
        assert not visit.staff_tap()

    # the home view: closed outside the hours, unavailable on a crash loop or a bad catalog
    now[0] = SUNDAY_NIGHT
    assert visit.home() == "closed"
    assert visit.seconds_to_home_change() == (datetime(2026, 12, 7, 9)
                                             - SUNDAY_NIGHT).total_seconds()
    now[0] = MONDAY_NOON
    assert visit.home("No catalog at /x.") == "unavailable"
    assert visit.unavailable_reason == "No catalog at /x."
    crashes.extend([MONDAY_NOON.timestamp() - s for s in (30, 20, 10)])
    assert visit.home() == "unavailable" and "unexpected errors" in visit.unavailable_reason
    catalog.close()

    # counted once per visit, into the real daily counters
    assert counted == [("visit", ""), ("results", ""), ("goal", "digitaal"),
                       ("language", "nl"), ("booking", ""), ("timeout", ""), ("visit", "")]
    day = stats.totals(1, cache, today=DAY)
    assert day["visit"] == {"": 2} and day["booking"] == {"": 1} and day["timeout"] == {"": 1}
    return {"counted": counted}


def test_a_whole_visit_through_the_controller(tmp_path, visit_day):
    assert visit_day == DAY
    assert play_visit(tmp_path)["counted"][0] == ("visit", "")


def test_a_whole_visit_runs_without_kivy(tmp_path):
    """The same visit in a fresh process: no Kivy module is ever imported."""
    tests = Path(__file__).parent
    script = (f"import sys; sys.path.insert(0, {str(tests)!r})\n"
              "from datetime import date\nfrom pathlib import Path\n"
              "from kiosk import clock\n"
              "clock.today = lambda: date(2026, 11, 28)\n"
              "from test_visit import play_visit\n"
              f"play_visit(Path({str(tmp_path)!r}))\n"
              "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('kivy', 'screens'))\n"
              "print('loaded:', loaded)\n"
              "assert not loaded, loaded\n")
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=300)
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert "loaded: []" in ran.stdout
