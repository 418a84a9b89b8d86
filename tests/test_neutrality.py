"""Neutral scoring (docs/matching.md, "Neutrality"): an unknown price is never the
dearest, online is no distance, and the kind of proof a course gives is no penalty."""
import subprocess
import sys
from datetime import date
from pathlib import Path

from conftest import make_course, provider

from kiosk.guidance import matching

TODAY = date(2026, 12, 8)
ROOT = Path(__file__).resolve().parent.parent


def scores(cat, **answers):
    out = matching.match(cat, {"goal": "digitaal", **answers}, TODAY)
    return {r.course["id"]: r.score for r in out.results}, out


def test_an_unknown_price_is_not_the_dearest(open_cat):
    cat = open_cat([make_course("unknown", cost={}), make_course("dear", cost={"eur": 400.0})])
    got, out = scores(cat, status="werkend")
    assert got["unknown"] > got["dear"]
    unknown = next(r for r in out.results if r.course["id"] == "unknown")
    assert unknown.price == "Vraag de prijs na"


def test_online_scores_as_no_distance(open_cat):
    cat = open_cat([make_course("online", format="afstand", times=[]),
                    make_course("door")])          # placed at its postcode: 0 km
    got, _ = scores(cat, postcode="9000", max_distance_km=20)
    assert abs(got["online"] - got["door"]) < 0.01


def test_the_kind_of_proof_is_no_penalty_for_a_provider_type(open_cat):
    cat = open_cat([make_course("ligo", provider="ligo", outcome="attest"),
                    make_course("cvo", provider="cvo", outcome="certificaat")],
                   [provider("ligo", "Ligo", "ligo"), provider("cvo", "CVO", "cvo")])
    got, _ = scores(cat)
    assert got["ligo"] < got["cvo"]        # certificaat is what goal digitaal is after
    cat2 = open_cat([make_course("ligo", provider="ligo", outcome="attest", goals=["beroep"]),
                     make_course("cvo", provider="cvo", outcome="certificaat", goals=["beroep"])],
                    [provider("ligo", "Ligo", "ligo"), provider("cvo", "CVO", "cvo")])
    got = {r.course["id"]: r.score
           for r in matching.match(cat2, {"goal": "beroep"}, TODAY).results}
    assert got["ligo"] == got["cvo"]       # neither is a beroepskwalificatie: equal


def test_the_provider_type_itself_never_changes_a_score(open_cat):
    courses = [make_course("a", provider="x"), make_course("b", provider="y")]
    first = open_cat(courses, [provider("x", "X", "syntra"), provider("y", "Y", "cvo")])
    second = open_cat(courses, [provider("x", "X", "cvo"), provider("y", "Y", "syntra")])
    assert scores(first)[0] == scores(second)[0]


def test_the_bench_prints_a_place_per_provider_type():
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "neutrality.py"), "--markdown"],
                         capture_output=True, text=True, timeout=600, check=True).stdout
    for what in ("cvo", "ligo", "syntra", "vdab", "hoger-onderwijs", "intake",
                 "recognition-experience"):
        assert f"| {what} |" in out
