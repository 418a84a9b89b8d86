"""Catalog refresh from feed files: validation, build, swap, rollback, status, kills."""
import datetime as dt
import fcntl
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk import paths, vocab
from kiosk.catalog import db as catalog
from kiosk.catalog import pipeline, status, store
from kiosk.cli import catalog as cli_catalog
from kiosk.cli import main as cli

PYTHON = sys.executable


def course(i: int, **changes) -> dict:
    c = {
        "id": f"c-{i}", "provider": "cvo-gent",
        "title": {"nl": f"Cursus {i}", "en": f"Course {i}"},
        "summary": {"nl": "Korte uitleg."},
        "goals": ["nederlands", "digitaal"], "outcome": "certificaat",
        "requires": {"dutch_level": "A2", "diploma": "secundair", "min_age": 18},
        "language": "nl", "format": "klassikaal", "times": ["avond", "weekend"],
        "hours_per_week": 4, "duration_weeks": 20,
        "start_dates": ["2027-09-01", "2027-02-01"], "flexible_start": False,
        "cost": {"eur": 80.5, "free_for": ["werkzoekend"], "reduced_for": [],
                 "opleidingscheques": True, "opleidingsverlof": False},
        "location": {"name": "Campus", "street": "Straat 1", "postcode": "9000", "city": "Gent",
                     "lat": 51.05, "lon": 3.72},
        "accessibility": {"wheelchair": True},
        "url": "https://example.org/c",
    }
    c.update(changes)
    return c


def make_feed(n: int = 10, bad: int = 0, tag: str = "", providers_last: bool = False) -> dict:
    """A feed of n courses of which the last `bad` have no goals."""
    courses = [course(i, title={"nl": f"Cursus {tag}{i}"}) for i in range(n)]
    for c in courses[n - bad:]:
        c["goals"] = []
    providers = [{"id": "cvo-gent", "name": "CVO Gent", "type": "cvo"}]
    head = {"format": "leerwinkel-catalog", "version": 1,
            "generated_at": "2026-11-20T08:00:00Z", "publisher": f"Test {tag}"}
    if providers_last:
        return {**head, "courses": courses, "providers": providers}
    return {**head, "providers": providers, "courses": courses}


def write(path: Path, doc) -> str:
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return str(path)


def load(cfg, cache, tmp_path, doc, name="feed.json", allow_shrink=False):
    return pipeline.refresh(cfg, source=write(tmp_path / name, doc), cache_dir=cache,
                        allow_shrink=allow_shrink)


# ------------------------------------------------------------------ loading and encoding

def test_loads_feed_and_stores_contract_fields(cfg, cache, tmp_path):
    doc = make_feed(3)
    doc["courses"][1] = course(1, format="afstand", times=[], start_dates=[], flexible_start=True,
                               location={"postcode": "9000"}, requires={}, cost={})
    report = load(cfg, cache, tmp_path, doc)
    assert report.ok and not report.unchanged and report.loaded == 3 and report.providers == 1
    cat = catalog.open_catalog(catalog.current_path(cache))
    row = cat.course("c-0")
    assert row["goals"] == ["nederlands", "digitaal"]
    assert row["goals_mask"] == vocab.mask(vocab.GOALS, ["nederlands", "digitaal"])
    assert row["times_mask"] == vocab.mask(vocab.TIMES, ["avond", "weekend"])
    assert row["req_dutch"] == vocab.rank(vocab.DUTCH_LEVELS, "A2")
    assert row["req_diploma"] == vocab.rank(vocab.DIPLOMAS, "secundair")
    assert row["last_start"] == "2027-09-01" and row["start_dates"] == ["2027-02-01", "2027-09-01"]
    assert row["cost_eur"] == 80.5 and row["free_for"] == ["werkzoekend"]
    assert (row["lat"], row["lon"], row["coords_from_postcode"]) == (51.05, 3.72, 0)
    flexible = cat.course("c-1")
    assert flexible["req_dutch"] is None and flexible["req_diploma"] is None
    assert flexible["cost_eur"] is None and flexible["last_start"] is None
    assert flexible["flexible_start"] == 1 and flexible["times"] == []
    assert flexible["coords_from_postcode"] == 1 and 50 < flexible["lat"] < 52
    meta = cat.meta()
    assert meta["format"] == "leerwinkel-catalog" and meta["version"] == "1"
    assert meta["publisher"] == "Test " and meta["generated_at"] == "2026-11-20T08:00:00Z"
    assert meta["source"].endswith("feed.json") and meta["rejected"] == "0"
    for key in ("refreshed_at", "etag", "last_modified"):
        assert key in meta
    # full-text search is built
    hits = list(cat.db.query("select rowid from courses_fts where courses_fts match 'Cursus'"))
    assert len(hits) == 3
    cat.close()


def test_unknown_postcode_keeps_course_without_coordinates(cfg, cache, tmp_path):
    doc = make_feed(2)
    doc["courses"][0]["location"] = {"postcode": "2701"}   # no place in 27xx
    assert load(cfg, cache, tmp_path, doc).loaded == 2
    row = catalog.open_catalog(catalog.current_path(cache)).course("c-0")
    assert row["lat"] is None and row["lon"] is None and row["coords_from_postcode"] == 0


BAD_COURSES = [
    ({"id": ""}, "no id"),
    ({"provider": "nobody"}, "not in the feed's providers"),
    ({"title": {"en": "English only"}}, "Dutch title"),
    ({"title": "Cursus"}, "texts per language"),
    ({"goals": []}, "at least one goal"),
    ({"goals": ["weet-niet"]}, "unknown value 'weet-niet'"),
    ({"format": "hybride"}, "format 'hybride' is unknown"),
    ({"times": []}, "only 'afstand'"),
    ({"times": ["nacht"]}, "unknown value 'nacht'"),
    ({"start_dates": [], "flexible_start": False}, "no start_dates"),
    ({"start_dates": ["1/2/2027"]}, "not a date"),
    ({"start_dates": ["2027-02-30"]}, "not a date"),
    ({"location": {"city": "Gent"}}, "postcode"),
    ({"location": {"postcode": "900"}}, "postcode"),
    ({"location": {"postcode": "9000", "lat": 51.0}}, "lat without lon"),
    ({"requires": {"diploma": "buitenlands"}}, "requires.diploma 'buitenlands'"),
    ({"requires": {"dutch_level": "Z9"}}, "requires.dutch_level"),
    ({"cost": {"eur": -5}}, "cost.eur"),
    ({"cost": {"free_for": ["rijk"]}}, "cost.free_for"),
    ({"url": "javascript:alert(1)"}, "https://"),
    ({"flexible_start": "ja"}, "true or false"),
]


@pytest.mark.parametrize("change, reason", BAD_COURSES)
def test_bad_course_is_rejected_with_id_and_reason(cfg, cache, tmp_path, change, reason):
    doc = make_feed(10)
    doc["courses"][4].update(change)
    report = load(cfg, cache, tmp_path, doc)
    assert report.ok and report.loaded == 9
    assert len(report.rejected) == 1
    cid, why = report.rejected[0]
    assert cid == (doc["courses"][4]["id"] or "(course 5, no id)")
    assert reason in why
    assert f"{cid}: {why}" in report.text()


def test_duplicate_id_keeps_the_first(cfg, cache, tmp_path):
    doc = make_feed(10)
    doc["courses"][7]["id"] = "c-2"
    report = load(cfg, cache, tmp_path, doc)
    assert report.rejected == [("c-2", "the same id appears more than once; the first one is used")]
    assert catalog.open_catalog(catalog.current_path(cache)).course("c-2")["title_nl"] == "Cursus 2"


def test_providers_after_courses(cfg, cache, tmp_path):
    report = load(cfg, cache, tmp_path, make_feed(5, providers_last=True))
    assert report.ok and report.loaded == 5


def test_a_refresh_repairs_a_corrupt_catalog_file(cfg, cache, tmp_path, titles):
    (cache / catalog.CURRENT).write_bytes(b"\x00garbage, not SQLite\xff" * 400)
    report = load(cfg, cache, tmp_path, make_feed(5))
    assert report.ok and report.loaded == 5, report.message
    assert titles(cache) == {f"Cursus {i}" for i in range(5)}


def test_bad_provider_is_skipped_and_its_courses_rejected(cfg, cache, tmp_path):
    doc = make_feed(10)
    doc["providers"].append({"id": "weird", "name": "Weird", "type": "bank"})
    doc["courses"][0]["provider"] = "weird"
    report = load(cfg, cache, tmp_path, doc)
    assert report.loaded == 9 and report.rejected[0][0] == "c-0"
    assert any("weird" in n and "bank" in n for n in report.notes)


def test_ten_percent_bad_loads_the_rest(cfg, cache, tmp_path):
    report = load(cfg, cache, tmp_path, make_feed(20, bad=2))
    assert report.ok and report.loaded == 18 and len(report.rejected) == 2
    assert status.status(cfg, cache)["rejected"] == 2


def test_twenty_percent_is_still_loaded_thirty_is_refused(cfg, cache, tmp_path, titles):
    assert load(cfg, cache, tmp_path, make_feed(10, bad=2, tag="a")).ok
    report = load(cfg, cache, tmp_path, make_feed(10, bad=3, tag="b"), "b.json")
    assert not report.ok and "3 of 10" in report.message and len(report.rejected) == 3
    assert titles(cache) == {f"Cursus a{i}" for i in range(8)}


REFUSED = [
    ("", "empty"),
    ("  \n", "empty"),
    ("<html><body>Error</body></html>", "web page"),
    ("this is not json", "not valid JSON"),
    ('{"format": "leerwinkel-catalog", "version": 1, "providers": [], "courses": [{"id": ',
     "cut off"),
    ("[1, 2, 3]", "not a JSON object"),
    ({"format": "other-catalog", "version": 1, "providers": [], "courses": []}, "format 'other-catalog'"),
    ({"version": 1, "providers": [], "courses": []}, "no format field"),
    ({"format": "leerwinkel-catalog", "version": 2, "providers": [], "courses": []}, "version 2"),
    ({"format": "leerwinkel-catalog", "version": "1", "providers": [], "courses": []}, "version '1'"),
    ({"format": "leerwinkel-catalog", "version": 1, "courses": []}, "no list of providers"),
    ({"format": "leerwinkel-catalog", "version": 1, "providers": []}, "no list of courses"),
    ({"format": "leerwinkel-catalog", "version": 1, "providers": [], "courses": {}}, "not a list"),
    ({"format": "leerwinkel-catalog", "version": 1, "providers": [], "courses": []}, "no courses"),
]


@pytest.mark.parametrize("doc, reason", REFUSED)
def test_refused_feed_keeps_previous_catalog(cfg, cache, tmp_path, titles, doc, reason):
    assert load(cfg, cache, tmp_path, make_feed(4, tag="old")).ok
    report = load(cfg, cache, tmp_path, doc, "new.json")
    assert not report.ok and reason in report.message
    assert "\n" not in report.message and "Traceback" not in report.message
    assert titles(cache) == {f"Cursus old{i}" for i in range(4)}
    assert not list(cache.glob("catalog.new-*"))


def test_gzip_feed_file(cfg, cache, tmp_path):
    import gzip
    path = tmp_path / "feed.json.gz"
    path.write_bytes(gzip.compress(json.dumps(make_feed(3)).encode()))
    assert pipeline.refresh(cfg, source=str(path), cache_dir=cache).loaded == 3


def test_gzip_file_growing_past_the_limit_is_cut(cfg, cache, tmp_path):
    import gzip
    cfg.catalog.max_bytes = 1_000_000
    path = tmp_path / "bomb.json.gz"
    path.write_bytes(gzip.compress(b'{"format": "leerwinkel-catalog", "version": 1, '
                                   b'"providers": [], "courses": [' + b" " * 5_000_000))
    assert path.stat().st_size < cfg.catalog.max_bytes
    report = pipeline.refresh(cfg, source=str(path), cache_dir=cache)
    assert not report.ok and "larger than the allowed 1 MB" in report.message


def test_feed_with_utf8_bom(cfg, cache, tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(make_feed(2)).encode())
    assert pipeline.refresh(cfg, source=str(path), cache_dir=cache).loaded == 2


def test_missing_file_and_oversize_file(cfg, cache, tmp_path):
    report = pipeline.refresh(cfg, source=str(tmp_path / "nope.json"), cache_dir=cache)
    assert not report.ok and "does not exist" in report.message
    cfg.catalog.max_bytes = 1000
    report = load(cfg, cache, tmp_path, make_feed(20))
    assert not report.ok and "larger than the allowed" in report.message


def test_same_file_again_is_unchanged(cfg, cache, tmp_path):
    path = write(tmp_path / "feed.json", make_feed(3))
    assert pipeline.refresh(cfg, source=path, cache_dir=cache).ok
    again = pipeline.refresh(cfg, source=path, cache_dir=cache)
    assert again.ok and again.unchanged and "not changed" in again.message
    assert not status.status(cfg, cache)["previous_available"]


# ------------------------------------------------------------------ swap, readers, rollback

def test_open_reader_keeps_old_catalog_next_open_sees_new(cfg, cache, tmp_path, titles):
    assert load(cfg, cache, tmp_path, make_feed(3, tag="old")).ok
    reader = catalog.open_catalog(catalog.current_path(cache))
    assert load(cfg, cache, tmp_path, make_feed(5, tag="new"), "b.json").ok
    assert reader.counts()["courses"] == 3
    assert {r["title_nl"] for r in reader.db["courses"].rows} == {f"Cursus old{i}" for i in range(3)}
    reader.close()
    assert titles(cache) == {f"Cursus new{i}" for i in range(5)}


def test_rollback_swaps_current_and_previous(cfg, cache, tmp_path, titles):
    assert not store.rollback(cache).ok
    assert load(cfg, cache, tmp_path, make_feed(3, tag="a")).ok
    assert "no previous" in store.rollback(cache).message
    assert load(cfg, cache, tmp_path, make_feed(4, tag="b"), "b.json").ok
    report = store.rollback(cache)
    assert report.ok and report.loaded == 3 and "3 courses" in report.message
    assert titles(cache) == {f"Cursus a{i}" for i in range(3)}
    assert store.rollback(cache).ok
    assert titles(cache) == {f"Cursus b{i}" for i in range(4)}


def test_second_refresh_waits_for_lock(cfg, cache, tmp_path, titles):
    assert load(cfg, cache, tmp_path, make_feed(3, tag="a")).ok
    fd = os.open(cache / store.LOCK_FILE, os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        report = load(cfg, cache, tmp_path, make_feed(4, tag="b"), "b.json")
        assert not report.ok and "Another catalog refresh" in report.message
        assert not store.rollback(cache).ok
    finally:
        os.close(fd)
    assert titles(cache) == {f"Cursus a{i}" for i in range(3)}


def test_ensure_catalog_loads_bundled_sample_once(cfg, cache, tmp_path, titles, monkeypatch):
    sample = tmp_path / "sample.json"
    write(sample, make_feed(2, tag="sample"))
    monkeypatch.setattr(paths, "SAMPLE_CATALOG", sample)
    path = pipeline.ensure_catalog(cfg, cache)
    assert path == cache / catalog.CURRENT and titles(cache) == {"Cursus sample0", "Cursus sample1"}
    assert load(cfg, cache, tmp_path, make_feed(1, tag="site")).ok
    assert pipeline.ensure_catalog(cfg, cache) == path and titles(cache) == {"Cursus site0"}


def test_ensure_catalog_without_sample_says_why(cfg, cache, tmp_path, monkeypatch):
    monkeypatch.setattr(paths, "SAMPLE_CATALOG", tmp_path / "missing.json")
    with pytest.raises(RuntimeError, match="does not exist"):
        pipeline.ensure_catalog(cfg, cache)


# ------------------------------------------------------------------ status and schedule

def test_status_fresh_and_stale(cfg, cache, tmp_path):
    info = status.status(cfg, cache)
    assert info["present"] is False and info["courses"] == 0
    assert load(cfg, cache, tmp_path, make_feed(3)).ok
    info = status.status(cfg, cache)
    assert info["providers"] == 1 and info["courses"] == 3 and info["stale"] is False
    assert info["feed_generated_at"] == "2026-11-20T08:00:00Z" and info["age_days"] == 0.0
    assert info["publisher"] == "Test " and info["source"].endswith("feed.json")
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=20)).isoformat()
    conn = sqlite3.connect(cache / catalog.CURRENT)
    conn.execute("update meta set value = ? where key = 'refreshed_at'", [old])
    conn.commit()
    conn.close()
    (cache / store.STATE_FILE).unlink()
    info = status.status(cfg, cache)
    assert info["stale"] is True and 19.9 < info["age_days"] < 20.1
    assert "WARNING: the catalog is older than 14 days" in cli_catalog.status_text(info)


def test_cli_status_json_and_text(cfg, cache, tmp_path, capsys):
    assert cli.main(["catalog", "refresh", "--source", write(tmp_path / "f.json", make_feed(2))]) == 0
    assert "Loaded 2 courses from 1 providers." in capsys.readouterr().out
    assert cli.main(["catalog", "status", "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert {"providers", "courses", "source", "feed_generated_at", "refreshed_at"} <= set(info)
    assert info["courses"] == 2
    assert cli.main(["catalog", "status"]) == 0
    out = capsys.readouterr().out
    assert "Courses:       2" in out and "WARNING" not in out


def test_cli_refused_refresh_and_rollback_exit_nonzero(cfg, cache, tmp_path, capsys):
    assert cli.main(["catalog", "refresh", "--source", write(tmp_path / "f.json", "nonsense")]) == 1
    err = capsys.readouterr().err
    assert "not valid JSON" in err and "Traceback" not in err
    assert cli.main(["catalog", "rollback"]) == 1
    assert "no previous catalog" in capsys.readouterr().err
    info = status.status(cfg, cache)
    assert info["last_ok"] is False and "not valid JSON" in info["last_message"]


@pytest.mark.parametrize("now, last, expected", [
    ("2026-11-20 07:00", None, True),                   # never refreshed
    ("2026-11-20 07:00", "2026-11-19 06:30", True),     # yesterday's 06:00 slot was done
    ("2026-11-20 05:59", "2026-11-19 06:30", False),    # today's slot not yet reached
    ("2026-11-20 06:00", "2026-11-19 06:30", True),
    ("2026-11-20 09:00", "2026-11-20 06:01", False),    # already done today
    ("2026-11-20 05:00", "2026-11-18 12:00", True),     # missed yesterday's slot
])
def test_due_for_refresh(cfg, now, last, expected):
    cfg.catalog.refresh_at = "06:00"
    parse = dt.datetime.fromisoformat
    assert status.due_for_refresh(cfg, parse(now), last and parse(last)) is expected


def test_due_for_refresh_off_or_bad_setting(cfg):
    now = dt.datetime(2026, 11, 20, 12, 0)
    assert status.due_for_refresh(cfg, now, None) is False
    cfg.catalog.refresh_at = "25:00"
    assert status.due_for_refresh(cfg, now, None) is False
    cfg.catalog.refresh_at = "06:00"
    assert status.due_for_refresh(cfg, now, "2026-11-20T05:30:00") is True


# ------------------------------------------------------------------ killed refreshes

KILL_CHILD = r"""
import os, sys, time
from pathlib import Path
from kiosk.catalog import pipeline
from kiosk.site import config
stage = sys.argv[3]
real_replace, real_link = os.replace, os.link
def pause(tag):
    if tag == stage:
        Path(sys.argv[4]).write_text("ready")
        time.sleep(60)
def replace(src, dst):
    pause("before-replace:" + Path(dst).name)
    real_replace(src, dst)
    pause("after-replace:" + Path(dst).name)
def link(src, dst):
    pause("before-link")
    real_link(src, dst)
os.replace, os.link = replace, link
pipeline.refresh(config.Config(), source=sys.argv[1], cache_dir=Path(sys.argv[2]))
"""


def run_and_kill(args: list[str], marker: Path | None, delay: float | None) -> None:
    proc = subprocess.Popen([PYTHON, "-c", KILL_CHILD, *args], cwd=paths.ROOT)
    try:
        if marker is not None:
            deadline = time.time() + 60
            while not marker.exists():
                assert proc.poll() is None, "the refresh ended before the stage"
                assert time.time() < deadline
                time.sleep(0.02)
        else:
            time.sleep(delay)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()


@pytest.mark.parametrize("stage", ["before-link", "before-replace:catalog.previous.sqlite",
                                   "after-replace:catalog.previous.sqlite",
                                   "before-replace:catalog.sqlite",
                                   "after-replace:catalog.sqlite"])
def test_refresh_killed_mid_swap_leaves_a_working_catalog(cfg, cache, tmp_path, titles, stage):
    assert load(cfg, cache, tmp_path, make_feed(3, tag="old")).ok
    old, new = {f"Cursus old{i}" for i in range(3)}, {f"Cursus new{i}" for i in range(5)}
    marker = tmp_path / "marker"
    run_and_kill([write(tmp_path / "new.json", make_feed(5, tag="new")), str(cache), stage,
                  str(marker)], marker, None)
    got = titles(cache)
    assert got in [old, new]
    # the new file replaces the current one first; the previous one changes after that
    assert got == (old if stage in ("before-link", "before-replace:catalog.sqlite") else new)
    if got == new:                  # a rollback goes somewhere: back to the old catalog
        assert store.rollback(cache).ok and titles(cache) == old
        assert store.rollback(cache).ok and titles(cache) == new
    # the next refresh cleans up and works
    assert load(cfg, cache, tmp_path, make_feed(2, tag="next"), "next.json",
                allow_shrink=True).ok
    assert titles(cache) == {"Cursus next0", "Cursus next1"}
    assert not list(cache.glob("catalog.new-*"))


def test_refresh_killed_at_random_moments(cfg, cache, tmp_path, titles):
    assert load(cfg, cache, tmp_path, make_feed(3, tag="old")).ok
    old, new = {f"Cursus old{i}" for i in range(3)}, {f"Cursus new{i}" for i in range(3000)}
    source = write(tmp_path / "big.json", make_feed(3000, tag="new"))
    for delay in (0.05, 0.2, 0.4, 0.6, 0.8, 1.0, 1.3, 1.6):
        run_and_kill([source, str(cache), "none", str(tmp_path / "m")], None, delay)
        assert titles(cache) in [old, new]
