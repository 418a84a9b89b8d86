"""Hostile feeds (issue: hostile input): each is generated here, refreshed in a child
process with an address-space cap, and must give a one-line message naming the limit,
no traceback, the previous catalog intact and bounded memory."""
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import RawServer, good_row, make_course, provider, write_csv
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk import paths
from kiosk.catalog import check, child, limits, pipeline, status, store
from kiosk.catalog.report import Rejected
from kiosk.site import config

PYTHON = sys.executable
CAP = 1024 ** 3                 # 1 GB of address space for a capped refresh
OLD = {f"Cursus old{i}" for i in range(4)}

CAPPED_REFRESH = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[1]), int(sys.argv[1])))
from kiosk.cli import main as cli
try:
    code = cli.main(sys.argv[2:])
finally:
    # VmHWM: this program's own peak (ru_maxrss would keep the forking test process's)
    peak = [line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM")]
    print(f"peak_kb={peak[0]}", file=sys.stderr)
sys.exit(code)
"""
PEAK_KB = 300_000               # what a refused hostile feed may use at most


def head(**over) -> dict:
    doc = {"format": "leerwinkel-catalog", "version": 1, "generated_at": "2026-11-20T08:00:00Z",
           "publisher": "Test", "providers": [provider("p1")], "courses": []}
    doc.update(over)
    return doc


@pytest.fixture
def old(cache, tmp_path, cfg, titles):
    """The cache folder holding the 'old' catalog of 4 courses."""
    source = tmp_path / "old.json"
    source.write_text(json.dumps(head(courses=[
        make_course(f"o{i}", title={"nl": f"Cursus old{i}"}) for i in range(4)])))
    assert pipeline.refresh(cfg, source=str(source), cache_dir=cache).ok
    assert titles(cache) == OLD
    return cache


def capped(cache: Path, source: Path, *extra: str) -> subprocess.CompletedProcess:
    """`kiosk catalog refresh --source` in a child process capped at CAP."""
    return subprocess.run([PYTHON, "-c", CAPPED_REFRESH, str(CAP), "catalog", "refresh",
                           "--source", str(source), *extra], cwd=paths.ROOT,
                          env=dict(os.environ, KIOSK_CACHE_DIR=str(cache)),
                          capture_output=True, text=True, timeout=300)


def assert_refused(ran, cache, titles, *words):
    out = ran.stdout + ran.stderr
    assert ran.returncode == 1, out[-2000:]
    assert "Traceback" not in out and "Error" not in ran.stderr, out[-2000:]
    first = out.splitlines()[0]
    for word in words:
        assert word in first, first
    assert len(out) < 5000
    assert titles(cache) == OLD
    peak = int(ran.stderr.rsplit("peak_kb=", 1)[1])
    assert peak < PEAK_KB, f"{peak} KB"


def test_feed_nested_100000_levels_deep_is_refused_without_building_it(old, tmp_path, titles):
    source = tmp_path / "deep.json"
    body = json.dumps(head())[:-len("[]}")] + "[" + "[" * 100_000 + "]" * 100_000 + "]}"
    source.write_text(body)
    assert 200_000 < source.stat().st_size < 300_000
    ran = capped(old, source)
    assert_refused(ran, old, titles, "nested deeper than 32", "catalog.max_depth")


@pytest.mark.parametrize("field", ["goals", "format"])
def test_value_nested_3000_deep_in_one_course(old, tmp_path, titles, field):
    source = tmp_path / "deep.json"
    nested = "[" * 3000 + "]" * 3000
    course = json.dumps(make_course("x1", **{field: "__HERE__"}))
    source.write_text(json.dumps(head(courses=["__C__"])).replace('"__C__"', course)
                      .replace('"__HERE__"', nested))
    assert_refused(capped(old, source), old, titles, "catalog.max_depth")


@pytest.mark.parametrize("field", ["goals", "format"])
def test_rejection_message_of_a_deeply_nested_value_is_short(field):
    value = []
    for _ in range(3000):
        value = [value]
    with pytest.raises(Rejected) as err:
        check.check_course(make_course("x", **{field: value}))
    assert len(str(err.value)) < 200 and "[[" not in str(err.value)


def test_five_megabyte_invalid_format_is_not_put_into_the_report(old, cfg, tmp_path):
    courses = [make_course(f"n{i}") for i in range(9)] + [make_course("big", format="x" * 5_000_000)]
    source = tmp_path / "big.json"
    source.write_text(json.dumps(head(courses=courses)))
    report = pipeline.refresh(cfg, source=str(source), cache_dir=old, allow_shrink=True)
    assert report.ok and len(report.text()) < 2000
    assert "format 'xxx" in report.rejected[0][1] and "…" in report.rejected[0][1]


@pytest.mark.parametrize("field, value, words", [
    ("title", {"nl": "t" * 301}, "title.nl is longer than 300 characters (limit catalog.max_title_chars)"),
    ("summary", {"nl": "s" * 2001},
     "summary.nl is longer than 2000 characters (limit catalog.max_summary_chars)"),
    ("id", "i" * 101, "id is longer than 100 characters (limit catalog.max_id_chars)"),
    ("url", "https://x/" + "u" * 2000, "url is longer than 2000 characters (limit catalog.max_url_chars)"),
    ("location", {"postcode": "9000", "city": "c" * 301}, "location.city is longer than 300"),
])
def test_too_long_texts_reject_the_course_with_the_limit(field, value, words):
    with pytest.raises(Rejected, match=words.replace("(", r"\(").replace(")", r"\)")):
        check.check_course(make_course("x", **{field: value}))
    ok = make_course("x", title={"nl": "t" * 300}, summary={"nl": "s" * 2000})
    assert check.check_course(ok)["title_nl"] == "t" * 300


def test_too_long_provider_name_skips_the_provider():
    with pytest.raises(Rejected, match="name is longer than 300 characters"):
        check.check_provider(provider("p", name="n" * 301))


def test_limits_follow_the_site_config(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text("[catalog]\nmax_title_chars = 50\n")
    site_limits = limits.limits_of(config.load(path).catalog)
    with pytest.raises(Rejected, match="longer than 50"):
        check.check_course(make_course("x", title={"nl": "t" * 51}), site_limits)
    path.write_text("[catalog]\nmax_depth = 100000\n")
    with pytest.raises(config.ConfigError, match="'catalog.max_depth' must be from 8 to 64"):
        config.load(path)


def test_a_million_and_a_half_providers_are_refused_in_bounded_memory(old, tmp_path, titles):
    source = tmp_path / "providers.json"
    items = ",".join(f'{{"id":"p{i}","name":"P"}}' for i in range(1_500_000))
    source.write_text('{"format":"leerwinkel-catalog","version":1,"providers":[' + items
                      + '],"courses":[]}')
    assert_refused(capped(old, source), old, titles, "more providers than 10000",
                   "catalog.max_providers")


def test_too_many_courses_are_refused(old, cfg, tmp_path, titles):
    cfg.catalog.max_courses = 100
    source = tmp_path / "many.json"
    source.write_text(json.dumps(head(courses=[make_course(f"m{i}") for i in range(101)])))
    report = pipeline.refresh(cfg, source=str(source), cache_dir=old)
    assert not report.ok and "more courses than 100 (limit catalog.max_courses)" in report.message
    assert titles(old) == OLD


def test_invisible_characters_and_unicode_forms_make_no_visible_duplicate(cache, cfg, tmp_path):
    courses = [make_course("cafe\u0301"), make_course("caf\u00e9"), make_course("ab"),
               make_course("a\u200bb"), make_course("a\u202eb")]
    courses += [make_course(f"good{i}") for i in range(20)]
    source = tmp_path / "ids.json"
    source.write_text(json.dumps(head(courses=courses)))
    report = pipeline.refresh(cfg, source=str(source), cache_dir=cache, allow_shrink=True)
    assert report.ok and report.loaded == 21
    reasons = dict(report.rejected)
    assert "booking link" in reasons["caf\u00e9"]         # one rule for ids: ASCII only
    assert "invisible or control character" in reasons["a\\u200bb"]
    assert "\\u202e" in reasons["a\\u202eb"]


def test_a_shrinking_catalog_waits_for_staff(old, cfg, tmp_path, titles, run_cli):
    source = tmp_path / "one.json"
    source.write_text(json.dumps(head(courses=[make_course("only")])))
    report = pipeline.refresh(cfg, source=str(source), cache_dir=old)
    assert not report.ok and report.needs_confirm
    assert "shrinks by more than 50% (limit catalog.max_shrink)" in report.message
    assert titles(old) == OLD
    ran = run_cli("catalog", "refresh", "--source", source)
    assert ran.returncode == 1 and "--allow-shrink" in ran.stderr
    ran = run_cli("catalog", "refresh", "--source", source, "--allow-shrink")
    assert ran.returncode == 0 and titles(old) == {"Cursus only"}


# ------------------------------------------------------------------ the download

class SlowServer(RawServer):
    """Answers the headers, then one byte a second."""

    def __init__(self):
        super().__init__(b"")

    def send(self, conn):
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            for _ in range(120):
                conn.sendall(b" ")
                time.sleep(1)
        except OSError:
            pass


def test_a_server_answering_one_byte_a_second_is_cut_off(old, cfg, titles):
    cfg.catalog.download_deadline_s = 3
    cfg.catalog.read_timeout_s = 5
    server = SlowServer()
    started = time.monotonic()
    report = pipeline.refresh(cfg, source=server.url, cache_dir=old)
    assert time.monotonic() - started < 60       # cut off, not read to the end (120 s)
    assert not report.ok
    assert "longer than 3 seconds (limit catalog.download_deadline_s)" in report.message
    assert titles(old) == OLD
    server.sock.close()


def test_a_server_always_answering_304_cannot_make_a_new_address_unchanged(old, cfg, titles,
                                                                           httpserver):
    checked = status.status(cfg, old)["checked_at"]
    httpserver.expect_request("/feed.json").respond_with_data("", status=304)
    report = pipeline.refresh(cfg, source=httpserver.url_for("/feed.json"), cache_dir=old)
    assert not report.ok and not report.unchanged and "304" in report.message
    assert titles(old) == OLD
    after = status.status(cfg, old)
    assert after["last_ok"] is False and after["checked_at"] == checked   # not made fresh


# ------------------------------------------------------------------ the child process

def refresh_children() -> list[int]:
    """The pids of this process's refresh children (python -m kiosk.cli.children refresh)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmd = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError, IndexError):
            continue
        if ppid == os.getpid() and b"kiosk.cli.children" in cmd:
            found.append(int(stat.parent.name))
    return found


def test_a_refresh_child_killed_like_the_out_of_memory_killer_does_is_recorded(
        old, cfg, titles, run_cli):
    cfg.catalog.read_timeout_s = 30
    server = SlowServer()
    result = {}
    worker = threading.Thread(target=lambda: result.update(
        report=child.refresh_in_child(cfg, source=server.url, cache_dir=old)))
    worker.start()
    deadline = time.monotonic() + 30
    while not refresh_children():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(1.0)                            # the child is downloading now
    for pid in refresh_children():
        os.kill(pid, 9)
    worker.join(30)
    report = result["report"]
    assert not report.ok and "catalog.max_memory_mb" in report.message
    assert "\n" not in report.message and "Traceback" not in report.message
    assert titles(old) == OLD
    status = json.loads(run_cli("catalog", "status", "--json").stdout)
    assert status["last_ok"] is False and "max_memory_mb" in status["last_message"]
    assert "FAILED" in run_cli("catalog", "status").stdout
    again = child.refresh_in_child(cfg, source=str(old.parent / "old.json"), cache_dir=old)
    assert again.ok and again.unchanged          # the lock went with the killed child
    server.sock.close()


def test_one_course_with_a_million_keys_is_refused(old, tmp_path, titles):
    source = tmp_path / "keys.json"
    keys = ",".join(f'"k{i}":0' for i in range(1_000_000))
    source.write_text(json.dumps(head(courses=["__C__"])).replace('"__C__"', "{" + keys + "}"))
    assert_refused(capped(old, source), old, titles, "more values than 10000",
                   "catalog.max_item_values")


def test_a_refresh_in_a_child_loads_and_passes_progress_back(cache, cfg, titles):
    seen = []
    report = child.refresh_in_child(cfg, cache_dir=cache, progress=lambda f, _label: seen.append(f))
    assert report.ok and report.loaded > 0 and seen[-1] == 1.0


# ------------------------------------------------------------------ the swap

KILL_AT_STEP = """
import os, sys
from pathlib import Path
from kiosk.catalog import store
store.swap_in(Path(sys.argv[1]), Path(sys.argv[2]),
              on_step=lambda n: os.kill(os.getpid(), 9) if n == int(sys.argv[3]) else None)
"""


@pytest.mark.parametrize("step", [1, 2, 3])
def test_a_kill_at_every_step_of_the_swap_leaves_a_rollback_target(old, cfg, tmp_path, titles,
                                                                   step):
    source = tmp_path / "second.json"
    source.write_text(json.dumps(head(courses=[make_course(f"s{i}", title={"nl": f"S{i}"})
                                               for i in range(4)])))
    assert pipeline.refresh(cfg, source=str(source), cache_dir=old).ok
    second = titles(old)
    new = tmp_path / "third.sqlite"
    third_src = tmp_path / "third.json"
    third_src.write_text(json.dumps(head(courses=[make_course(f"t{i}", title={"nl": f"T{i}"})
                                                  for i in range(4)])))
    scratch = tmp_path / "scratch"
    assert pipeline.refresh(cfg, source=str(third_src), cache_dir=scratch).ok
    os.link(scratch / "catalog.sqlite", new)
    ran = subprocess.run([PYTHON, "-c", KILL_AT_STEP, str(new), str(old), str(step)],
                         cwd=paths.ROOT)
    assert ran.returncode == -9
    now = titles(old)
    assert now in (second, {f"T{i}" for i in range(4)})
    back = store.rollback(old)
    assert back.ok, back.message
    assert titles(old) != now                # the rollback goes somewhere else


# ------------------------------------------------------------------ any text at all

odd_text = st.text(st.characters(codec="utf-8"), max_size=400) | st.sampled_from([
    "[b]x[/b]", "[size=999]x[/size]", "\u202eevil", "e" + "\u0301" * 500, "x" * 100_000,
    "[color=ff0000]" * 1000])


@settings(max_examples=150, deadline=None)
@given(title=odd_text, summary=odd_text, cid=odd_text)
def test_any_feed_text_is_cut_or_rejected_by_the_checker(title, summary, cid):
    course = make_course(cid, title={"nl": title}, summary={"nl": summary})
    try:
        row = check.check_course(course)
    except Rejected as exc:
        assert "\n" not in str(exc) and len(str(exc)) < 400
        return
    assert len(row["title_nl"]) <= limits.LIMITS.max_title_chars
    assert len(row["summary_nl"]) <= limits.LIMITS.max_summary_chars
    assert len(row["id"]) <= limits.LIMITS.max_id_chars


# ------------------------------------------------------------------ the CSV template

def test_csv_with_huge_cells_rejects_rows_with_short_reasons(tmp_path):

    from kiosk.catalog import convert_csv as csv_import
    rows = [good_row(i) for i in range(10)]
    cells = good_row(98).split(";")
    cells[4] = "T" * 100_000                              # title_nl
    rows.append(";".join(cells))
    cells = good_row(99).split(";")
    cells[11] = "9" * 100_000 + "x"                       # cost_eur
    rows.append(";".join(cells))
    doc, report = csv_import.csv_to_feed(write_csv(tmp_path / "big.csv", rows), "Test")
    reasons = dict(report.rejected)
    assert "limit catalog.max_title_chars" in reasons["c-98 (row 12)"]
    assert len(reasons["c-99 (row 13)"]) < 200 and "…" in reasons["c-99 (row 13)"]
    assert report.ok and report.loaded == 10 and len(report.text()) < 2000


def test_csv_with_more_rows_than_the_course_limit_is_refused(tmp_path, monkeypatch):

    from kiosk.catalog import convert_csv as csv_import
    monkeypatch.setattr(limits, "LIMITS", limits.Limits(max_courses=5))
    path = write_csv(tmp_path / "many.csv", [good_row(i) for i in range(6)])
    with pytest.raises(csv_import.CsvError, match="more than 5 course rows"):
        csv_import.csv_to_feed(path, "Test")
