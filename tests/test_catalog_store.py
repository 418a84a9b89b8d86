"""The catalog swap and its files (kiosk/catalog/store.py), exactly: which file is current
and previous after each swap and rollback, what a killed swap leaves and the next one
repairs, and the words staff read. Written against the surviving mutants of the mutation
run (docs/testing.md); tests/test_feed.py kills real refreshes at every step."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import make_course, provider, write_catalog

from kiosk.catalog import db as catalog_mod
from kiosk.catalog import store
from kiosk.catalog.report import Report

ROOT = Path(__file__).resolve().parent.parent


def catalog_of(tmp_path, name, n) -> Path:
    """A real catalog file with n courses, outside any cache folder."""
    folder = tmp_path / name
    write_catalog(folder, [provider("p1")], [make_course(f"c{name}{i}") for i in range(n)])
    out = tmp_path / f"{name}.sqlite"
    os.replace(folder / catalog_mod.CURRENT, out)
    return out


def courses_in(path: Path) -> int:
    return store.status_counts(path)["courses"]


def test_swaps_keep_the_one_before_as_previous(tmp_path):
    cache = store.cache_folder(tmp_path / "new" / "cache")
    assert cache.is_dir()
    store.swap_in(catalog_of(tmp_path, "a", 1), cache)
    assert courses_in(cache / catalog_mod.CURRENT) == 1
    assert not (cache / catalog_mod.PREVIOUS).exists()
    steps = []
    store.swap_in(catalog_of(tmp_path, "b", 2), cache, on_step=steps.append)
    assert steps == [1, 2, 3]
    assert courses_in(cache / catalog_mod.CURRENT) == 2
    assert courses_in(cache / catalog_mod.PREVIOUS) == 1
    assert sorted(p.name for p in cache.iterdir()) == [catalog_mod.PREVIOUS, catalog_mod.CURRENT]


def test_a_folder_where_the_catalog_belongs_is_removed(tmp_path):
    cache = store.cache_folder(tmp_path / "cache")
    (cache / catalog_mod.CURRENT).mkdir()
    (cache / catalog_mod.CURRENT / "x").write_text("x")
    store.swap_in(catalog_of(tmp_path, "a", 1), cache)
    assert courses_in(cache / catalog_mod.CURRENT) == 1
    assert not (cache / catalog_mod.PREVIOUS).exists()
    link = cache / catalog_mod.PREVIOUS
    link.symlink_to(tmp_path)                    # a link to a folder: only the link goes
    store._remove_if_not_a_file(link)
    assert not os.path.lexists(link) and tmp_path.is_dir()
    os.mkfifo(cache / "fifo")
    store._remove_if_not_a_file(cache / "fifo")
    assert not os.path.lexists(cache / "fifo")
    store._remove_if_not_a_file(cache / catalog_mod.CURRENT)     # a file stays
    assert courses_in(cache / catalog_mod.CURRENT) == 1


def test_rollback_swaps_current_and_previous_and_says_so(tmp_path):
    cache = store.cache_folder(tmp_path / "cache")
    assert store.rollback(cache) == Report(message="There is no previous catalog to go back to.")
    assert oct(os.stat(cache / store.LOCK_FILE).st_mode & 0o777) == oct(0o644 & ~_umask())
    store.swap_in(catalog_of(tmp_path, "a", 1), cache)
    store.swap_in(catalog_of(tmp_path, "b", 2), cache)
    report = store.rollback(cache)
    assert report == Report(ok=True, loaded=1, providers=1, source=report.source,
                            message="Went back to the previous catalog: 1 courses (feed of "
                                    "2026-11-20T08:00:00Z).")
    assert report.source.endswith("a-feed.json")
    assert courses_in(cache / catalog_mod.CURRENT) == 1
    assert courses_in(cache / catalog_mod.PREVIOUS) == 2
    assert store.rollback(cache).loaded == 2                    # a second one undoes it
    assert courses_in(cache / catalog_mod.PREVIOUS) == 1
    assert sorted(p.name for p in cache.iterdir()) == [catalog_mod.PREVIOUS, catalog_mod.CURRENT,
                                                       store.LOCK_FILE]


def test_rollback_without_a_current_catalog_and_with_a_damaged_previous(tmp_path):
    cache = store.cache_folder(tmp_path / "cache")
    os.replace(catalog_of(tmp_path, "a", 3), cache / catalog_mod.PREVIOUS)
    assert store.rollback(cache).loaded == 3
    assert not (cache / catalog_mod.PREVIOUS).exists()
    (cache / catalog_mod.PREVIOUS).write_bytes(b"not a catalog")
    assert store.rollback(cache) == Report(
        message="The previous catalog is damaged; it cannot be used.")
    assert courses_in(cache / catalog_mod.CURRENT) == 3


def test_only_one_refresh_or_rollback_at_a_time(tmp_path):
    cache = store.cache_folder(tmp_path / "cache")
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, os, sys; fd = os.open(sys.argv[1], os.O_RDWR | "
         "os.O_CREAT); fcntl.flock(fd, fcntl.LOCK_EX); print('held', flush=True); "
         "sys.stdin.read()", str(cache / store.LOCK_FILE)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "held\n"
        assert store.rollback(cache) == Report(
            message="Another catalog refresh is running; try again in a minute. "
                    "The current catalog stays in use.")
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert store.rollback(cache).message == "There is no previous catalog to go back to."


def test_what_a_killed_swap_left_is_finished_or_removed(tmp_path):
    cache = store.cache_folder(tmp_path / "cache")
    store.swap_in(catalog_of(tmp_path, "a", 1), cache)
    # killed after the new file came in, before the kept one became the previous one
    os.replace(catalog_of(tmp_path, "old", 4), cache / f"{store.TMP_PREFIX}999.keep")
    (cache / f"{store.TMP_PREFIX}999.sqlite").write_bytes(b"half a download")
    os.link(cache / catalog_mod.CURRENT, cache / f"{store.TMP_PREFIX}998.keep")
    (cache / f"{store.TMP_PREFIX}997.keep").write_bytes(b"damaged")
    store.clean_leftovers(cache)
    assert courses_in(cache / catalog_mod.PREVIOUS) == 4
    assert sorted(p.name for p in cache.iterdir()) == [catalog_mod.PREVIOUS, catalog_mod.CURRENT]


def test_the_state_file_merges_changes(tmp_path):
    cache = store.cache_folder(tmp_path / "cache")
    assert store.read_state(cache) == {}
    store.write_state(cache, last_try="2026-12-08T01:00:00Z", result="ok")
    store.write_state(cache, result="kept — feed refused")
    assert json.loads((cache / store.STATE_FILE).read_text(encoding="utf-8")) == \
        {"last_try": "2026-12-08T01:00:00Z", "result": "kept — feed refused"}
    assert "—" in (cache / store.STATE_FILE).read_text(encoding="utf-8")   # not escaped
    (cache / store.STATE_FILE).write_text("{broken", encoding="utf-8")
    assert store.read_state(cache) == {}
    assert sorted(p.name for p in cache.iterdir()) == [store.STATE_FILE]
    assert store.temporary(cache, "keep") == cache / f"catalog.new-{os.getpid()}.keep"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", store.now())


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_previous_catalog_without_source_or_date_and_a_failing_rollback(tmp_path):
    import sqlite3
    cache = store.cache_folder(tmp_path / "cache")
    old = catalog_of(tmp_path, "a", 1)
    with sqlite3.connect(old) as db:
        db.execute("delete from meta where key in ('source', 'generated_at')")
    db.close()
    os.replace(old, cache / catalog_mod.PREVIOUS)
    store.swap_in(catalog_of(tmp_path, "b", 2), cache)     # no current yet: previous stays
    report = store.rollback(cache)           # back to the one without source or date
    assert (report.source, report.message) == (
        "", "Went back to the previous catalog: 1 courses (feed of unknown date).")
    (cache / f"{store.TMP_PREFIX}1.keep").mkdir()          # cannot be cleaned away
    assert store.rollback(cache) == Report(message="Rollback failed: Is a directory.")
    assert courses_in(cache / catalog_mod.CURRENT) == 1
