"""The bundled sample catalog never goes out of date: its dates move forward by whole
weeks when it is loaded (kiosk/catalog/sample.py), the file itself stays as written."""
import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest
from conftest import SAMPLE_DAY

from kiosk import clock, paths
from kiosk.catalog import pipeline, sample
from kiosk.site import config

ROOT = paths.ROOT


def upcoming(cache) -> int:
    conn = sqlite3.connect(cache / "catalog.sqlite")
    try:
        return conn.execute("select count(*) from courses where flexible_start or "
                            "last_start >= ?", [clock.today().isoformat()]).fetchone()[0]
    finally:
        conn.close()


def load_on(day, folder, monkeypatch) -> int:
    monkeypatch.setattr(clock, "today", lambda: day)
    assert pipeline.refresh(config.Config(), cache_dir=folder).ok
    return upcoming(folder)


@pytest.mark.parametrize("days", [1, 7, 30, 200, 365, 366, 1000])
def test_the_sample_shows_as_many_courses_on_any_later_day(days, tmp_path, monkeypatch):
    today = load_on(SAMPLE_DAY, tmp_path / "now", monkeypatch)
    later = load_on(SAMPLE_DAY + dt.timedelta(days=days), tmp_path / "later", monkeypatch)
    assert later == today > 50


def test_dates_move_by_whole_weeks_and_the_file_stays(tmp_path, monkeypatch):
    before = paths.SAMPLE_CATALOG.read_bytes()
    written = json.loads(before)
    a_year = SAMPLE_DAY + dt.timedelta(days=365)
    assert sample.shift_days(paths.SAMPLE_CATALOG, 10**8, SAMPLE_DAY) == 0
    moved = sample.shift_days(paths.SAMPLE_CATALOG, 10**8, a_year)
    assert moved == 364
    load_on(a_year, tmp_path, monkeypatch)
    conn = sqlite3.connect(tmp_path / "catalog.sqlite")
    first = written["courses"][0]
    stored = json.loads(conn.execute("select start_dates from courses where id = ?",
                                     [first["id"]]).fetchone()[0])
    made = conn.execute("select value from meta where key = 'generated_at'").fetchone()[0]
    conn.close()
    old = [dt.date.fromisoformat(d) for d in sorted(first["start_dates"])]
    assert [dt.date.fromisoformat(d) for d in stored] == [d + dt.timedelta(days=364) for d in old]
    assert [d.weekday() for d in old] == [dt.date.fromisoformat(d).weekday() for d in stored]
    assert made == "2027-11-19T08:00:00Z"
    assert paths.SAMPLE_CATALOG.read_bytes() == before


def test_a_copy_of_the_sample_elsewhere_is_loaded_as_written(tmp_path, monkeypatch):
    copy = tmp_path / "feed.json"
    shutil.copy(paths.SAMPLE_CATALOG, copy)
    monkeypatch.setattr(clock, "today", lambda: SAMPLE_DAY + dt.timedelta(days=365))
    assert pipeline.refresh(config.Config(), source=str(copy), cache_dir=tmp_path / "c").ok
    assert pipeline.refresh(config.Config(), cache_dir=tmp_path / "s").ok
    assert upcoming(tmp_path / "c") < 35 < upcoming(tmp_path / "s")  # only flexible ones


def test_a_year_ahead_with_faketime(tmp_path):
    assert shutil.which("faketime"), "faketime is missing: scripts/setup --test installs it"
    count = ("import sys, pathlib, sqlite3, datetime; from kiosk.site import config; "
             "from kiosk.catalog import pipeline; "
             "d = pathlib.Path(sys.argv[1]); assert pipeline.refresh(config.Config(), cache_dir=d).ok; "
             "print(sqlite3.connect(d / 'catalog.sqlite').execute('select count(*) from courses "
             "where flexible_start or last_start >= ?', [datetime.date.today().isoformat()])"
             ".fetchone()[0])")
    env = dict(os.environ)
    env.pop("FAKETIME", None)
    now = subprocess.run([sys.executable, "-c", count, tmp_path / "a"], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout
    ahead = subprocess.run(["faketime", "-f", "+365d", sys.executable, "-c", count,
                            tmp_path / "b"], cwd=ROOT, env=env, capture_output=True,
                           text=True, check=True).stdout
    assert int(ahead) == int(now) > 50
