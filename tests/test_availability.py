"""The rules that take the kiosk out of service for visitors (kiosk/site/availability.py)."""
import os
import sqlite3

import pytest

from kiosk.catalog import pipeline
from kiosk.site import availability, metrics
from kiosk.site.config import Config


@pytest.fixture
def good_catalog(tmp_path):
    pipeline.ensure_catalog(Config(), tmp_path)
    return tmp_path / "catalog.sqlite"


def test_a_sound_catalog_is_usable(good_catalog):
    cat = availability.open_usable(good_catalog)
    assert cat.counts()["courses"] > 0
    cat.close()


def test_garbage_bytes_are_not_a_usable_catalog(good_catalog):
    good_catalog.write_bytes(os.urandom(4096))
    with pytest.raises(availability.CatalogUnusable, match="corrupt"):
        availability.open_usable(good_catalog)


def test_a_truncated_catalog_is_not_usable(good_catalog):
    data = good_catalog.read_bytes()
    good_catalog.write_bytes(data[: len(data) // 3])
    with pytest.raises(availability.CatalogUnusable):
        availability.open_usable(good_catalog)


def test_missing_unreadable_and_empty_catalogs_say_why(tmp_path, good_catalog):
    with pytest.raises(availability.CatalogUnusable, match="No catalog"):
        availability.open_usable(tmp_path / "nothing.sqlite")
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("create table t (x)").connection.commit()
    with pytest.raises(availability.CatalogUnusable, match="not a kiosk catalog"):
        availability.open_usable(other)
    if os.geteuid() != 0:                       # root reads everything
        good_catalog.chmod(0)
        with pytest.raises(availability.CatalogUnusable, match="cannot be read"):
            availability.open_usable(good_catalog)


def test_three_crashes_within_ten_minutes_are_a_crash_loop():
    now = 10_000.0
    assert availability.crash_loop([now - 500, now - 100], now) == ""
    assert "3 unexpected errors" in availability.crash_loop([now - 500, now - 100, now - 1], now)
    assert availability.crash_loop([now - 700, now - 100, now - 1], now) == ""
    assert availability.why_unavailable("", [now - 601, now - 2, now - 1], now) == ""
    assert availability.why_unavailable("corrupt", [], now) == "corrupt"


def test_crash_times_survive_in_the_health_file(tmp_path):
    for _ in range(12):
        metrics.record_crash(tmp_path)
    health = metrics.read_health(tmp_path)
    times = metrics.event_times(health)
    assert health["crashes"] == 12 and len(times) == metrics.KEEP_TIMES
    assert availability.crash_loop(times, times[-1] + 1)
