from kiosk.booking.reference import MAX_COURSES
from kiosk.guidance import questionnaire
from kiosk.site import staff
from kiosk.visit import IdlePolicy, Visit


def test_questions_follow_the_contract_order_and_skip_what_does_not_matter():
    all_ids = [q.id for q in questionnaire.load()]
    first = ["goal", "dutch_level", "diploma", "status", "needs", "times", "formats",
             "postcode", "max_distance_km"]
    assert [i for i in all_ids if i in first] == first      # later questions may follow
    for goal in ("nederlands", "digitaal", "beroep", "weet-niet"):
        asked = [q.id for q in questionnaire.applicable({"goal": goal, "postcode": "9000"})]
        assert len(asked) <= questionnaire.MAX_QUESTIONS
    assert "diploma" not in [q.id for q in questionnaire.applicable({"goal": "nederlands"})]
    assert "diploma" in [q.id for q in questionnaire.applicable({"goal": "hoger-onderwijs"})]


def test_distance_is_asked_only_after_a_postcode():
    without = [q.id for q in questionnaire.applicable({"goal": "beroep"})]
    with_pc = [q.id for q in questionnaire.applicable({"goal": "beroep", "postcode": "2000"})]
    assert "max_distance_km" not in without and "max_distance_km" in with_pc


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
