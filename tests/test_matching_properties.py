"""Generated catalogs (courses and routes) and answers: every shown course obeys every
hard rule, no obeying course is left out (for an orientation: every goal that has obeying
courses is shown), every route that applies is shown, and neither feed order nor provider
names change the outcome."""
import json
import tempfile
from datetime import date, timedelta
from pathlib import Path

from conftest import provider, write_catalog
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk import vocab
from kiosk.catalog import db as catalog
from kiosk.guidance import matching, places

TODAY = date(2027, 1, 10)
# the number of examples comes from the profile (tests/conftest.py: more under CI)
SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
POSTCODES = ["9000", "9050", "9300", "8500", "2000", "8400", "2701"]   # 2701: unknown
maybe = lambda values: st.one_of(st.none(), st.sampled_from(values))  # noqa: E731


@st.composite
def courses(draw, n_providers):
    fmt = draw(st.sampled_from(vocab.FORMATS))
    times = draw(st.lists(st.sampled_from(vocab.TIMES), unique=True,
                          min_size=0 if fmt == "afstand" else 1, max_size=3))
    flexible = draw(st.booleans())
    starts = draw(st.lists(st.integers(-60, 200), max_size=2, min_size=0 if flexible else 1))
    location = {"postcode": draw(st.sampled_from(POSTCODES[:-1]))}
    if draw(st.booleans()):
        location["lat"] = draw(st.floats(50.7, 51.4))
        location["lon"] = draw(st.floats(3.2, 4.5))
    extra = {}
    kind = draw(st.sampled_from((None,) * 6 + vocab.ROUTE_KINDS))
    if kind:
        extra["kind"] = kind
    low, high = sorted(draw(st.lists(st.sampled_from(vocab.DUTCH_LEVELS), min_size=2,
                                     max_size=2, unique=True)), key=vocab.DUTCH_LEVELS.index)
    if draw(st.booleans()):
        extra["dutch_levels"] = {"from": low, "to": high}
    extra["accessibility"] = {"childcare": draw(st.one_of(st.none(), st.booleans())),
                              "wheelchair": draw(st.one_of(st.none(), st.booleans()))}
    if draw(st.booleans()):
        extra["language"] = draw(st.sampled_from(["nl", "en", "fr"]))
    return {
        **extra,
        "provider": f"p{draw(st.integers(0, n_providers - 1))}",
        "goals": draw(st.lists(st.sampled_from(vocab.GOALS), unique=True, min_size=1,
                               max_size=2)),
        "outcome": draw(maybe(vocab.OUTCOMES)),
        "requires": {"dutch_level": draw(maybe(vocab.DUTCH_LEVELS)),
                     "diploma": draw(maybe(vocab.DIPLOMAS))},
        "format": fmt, "times": times, "flexible_start": flexible,
        "start_dates": [(TODAY + timedelta(days=d)).isoformat() for d in starts],
        "cost": {"eur": draw(st.one_of(st.none(), st.sampled_from([0.0, 40.0, 180.0]))),
                 "free_for": draw(st.lists(st.sampled_from(vocab.STATUSES), max_size=2)),
                 "reduced_for": draw(st.lists(st.sampled_from(vocab.STATUSES), max_size=2)),
                 "opleidingscheques": draw(st.booleans())},
        "location": location,
    }


@st.composite
def catalogs(draw):
    n_providers = draw(st.integers(1, 4))
    items = draw(st.lists(courses(n_providers), min_size=0, max_size=30))
    for n, course in enumerate(items):
        course["id"] = f"{course['provider']}-c{n}"     # an id holds a letter (docs/feed.md)
        course["title"] = {"nl": f"Cursus {n}"}
    return n_providers, items


answers_strategy = st.fixed_dictionaries({}, optional={
    "goal": maybe(vocab.GOALS + (vocab.GOAL_UNSURE,)),
    "dutch_level": maybe(vocab.DUTCH_LEVELS),
    "diploma": maybe(vocab.DIPLOMAS + (vocab.FOREIGN_DIPLOMA,)),
    "status": st.one_of(maybe(vocab.STATUSES),
                        st.lists(st.sampled_from(vocab.STATUSES), unique=True, max_size=3)),
    "needs": st.lists(st.sampled_from(vocab.NEEDS), unique=True, max_size=4),
    "times": st.lists(st.sampled_from(vocab.TIMES), unique=True, max_size=3),
    "formats": st.lists(st.sampled_from(vocab.FORMATS), unique=True, max_size=3),
    "postcode": maybe(POSTCODES),
    "max_distance_km": st.one_of(st.none(), st.sampled_from([3, 10, 20, 40, 80])),
})


def statuses(answers) -> list:
    status = answers.get("status")
    return [status] if isinstance(status, str) else list(status or [])


def meets_needs(course, answers, needs) -> bool:
    """The needs of docs/matching.md section 1 (courses only)."""
    access = course["accessibility"]
    online = course["format"] == "afstand"
    if "kinderopvang" in needs and not online and access["childcare"] is False:
        return False
    if "rolstoel" in needs and not online and access["wheelchair"] is False:
        return False
    if ("andere-taal" in needs and "nederlands" not in course["goals"]
            and course.get("language", "nl") == "nl"):
        return False
    cost = course["cost"]
    return "gratis" not in needs or cost["eur"] == 0 or bool(
        set(cost["free_for"]) & set(statuses(answers)))


def obeys_shared(course, answers) -> bool:
    """The rules courses and routes share: goal, prerequisites, Dutch levels, start."""
    goal = answers.get("goal")
    if goal not in (None, "weet-niet") and goal not in course["goals"]:
        return False
    req = course["requires"]
    if answers.get("dutch_level") and req["dutch_level"] and (
            vocab.DUTCH_LEVELS.index(req["dutch_level"])
            > vocab.DUTCH_LEVELS.index(answers["dutch_level"])):
        return False
    if answers.get("diploma") in vocab.DIPLOMAS and req["diploma"] and (
            vocab.DIPLOMAS.index(req["diploma"]) > vocab.DIPLOMAS.index(answers["diploma"])):
        return False
    if answers.get("dutch_level") and "dutch_levels" in course and (
            vocab.DUTCH_LEVELS.index(answers["dutch_level"])
            >= vocab.DUTCH_LEVELS.index(course["dutch_levels"]["to"])):
        return False
    return course["flexible_start"] or any(d >= TODAY.isoformat() for d in course["start_dates"])


def starts(course) -> bool:
    return course["flexible_start"] or any(d >= TODAY.isoformat() for d in course["start_dates"])


def dutch_first(answers, items) -> bool:
    """The visitor's Dutch is below the level the goal's courses ask (their median)."""
    goal, level = answers.get("goal"), answers.get("dutch_level")
    if goal in (None, "weet-niet", "nederlands") or level is None:
        return False
    asked = sorted(vocab.DUTCH_LEVELS.index(c["requires"]["dutch_level"]) for c in items
                   if not c.get("kind") and goal in c["goals"] and starts(c)
                   and c["requires"]["dutch_level"])
    return bool(asked) and vocab.DUTCH_LEVELS.index(level) < asked[len(asked) // 2]


def route_applies(route, answers, routes, items=()) -> bool:
    """A route is shown when it obeys the shared rules and applies to the answers: a
    diploma's recognition for a foreign diploma; a visitor learning Dutch gets only the
    intakes of their region (all when the region has none or is unknown), and so does a
    visitor whose Dutch is below what the goal's courses ask, whatever the intake's goal."""
    if route["kind"] == "intake" and dutch_first(answers, items):
        region = vocab.region(answers.get("postcode"))
        own = [r for r in routes if r["kind"] == "intake" and starts(r)
               and vocab.region(r["location"]["postcode"]) == region]
        if not starts(route):
            return False
        return not (region and own) or vocab.region(route["location"]["postcode"]) == region
    if not obeys_shared(route, answers):
        return False
    if route["kind"] == "recognition-diploma":
        return answers.get("diploma") == "buitenlands"
    if route["kind"] == "orientation":      # part of inburgering: newcomers, beginners
        level = answers.get("dutch_level")
        statuses = answers.get("status") or []
        statuses = [statuses] if isinstance(statuses, str) else statuses
        return ("inburgeraar" in statuses or level is None
                or vocab.DUTCH_LEVELS.index(level) <= 1)
    if route["kind"] == "recognition-experience":
        return answers.get("experience") != "geen"
    if route["kind"] == "intake" and answers.get("goal") == "nederlands":
        region = vocab.region(answers.get("postcode"))
        own = [r for r in routes if r["kind"] == "intake" and obeys_shared(r, answers)
               and vocab.region(r["location"]["postcode"]) == region]
        return not (region and own) or vocab.region(route["location"]["postcode"]) == region
    return True


def obeys(course, answers, limit_km, times, formats, needs=None) -> bool:
    """The hard rules of docs/matching.md section 1, written out independently of the code."""
    if course.get("kind"):
        return False
    needs = answers.get("needs", []) if needs is None else needs
    if not obeys_shared(course, answers) or not meets_needs(course, answers, needs):
        return False
    if times and not set(course["times"]) <= set(times):
        return False
    if formats and course["format"] not in formats:
        return False
    origin = places.postcode_coordinates(answers.get("postcode"))
    if origin and limit_km is not None and course["format"] != "afstand":
        loc = course["location"]
        point = ((loc["lat"], loc["lon"]) if "lat" in loc
                 else places.postcode_coordinates(loc["postcode"]))
        if point is None or places.distance_km(*origin, *point) > limit_km:
            return False
    return True


def run(n_providers, items, answers, rename=None):
    rename = rename or {}
    provs = [provider(rename.get(f"p{i}", f"p{i}"), name=f"Name {rename.get(f'p{i}', i)}")
             for i in range(n_providers)]
    renamed = []
    for c in items:
        c = json.loads(json.dumps(c))
        new = rename.get(c["provider"], c["provider"])
        c["id"] = c["id"].replace(c["provider"], new, 1)
        c["provider"] = new
        renamed.append(c)
    with tempfile.TemporaryDirectory() as tmp:
        cat = catalog.open_catalog(write_catalog(Path(tmp) / "cache", provs, renamed))
        try:
            outcome = matching.match(cat, answers, TODAY)
            shown = [(r.course["id"], r.course["provider"], tuple(r.reasons), r.cost,
                      r.distance_km, r.kind) for r in outcome.results]
            scores = [r.score for r in outcome.results]
        finally:
            cat.close()
    outcome.scores = scores
    return outcome, shown


def check_shown(items, answers, outcome, shown_ids, limit_km, times, formats, needs=None):
    """Every route that applies; all obeying courses, or for an orientation: only obeying
    ones, every goal that has obeying courses, at most matching.ORIENTATION_PER_GOAL for
    each goal."""
    routes = [c for c in items if c.get("kind")]
    applying = {r["id"] for r in routes if route_applies(r, answers, routes, items)}
    assert applying <= set(shown_ids)
    shown_ids = [cid for cid in shown_ids if cid not in applying]
    obeying = [c for c in items if obeys(c, answers, limit_km, times, formats, needs)]
    if not outcome.orientation:
        assert set(shown_ids) == {c["id"] for c in obeying}
        return
    by_id = {c["id"]: c for c in items}
    assert set(shown_ids) <= {c["id"] for c in obeying}
    for goal in vocab.GOALS:
        serving = [cid for cid in shown_ids if goal in by_id[cid]["goals"]]
        if any(goal in c["goals"] for c in obeying):
            assert serving
    assert len(shown_ids) <= matching.ORIENTATION_PER_GOAL * len(vocab.GOALS)


@SETTINGS
@given(catalogs(), answers_strategy)
def test_shown_courses_are_exactly_those_that_obey_the_rules(cat, answers):
    n_providers, items = cat
    outcome, shown = run(n_providers, items, answers)
    shown_ids = [s[0] for s in shown]
    assert len(shown_ids) == len(set(shown_ids))
    assert outcome.orientation == (answers.get("goal") in (None, "weet-niet"))
    asked = {c["id"] for c in items
             if obeys(c, answers, answers.get("max_distance_km"), answers.get("times"),
                      answers.get("formats"))}
    if not outcome.relaxed:
        check_shown(items, answers, outcome, shown_ids, answers.get("max_distance_km"),
                    answers.get("times"), answers.get("formats"))
        return
    assert not asked        # relaxing happens only when nothing fits
    assert outcome.relaxed == [n for n in ("max_distance_km", "times", "formats", "needs")
                               if n in outcome.relaxed]
    times = None if "times" in outcome.relaxed else answers.get("times")
    formats = None if "formats" in outcome.relaxed else answers.get("formats")
    needs = [n for n in answers.get("needs", [])
             if "needs" not in outcome.relaxed or n != "andere-taal"]
    check_shown(items, answers, outcome, shown_ids, outcome.searched_km, times, formats, needs)
    if outcome.searched_km is not None:
        assert outcome.searched_km <= max(50, answers.get("max_distance_km") or 0)


@SETTINGS
@given(catalogs(), answers_strategy, st.randoms(use_true_random=False))
def test_feed_order_does_not_change_the_outcome(cat, answers, rnd):
    n_providers, items = cat
    shuffled = list(items)
    rnd.shuffle(shuffled)
    first, shown = run(n_providers, items, answers)
    second, shown_again = run(n_providers, shuffled, answers)
    assert shown == shown_again and first.relaxed == second.relaxed


@SETTINGS
@given(catalogs(), answers_strategy, st.permutations(["aaa", "mmm", "zzz", "000"]))
def test_renaming_providers_does_not_change_the_outcome(cat, answers, new_names):
    n_providers, items = cat
    rename = {f"p{i}": new_names[i] for i in range(n_providers)}
    back = {v: k for k, v in rename.items()}
    _, shown = run(n_providers, items, answers)
    _, shown_renamed = run(n_providers, items, answers, rename)
    undone = [(cid.replace(p, back[p], 1), back[p], *rest) for cid, p, *rest in shown_renamed]
    assert undone == shown


@SETTINGS
@given(catalogs(), answers_strategy)
def test_first_screen_shows_more_than_one_provider_when_three_qualify(cat, answers):
    n_providers, items = cat
    _, shown = run(n_providers, items, answers)
    while shown and shown[0][5] in ("intake", "recognition-diploma"):   # routes that lead
        shown = shown[1:]
    providers = [s[1] for s in shown]
    if len(set(providers)) >= 3:
        first = providers[:5]
        assert len(set(first)) >= 2
        for p in set(first):
            if first.count(p) > 2:     # allowed only when no other provider had more to show
                assert all(first.count(q) == min(2, providers.count(q))
                           for q in set(providers) if q != p)


@SETTINGS
@given(catalogs(), answers_strategy, st.data())
def test_a_visitor_exactly_at_a_requirement_sees_what_the_rules_allow(cat, answers, data):
    """Answers drawn from the requirements the catalog holds, so a visitor's diploma or
    Dutch level often equals a course's requirement: the edge where `<=` and `<` differ."""
    n_providers, items = cat
    required = [c["requires"] for c in items]
    diplomas = [r["diploma"] for r in required if r["diploma"]]
    levels = [r["dutch_level"] for r in required if r["dutch_level"]]
    goals = [g for c in items for g in c["goals"]]
    answers = dict(answers, times=None, formats=None, postcode=None, max_distance_km=None,
                   needs=[])
    if diplomas:
        answers["diploma"] = data.draw(st.sampled_from(diplomas))
    if levels:
        answers["dutch_level"] = data.draw(st.sampled_from(levels))
    if goals:
        answers["goal"] = data.draw(st.sampled_from(goals))
    outcome, shown = run(n_providers, items, answers)
    if not outcome.relaxed:
        check_shown(items, answers, outcome, [s[0] for s in shown], None, None, None)

