import json
import os
import subprocess
import sys
from datetime import date

import pytest
from conftest import make_course, provider, write_catalog

from kiosk.guidance import matching

TODAY = date(2027, 1, 10)


def ids(outcome):
    return [r.course["id"] for r in outcome.results]


# ------------------------------------------------------------ hard rules

def test_goal_filters_and_weet_niet_shows_all_goals(open_cat):
    cat = open_cat([make_course("a", goals=["digitaal"]),
                    make_course("b", goals=["nederlands"], outcome="attest"),
                    make_course("c", goals=["talen", "digitaal"])])
    assert sorted(ids(matching.match(cat, {"goal": "digitaal"}, TODAY))) == ["a", "c"]
    out = matching.match(cat, {"goal": "weet-niet"}, TODAY)
    assert sorted(ids(out)) == ["a", "b", "c"] and out.orientation
    assert not matching.match(cat, {"goal": "digitaal"}, TODAY).orientation


def test_dutch_level_excludes_only_when_known(open_cat):
    cat = open_cat([make_course("b1", requires={"dutch_level": "B1"}),
                    make_course("none")])
    assert ids(matching.match(cat, {"goal": "digitaal", "dutch_level": "A2"}, TODAY)) == ["none"]
    assert sorted(ids(matching.match(cat, {"goal": "digitaal", "dutch_level": "B1"}, TODAY))) \
        == ["b1", "none"]
    out = matching.match(cat, {"goal": "digitaal"}, TODAY)
    assert sorted(ids(out)) == ["b1", "none"]
    by_id = {r.course["id"]: r for r in out.results}
    assert "vraag of je Nederlands goed genoeg is" in by_id["b1"].reasons
    assert "vraag of je Nederlands goed genoeg is" not in by_id["none"].reasons


def test_diploma_prerequisite_and_foreign_diploma(open_cat):
    cat = open_cat([make_course("sec", requires={"diploma": "secundair"}), make_course("free")])
    low = {"goal": "digitaal", "diploma": "basisonderwijs"}
    assert ids(matching.match(cat, low, TODAY)) == ["free"]
    foreign = matching.match(cat, {"goal": "digitaal", "diploma": "buitenlands"}, TODAY)
    by_id = {r.course["id"]: r for r in foreign.results}
    assert set(by_id) == {"sec", "free"}
    assert any("NARIC-Vlaanderen" in reason for reason in by_id["sec"].reasons)
    assert not any("NARIC" in reason for reason in by_id["free"].reasons)
    unknown = {r.course["id"]: r for r in matching.match(cat, {"goal": "digitaal"}, TODAY).results}
    assert "vraag of je diploma genoeg is" in unknown["sec"].reasons


def test_every_time_of_a_course_must_be_chosen(open_cat):
    cat = open_cat([make_course("eve", times=["avond"]),
                    make_course("eve-we", times=["avond", "weekend"]),
                    make_course("online", format="afstand", times=[])])
    out = matching.match(cat, {"goal": "digitaal", "times": ["avond"]}, TODAY)
    assert sorted(ids(out)) == ["eve", "online"] and out.relaxed == []
    both = matching.match(cat, {"goal": "digitaal", "times": ["avond", "weekend"]}, TODAY)
    assert sorted(ids(both)) == ["eve", "eve-we", "online"]


def test_format_filter(open_cat):
    cat = open_cat([make_course("k"), make_course("a", format="afstand", times=[]),
                    make_course("c", format="combinatie")])
    out = matching.match(cat, {"goal": "digitaal", "formats": ["klassikaal", "combinatie"]}, TODAY)
    assert sorted(ids(out)) == ["c", "k"]


def test_start_date_and_flexible_start(open_cat):
    cat = open_cat([make_course("past", start_dates=["2026-09-01"]),
                    make_course("today", start_dates=["2026-09-01", "2027-01-10"]),
                    make_course("flex", start_dates=[], flexible_start=True)])
    assert sorted(ids(matching.match(cat, {"goal": "digitaal"}, TODAY))) == ["flex", "today"]
    assert sorted(ids(matching.match(cat, {"goal": "digitaal"}, date(2027, 1, 11)))) == ["flex"]


def test_real_distances_with_coordinates_or_postcode(open_cat):
    cat = open_cat([
        make_course("gent", location={"postcode": "9000", "lat": 51.05, "lon": 3.72}),
        make_course("antwerpen", location={"postcode": "2000"}),      # placed at its postcode
        make_course("online", format="afstand", times=[], location={"postcode": "3000"}),
    ])
    out = matching.match(cat, {"goal": "digitaal", "postcode": "9000", "max_distance_km": 20},
                         TODAY)
    assert sorted(ids(out)) == ["gent", "online"] and out.relaxed == []
    gent = next(r for r in out.results if r.course["id"] == "gent")
    assert gent.distance_km < 2
    assert gent.reasons[0].startswith("dichtbij: ")
    far = matching.match(cat, {"goal": "digitaal", "postcode": "9000", "max_distance_km": 60},
                         TODAY)
    antwerpen = next(r for r in far.results if r.course["id"] == "antwerpen")
    assert 45 < antwerpen.distance_km < 56


def test_unknown_postcode_does_not_use_distance(open_cat):
    cat = open_cat([make_course("gent"), make_course("oostende", location={"postcode": "8400"})])
    out = matching.match(cat, {"goal": "digitaal", "postcode": "2701", "max_distance_km": 5},
                         TODAY)
    assert out.unknown_postcode and sorted(ids(out)) == ["gent", "oostende"]
    assert all(r.distance_km is None for r in out.results)
    skipped = matching.match(cat, {"goal": "digitaal", "max_distance_km": 5}, TODAY)
    assert not skipped.unknown_postcode and len(skipped.results) == 2


# ------------------------------------------------------------ relaxation

def test_relaxes_distance_in_steps_up_to_50_km(open_cat):
    cat = open_cat([make_course("aalst", location={"postcode": "9300"}),          # 25 km
                    make_course("kortrijk", location={"postcode": "8500"}),       # 39 km
                    make_course("antwerpen", location={"postcode": "2000"})])     # 52 km
    out = matching.match(cat, {"goal": "digitaal", "postcode": "9000", "max_distance_km": 5},
                         TODAY)
    assert ids(out) == ["aalst"] and out.relaxed == ["max_distance_km"]
    assert out.searched_km == 30
    assert out.results[0].reasons[0] == "verder dan je wilde: 25 km"
    only_far = open_cat([make_course("antwerpen", location={"postcode": "2000"})])
    out = matching.match(only_far, {"goal": "digitaal", "postcode": "9000",
                                     "max_distance_km": 5}, TODAY)
    assert len(out.results) == 0 and out.relaxed == ["max_distance_km"]
    assert out.searched_km == 50


def test_relaxes_times_then_formats_never_prerequisites(open_cat):
    cat = open_cat([make_course("day", times=["dag"]),
                    make_course("hard", times=["avond"], requires={"dutch_level": "C1"})])
    answers = {"goal": "digitaal", "times": ["avond"], "dutch_level": "A1",
               "postcode": "9000", "max_distance_km": 10}
    out = matching.match(cat, answers, TODAY)
    assert ids(out) == ["day"]
    assert out.relaxed == ["max_distance_km", "times"]
    assert "let op: andere momenten dan je koos" in out.results[0].reasons

    cat2 = open_cat([make_course("online", format="afstand", times=[])])
    out2 = matching.match(cat2, {"goal": "digitaal", "times": ["dag"], "formats": ["klassikaal"]},
                          TODAY)
    assert ids(out2) == ["online"] and out2.relaxed == ["times", "formats"]


def test_nothing_at_all_lists_what_was_tried(open_cat):
    cat = open_cat([make_course("c1", requires={"dutch_level": "C1"})])
    out = matching.match(cat, {"goal": "digitaal", "dutch_level": "geen", "times": ["dag"]},
                         TODAY)
    assert len(out.results) == 0 and out.relaxed == ["times"]


# ------------------------------------------------------------ ranking, cost, reasons

def test_cost_for_this_visitor(open_cat):
    cat = open_cat([make_course("c", cost={"eur": 180.0, "free_for": ["werkzoekend"],
                                           "reduced_for": ["inburgeraar"],
                                           "opleidingscheques": True,
                                           "opleidingsverlof": True}),
                    make_course("zero", cost={"eur": 0}),
                    make_course("unknown", cost={})])

    def get(status):
        out = matching.match(cat, {"goal": "digitaal", "status": status}, TODAY)
        return {r.course["id"]: r for r in out.results}

    assert get("werkzoekend")["c"].cost == "free"
    assert "gratis voor jou: je zoekt werk" in get("werkzoekend")["c"].reasons
    assert get("inburgeraar")["c"].cost == "reduced"
    assert "voor jou goedkoper dan 180 euro: vraag hoeveel" in get("inburgeraar")["c"].reasons
    worker = get("werkend")["c"]
    assert worker.cost == "full"
    assert ("jij betaalt 180 euro. Opleidingscheques: alleen als je geen diploma hoger "
            "onderwijs hebt — vraag na" in worker.reasons)
    assert worker.price == ("Jij betaalt 180 euro. Opleidingscheques: alleen als je geen "
                            "diploma hoger onderwijs hebt — vraag na")
    assert ("opleidingsverlof kan, als je in de privésector werkt bij een werkgever in "
            "Vlaanderen — vraag na" in worker.reasons)
    # several situations: the one that makes it free counts, and no list price beside it
    both = get(["werkend", "werkzoekend"])["c"]
    assert both.cost == "free" and both.price == "Gratis voor jou: je zoekt werk"
    assert not any("180" in r for r in both.reasons)
    unsaid = get(None)["c"]
    assert unsaid.price == "Prijs: 180 euro; gratis voor werkzoekenden"
    assert not any("opleidings" in r for r in get("student")["c"].reasons)
    assert get("student")["zero"].cost == "free" and "gratis" in get("student")["zero"].reasons
    assert get("student")["unknown"].cost == "unknown"
    assert "vraag de prijs na" in get("student")["unknown"].reasons


def test_closer_free_and_sooner_rank_higher(open_cat):
    cat = open_cat([
        make_course("far", location={"postcode": "9000", "lat": 51.2, "lon": 3.72}),
        make_course("near", location={"postcode": "9000", "lat": 51.05, "lon": 3.72}),
        make_course("near-free", cost={"eur": 0},
                    location={"postcode": "9000", "lat": 51.05, "lon": 3.72}),
        make_course("near-late", start_dates=["2027-09-01"],
                    location={"postcode": "9000", "lat": 51.05, "lon": 3.72}),
    ])
    out = matching.match(cat, {"goal": "digitaal", "postcode": "9000"}, TODAY)
    assert ids(out) == ["near-free", "near", "near-late", "far"]


def test_outcome_fitting_the_goal_ranks_higher(open_cat):
    cat = open_cat([make_course("att", goals=["diploma-secundair"], outcome="attest"),
                    make_course("dip", goals=["diploma-secundair"], outcome="diploma-secundair")])
    out = matching.match(cat, {"goal": "diploma-secundair"}, TODAY)
    assert ids(out) == ["dip", "att"]
    assert "je krijgt een diploma secundair onderwijs" in out.results[0].reasons


def test_reasons_name_times_and_format(open_cat):
    cat = open_cat([make_course("c", times=["avond", "weekend"], format="combinatie",
                                accessibility={"wheelchair": True})])
    reasons = matching.match(cat, {"goal": "digitaal", "postcode": "9000"}, TODAY).results[0].reasons
    assert "op avonden, in het weekend" in reasons
    assert "deels in de klas, deels online" in reasons
    assert "start op 1/2/2027" in reasons
    assert reasons[-1] == "toegankelijk met een rolstoel"


def test_first_screen_shows_several_providers(open_cat):
    big = [make_course(f"big{i}", provider="big", cost={"eur": 0}) for i in range(6)]
    others = [make_course("x1", provider="x", cost={"eur": 300.0}),
              make_course("y1", provider="y", cost={"eur": 300.0})]
    out = matching.match(open_cat(big + others), {"goal": "digitaal"}, TODAY)
    first = [r.provider["id"] for r in out.results[:5]]
    assert first.count("big") == 3 and {"x", "y"} <= set(first)
    assert len(out.results) == 8


def test_first_screen_cap_two_per_provider_when_enough_others(open_cat):
    courses = [make_course(f"{p}{i}", provider=p, cost={"eur": 0 if p == "a" else 100.0})
               for p in "abc" for i in range(3)]
    out = matching.match(open_cat(courses), {"goal": "digitaal"}, TODAY)
    first = [r.provider["id"] for r in out.results[:5]]
    assert max(first.count(p) for p in "abc") == 2 and first[:2] == ["a", "a"]


def test_orientation_round_robins_over_goals(open_cat):
    courses = [make_course(f"d{i}", goals=["digitaal"], cost={"eur": 0}) for i in range(4)]
    courses += [make_course("n1", goals=["nederlands"], cost={"eur": 200.0}),
                make_course("t1", goals=["talen"], cost={"eur": 200.0})]
    out = matching.match(open_cat(courses), {"goal": "weet-niet"}, TODAY)
    first_three = {r.course["goals"][0] for r in out.results[:3]}
    assert first_three == {"digitaal", "nederlands", "talen"}
    assert "om Nederlands te leren" in next(r for r in out.results
                                            if r.course["id"] == "n1").reasons


def test_orientation_shows_the_best_few_of_each_goal(open_cat):
    n = matching.ORIENTATION_PER_GOAL
    courses = [make_course(f"d{i}", goals=["digitaal"], cost={"eur": 10.0 * i})
               for i in range(n + 3)]
    courses += [make_course(f"n{i}", goals=["nederlands"], times=["dag"]) for i in range(2)]
    out = matching.match(open_cat(courses), {"goal": "weet-niet", "times": ["avond"]}, TODAY)
    assert out.orientation and not out.relaxed
    assert sorted(ids(out)) == sorted(f"d{i}" for i in range(n))   # avond only: no n*
    out = matching.match(open_cat(courses), {"goal": "weet-niet"}, TODAY)
    assert sorted(ids(out)) == sorted([f"d{i}" for i in range(n)] + ["n0", "n1"])
    # goals in the contract's order, the best remaining of each in turn
    assert [r.course["goals"][0] for r in out.results[:5]] == [
        "nederlands", "digitaal", "nederlands", "digitaal", "digitaal"]
    assert ids(out)[1] == "d0"


def test_translated_reasons_fall_back_to_dutch_without_catalog(open_cat):
    cat = open_cat([make_course("c")])
    out = matching.match(cat, {"goal": "digitaal"}, TODAY, lang="xx")
    assert "op avonden" in out.results[0].reasons


def test_results_are_lazy_but_complete(open_cat):
    cat = open_cat([make_course(f"c{i}", provider=f"p{i % 4}") for i in range(23)])
    out = matching.match(cat, {"goal": "digitaal"}, TODAY)
    assert len(out.results) == 23
    assert out.results[-1].course["id"] == list(out.results)[22].course["id"]
    assert [r.course["id"] for r in out.results[3:6]] == ids(out)[3:6]
    assert isinstance(out.results[0].course["title"], dict)
    assert out.results[0].provider["name"].startswith("P")
    with pytest.raises(IndexError):
        out.results[23]


@pytest.mark.parametrize("answers, word", [
    ({"goal": "koken"}, "goal"), ({"times": "avond"}, "times"), ({"times": ["nacht"]}, "times"),
    ({"max_distance_km": -3}, "max_distance_km"), ({"postcode": [9000]}, "postcode"),
    ({"dutch_level": "b1"}, "dutch_level"), ([], "JSON object"),
])
def test_invalid_answers_are_refused_in_plain_words(open_cat, answers, word):
    cat = open_cat([make_course("c")])
    with pytest.raises(matching.AnswersError, match=word):
        matching.match(cat, answers, TODAY)


# ------------------------------------------------------------ command line

def run_kiosk(tmp_path, *args, stdin=None):
    env = dict(os.environ, KIOSK_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "kiosk.cli.main", "match", *args],
                          input=stdin, capture_output=True, text=True, env=env, timeout=60)


@pytest.fixture
def cache_with_catalog(tmp_path):
    (tmp_path / "cache").mkdir()
    write_catalog(tmp_path / "cache",
                  [provider("cvo-gent", "CVO Gent"), provider("cbe", "CBE Gent", "cbe")],
                  [make_course("cvo-gent-1", provider="cvo-gent",
                               title={"nl": "Computer voor beginners", "en": "Computer basics"},
                               location={"postcode": "9000", "lat": 51.05, "lon": 3.72}),
                   make_course("cbe-1", provider="cbe", cost={"eur": 0},
                               location={"postcode": "9050"}),
                   make_course("cbe-far", provider="cbe", location={"postcode": "8400"})])
    return tmp_path


def test_cli_json_follows_the_contract(cache_with_catalog):
    tmp_path = cache_with_catalog
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"goal": "digitaal", "postcode": "9000",
                                   "max_distance_km": 20, "language": "en"}))
    proc = run_kiosk(tmp_path, "--answers", str(answers), "--today", "2027-01-10", "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["relaxed"] == []
    assert [r["id"] for r in data["results"]] == ["cbe-1", "cvo-gent-1"]
    for item in data["results"]:
        assert {"id", "provider", "title", "distance_km", "reasons"} <= set(item)
        assert isinstance(item["reasons"], list) and item["reasons"]
    cvo = data["results"][1]
    assert cvo["title"] == "Computer basics" and cvo["provider"] == "cvo-gent"
    assert 0 < cvo["distance_km"] < 2


def test_cli_reads_stdin_and_relaxes(cache_with_catalog):
    proc = run_kiosk(cache_with_catalog, "--answers", "-", "--today", "2027-01-10", "--json",
                     stdin=json.dumps({"goal": "digitaal", "postcode": "9000",
                                       "max_distance_km": 20, "formats": ["afstand"]}))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["relaxed"] == ["max_distance_km", "formats"]
    assert sorted(r["id"] for r in data["results"]) == ["cbe-1", "cvo-gent-1"]   # not 59 km away


def test_cli_plain_text_output(cache_with_catalog):
    proc = run_kiosk(cache_with_catalog, "--answers", "-", "--today", "2027-01-10",
                     stdin='{"goal": "digitaal", "postcode": "9000"}')
    assert proc.returncode == 0
    assert "1. " in proc.stdout and "CBE Gent" in proc.stdout


@pytest.mark.parametrize("stdin, extra, message", [
    ("{not json", [], "not valid JSON"),
    ('{"goal": "koken"}', [], "'goal' cannot be"),
    ('{"goal": "digitaal"}', ["--today", "31-01-2027"], "--today must be a date"),
])
def test_cli_bad_input_is_one_clear_line(cache_with_catalog, stdin, extra, message):
    proc = run_kiosk(cache_with_catalog, "--answers", "-", *extra, stdin=stdin)
    assert proc.returncode == 2
    assert message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_cli_missing_answers_file(cache_with_catalog):
    proc = run_kiosk(cache_with_catalog, "--answers", str(cache_with_catalog / "nope.json"))
    assert proc.returncode == 2 and "Cannot read the answers file" in proc.stderr


def test_identical_courses_keep_their_order_when_the_feed_is_reordered(open_cat):
    twins = [make_course(f"{p}-twin", provider=p) for p in ("a", "b", "c", "d")]
    first = ids(matching.match(open_cat(twins), {"goal": "digitaal"}, TODAY))
    again = ids(matching.match(open_cat(list(reversed(twins))), {"goal": "digitaal"}, TODAY))
    assert first == again and sorted(first) == ["a-twin", "b-twin", "c-twin", "d-twin"]


def test_reasons_follow_the_factor_scores_of_the_ranking(open_cat):
    """The reasons are ordered by what each factor added to the score: a free course
    starting in a year names its price first and its start last, a dear one starting
    today names its start before its outcome and its price last."""
    cat = open_cat([make_course("free-late", cost={"eur": 0}, start_dates=["2028-01-10"],
                                outcome="attest"),
                    make_course("dear-soon", provider="p2", cost={"eur": 900.0},
                                start_dates=["2027-01-10"], outcome="attest")])
    by_id = {r.course["id"]: r for r in matching.match(cat, {"goal": "digitaal"}, TODAY).results}
    assert by_id["free-late"].reasons == [
        "gratis", "op avonden", "je krijgt een bewijs dat je de les volgde", "start op 10/1/2028"]
    assert by_id["dear-soon"].reasons == [
        "op avonden", "start op 10/1/2027", "je krijgt een bewijs dat je de les volgde", "prijs: 900 euro"]
