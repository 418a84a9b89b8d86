import json
from datetime import date

import pytest
import sqlite_utils

from kiosk.site import stats

DAY = date(2026, 11, 28)


def test_counts_add_up_per_day_and_window(tmp_path):
    for _ in range(3):
        stats.count("visit", cache_dir=tmp_path, day=DAY)
    stats.count("goal", "nederlands", cache_dir=tmp_path, day=DAY)
    stats.count("goal", "beroep", cache_dir=tmp_path, day=date(2026, 11, 1))
    week = stats.totals(7, tmp_path, today=DAY)
    assert week == {"visit": {"": 3}, "goal": {"nederlands": 1}}
    month = stats.totals(30, tmp_path, today=DAY)
    assert month["goal"] == {"nederlands": 1, "beroep": 1}


def test_only_known_events_are_counted(tmp_path):
    with pytest.raises(ValueError):
        stats.count("postcode", "9000", cache_dir=tmp_path)


def test_the_counts_table_holds_no_visit_identity(tmp_path):
    stats.count("visit", cache_dir=tmp_path, day=DAY)
    stats.count("visit", cache_dir=tmp_path, day=DAY)
    db = sqlite_utils.Database(stats._db(tmp_path))
    assert [c.name for c in db["counts"].columns] == ["day", "name", "value", "n"]
    assert db["counts"].count == 1          # two visits, one counter row


def test_stats_command_prints_figures(cache, run_cli):
    stats.count("booking", cache_dir=cache)
    ran = run_cli("stats", "--json", "--days", "7")
    assert ran.returncode == 0
    assert json.loads(ran.stdout)["booking"] == {"": "<5"}     # one visit never shows as 1
    ran = run_cli("stats")
    assert ran.returncode == 0
    text = ran.stdout
    assert "booking QR codes shown" in text and "<5" in text


def test_counts_below_five_are_shown_as_less_than_five_but_kept_exact(tmp_path):
    for _ in range(5):
        stats.count("visit", cache_dir=tmp_path, day=DAY)
    for _ in range(4):
        stats.count("goal", "nederlands", cache_dir=tmp_path, day=DAY)
    stats.count("language", "ar", cache_dir=tmp_path, day=DAY)
    figures = stats.totals(7, tmp_path, today=DAY)
    assert figures["goal"] == {"nederlands": 4}          # the raw counters stay exact
    assert stats.suppressed(figures) == {"visit": {"": 5}, "goal": {"nederlands": "<5"},
                                         "language": {"ar": "<5"}}
    assert [stats.shown(n) for n in (0, 1, 4, 5, 12)] == [0, "<5", "<5", 5, 12]
    text = stats.report(figures, 7)
    assert "visits started" in text and " 5\n" in text
    assert "nederlands" in text and " 4" not in text and " 1\n" not in text
    assert "visits wiped after no touch" in text and text.count("<5") == 2
