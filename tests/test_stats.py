import json
from datetime import date

import pytest

from kiosk import stats

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
    db = stats._db(tmp_path)
    assert [c.name for c in db["counts"].columns] == ["day", "name", "value", "n"]
    assert db["counts"].count == 1          # two visits, one counter row


def test_stats_command_prints_figures(cache, run_cli):
    stats.count("booking", cache_dir=cache)
    ran = run_cli("stats", "--json", "--days", "7")
    assert ran.returncode == 0
    assert json.loads(ran.stdout)["booking"] == {"": 1}
    ran = run_cli("stats")
    assert ran.returncode == 0
    text = ran.stdout
    assert "booking QR codes shown" in text and " 1" in text
