"""Every path through the questionnaire stays short: at most ten screens to the results,
the median path at most eight (README, "A visit stays short"). The walk answers every
single-choice question with each of its options, through the visit itself, so a skip
rule that asks more than the questionnaire's own count shows up here."""
import re
import statistics

from kiosk import paths, vocab
from kiosk.guidance import questionnaire
from kiosk.visit import Visit


def _walk_every_answer() -> set[tuple]:
    """(goal, question ids asked) for every combination of single-choice answers; a
    multiple choice is left empty and the postcode given (neither decides a question)."""
    found = set()
    todo = [Visit()]
    while todo:
        visit = todo.pop()
        question = visit.next_question()
        if question is None:
            found.add((visit.answers["goal"], tuple(visit.history)))
            continue
        if question.kind == "choice":
            values = [option.value for option in question.options]
        else:
            values = ["9000" if question.kind == "postcode" else None]
        for value in values:
            branch = Visit(answers=dict(visit.answers), history=list(visit.history))
            branch.answer(question.id, value)
            todo.append(branch)
    return found


def test_every_path_is_at_most_ten_screens_and_the_median_at_most_eight():
    walked = _walk_every_answer()
    lengths = [len(asked) for _goal, asked in walked]
    assert {goal for goal, _ in walked} == set(vocab.GOALS) | {vocab.GOAL_UNSURE}
    assert max(lengths) <= questionnaire.MAX_QUESTIONS == 10
    assert statistics.median(lengths) <= questionnaire.MEDIAN_QUESTIONS == 8
    # the questionnaire's own list of paths is the same (what the README's figures count)
    assert sorted(walked) == questionnaire.paths()


def test_the_readme_states_both_bounds():
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    lengths = [len(asked) for _goal, asked in questionnaire.paths()]
    said = re.search(r"at most (\d+) screens to the results on any path, the median path "
                     r"(\d+)", readme)
    assert said, "README: the bounds of a visit's path"
    assert int(said.group(1)) == max(lengths) and int(said.group(2)) == statistics.median(lengths)


def test_follow_up_questions_come_only_where_they_decide_the_route():
    def asked(**answers):
        return [q.id for q in questionnaire.applicable(answers)]

    assert "sector" in asked(goal="beroep") and "sector" not in asked(goal="nederlands")
    assert "experience" in asked(goal="beroep", sector="zorg")
    assert "experience" not in asked(goal="beroep", sector=None)
    assert "learn_language" in asked(goal="talen") and "skill" in asked(goal="basisvaardigheden")
    assert "reading" in asked(goal="nederlands", dutch_level="geen")
    assert "reading" not in asked(goal="nederlands", dutch_level="B1")
    assert "reading" not in asked(goal="basisvaardigheden", skill="rekenen")
    assert "reading" in asked(goal="diploma-secundair", diploma="basisonderwijs")
    assert "reading" not in asked(goal="diploma-secundair", diploma="secundair-onvolledig")
    assert "age_band" in asked(goal="beroep", diploma="geen")
    assert "age_band" not in asked(goal="beroep", diploma="hoger")
    assert "age_band" not in asked(goal="digitaal")
    assert "max_distance_km" not in asked(goal="digitaal", postcode="9000")


def test_the_progress_total_counts_what_the_goal_brings():
    number, total = questionnaire.position({"goal": "beroep"}, "sector")
    assert (number, total) == (2, 10)
    assert questionnaire.position({"goal": "nederlands", "dutch_level": "B2"}, "reading") is None
    assert questionnaire.position({"goal": "nederlands"}, "reading")[0] == 3
