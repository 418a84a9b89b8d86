"""Hostile input, second round: numbers JSON cannot hold, CSV with 100,000 columns, a
refresh that would run for ever, standard input and devices as input files, a full disk
during PIN entry, a damaged usage file, old sealed references, one rule for course ids,
and usage figures too coarse to show a single visit."""
import json
import os
import socket
import subprocess
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import NOW, make_cfg, make_course, provider

from kiosk import clock, paths
from kiosk.booking import handoff, reference
from kiosk.catalog import pipeline
from kiosk.catalog.build import build_catalog
from kiosk.site import config, metrics, staff, stats, stats_chart, stats_export

TEMPLATE = paths.ROOT / "assets" / "catalog-template.csv"


def feed(courses, providers=("p1",)) -> dict:
    return {"format": "leerwinkel-catalog", "version": 1, "generated_at": "2026-11-20T08:00:00Z",
            "publisher": "Test", "providers": [provider(p) for p in providers],
            "courses": courses}


# ---------------------------------------------------------------- numbers JSON cannot hold

@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity", "123456789012345678901234567890",
                                 "1e999"])
def test_a_number_json_cannot_hold_rejects_its_course_only(tmp_path, bad):
    courses = [make_course(f"c{i}") for i in range(9)]
    text = json.dumps(feed(courses)).replace('"eur": 50.0', f'"eur": {bad}', 1)
    assert bad in text
    path = tmp_path / "feed.json"
    path.write_text(text.replace('"title": {"nl": "Cursus c5"}',
                                 '"title": {"nl": "NaN and Infinity, 1e999 in a text"}'))
    report = build_catalog(path, tmp_path / "out.sqlite", {}, 10**7)
    assert report.loaded == 8 and len(report.rejected) == 1
    cid, reason = report.rejected[0]
    assert cid == "c0" and "not a usable number" in reason


def test_import_csv_never_writes_nan(tmp_path, run_cli):
    lines = TEMPLATE.read_text(encoding="utf-8-sig").splitlines()
    header = lines[0]
    delimiter = ";" if header.count(";") > header.count(",") else ","
    columns = header.split(delimiter)
    rows = [line for line in lines[1:] if line.strip()]
    cells = rows[0].split(delimiter)
    rows += [delimiter.join([f"copy-{n}", *cells[1:]]) for n in range(10)]
    for column, value in (("cost_eur", "NaN"), ("hours_per_week", "inf")):
        if column in columns:
            broken = list(cells)
            broken[columns.index(column)] = value
            rows.append(delimiter.join(broken).replace(cells[columns.index("id")],
                                                       f"broken-{column}", 1))
    source = tmp_path / "courses.csv"
    source.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    out = tmp_path / "feed.json"
    ran = run_cli("catalog", "import-csv", source, "--out", out)
    assert "not a usable number" in ran.stdout + ran.stderr
    text = out.read_text()
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} written"))


def test_a_csv_with_100000_columns_is_refused_in_one_line(tmp_path, run_cli):
    source = tmp_path / "wide.csv"
    source.write_text(";".join(f"c{i}" for i in range(100_000)) + "\n" + "x;" * 99_999 + "x\n")
    ran = run_cli("catalog", "check", source)
    assert ran.returncode == 1 and "100000 columns" in ran.stderr
    assert len(ran.stderr.strip().splitlines()) == 1


# ---------------------------------------------------------------- a refresh without end

class TrickleServer:
    """Sends HTTP headers, then one byte every half second, for ever."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/feed.json"
        self.stop = threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        conn, _ = self.sock.accept()
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{")
        while not self.stop.wait(0.5):
            try:
                conn.sendall(b" ")
            except OSError:
                return


def test_a_whole_refresh_has_a_time_limit(cache, cfg):
    cfg.catalog.download_deadline_s = 3600          # the download alone would go on
    cfg.catalog.read_timeout_s = 60
    cfg.catalog.refresh_deadline_s = 2              # below the loading bounds, for the test
    server = TrickleServer()
    report = pipeline.refresh(cfg, source=server.url, cache_dir=cache)
    server.stop.set()
    assert not report.ok
    assert "longer than 2 seconds (limit catalog.refresh_deadline_s)" in report.message
    import signal
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


# ---------------------------------------------------------------- input files

def test_dash_reads_standard_input_where_documented(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT), "KIOSK_CACHE_DIR": str(tmp_path)}
    run = ["python", "-m", "kiosk.cli.main"]
    run[0] = os.sys.executable
    checked = subprocess.run([*run, "catalog", "check", "-"], input=paths.SAMPLE_CATALOG.read_bytes(),
                             capture_output=True, env=env, timeout=120)
    assert checked.returncode == 0, checked.stderr
    out = tmp_path / "feed.json"
    made = subprocess.run([*run, "catalog", "import-csv", "-", "--out", str(out)],
                          input=TEMPLATE.read_bytes(), capture_output=True, env=env, timeout=120)
    assert made.returncode == 0, made.stderr
    assert json.loads(out.read_text())["courses"]


def test_catalog_check_of_a_device_is_refused_at_once(run_cli):
    ran = run_cli("catalog", "check", "/dev/zero")
    assert ran.returncode == 1 and "not a plain file" in ran.stderr


# ---------------------------------------------------------------- a full disk

@pytest.fixture
def full_disk(tmp_path):
    """A 64 KB tmpfs, filled up."""
    mount = tmp_path / "full"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], check=True)
    try:
        fd = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(fd, b"x" * 4096):
                pass
        except OSError:
            pass
        os.close(fd)
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_still_counts_wrong_pins_and_lets_the_right_one_in(full_disk):
    stored = staff.hash_pin("4321")
    now = [1_800_000_000.0]
    lockout = staff.PinLockout(full_disk, clock=lambda: now[0])
    assert [lockout.check("0000", stored).wait_s for _ in range(3)] == [0, 0, 30]
    assert lockout.wait_s() == 30 and not (full_disk / staff.LOCKOUT_FILE).exists()
    now[0] += 30
    assert lockout.check("4321", stored).ok


# ---------------------------------------------------------------- usage figures

def test_a_damaged_usage_file_does_not_stop_kiosk_prom(cache, run_cli):
    (cache / stats.FILE).write_bytes(b"this is not a database" * 100)
    text = metrics.write(config.Config(), cache).read_text()
    assert "kiosk_usage_readable 0.0" in text and "kiosk_metrics_written_timestamp_seconds" in text
    assert stats.totals_if_readable(7, cache) is None        # the staff screen leaves it out
    ran = run_cli("stats")
    assert ran.returncode == 1 and len(ran.stderr.strip().splitlines()) == 1


def test_stats_with_absurd_days_or_a_dangling_cache_link_say_so_in_one_line(
        tmp_path, run_cli, monkeypatch):
    ran = run_cli("stats", "--days", "800000")
    assert ran.returncode == 2 and "--days must be from 1 to 36500" in ran.stderr
    dangling = tmp_path / "cache-link"
    dangling.symlink_to(tmp_path / "nowhere")
    monkeypatch.setenv("KIOSK_CACHE_DIR", str(dangling))
    ran = run_cli("stats")
    assert ran.returncode == 1 and "Traceback" not in ran.stderr
    assert len(ran.stderr.strip().splitlines()) == 1


def test_future_dated_counts_are_left_out_of_the_text_and_the_csv_alike(tmp_path):
    today = date(2027, 3, 10)
    stats.count("visit", "", tmp_path, day=today)
    stats.count("visit", "", tmp_path, day=today + timedelta(days=400))
    assert stats.totals(30, tmp_path, today)["visit"][""] == 1
    weeks = stats_export.weekly(30, tmp_path, today)
    assert stats_export.totals(weeks, "visit") == {"": 1}


def test_a_dollar_in_the_site_name_is_drawn_as_text(tmp_path):
    weeks = stats_export.weekly(30, tmp_path, date(2027, 3, 10))
    out = stats_chart.write_chart(weeks, tmp_path / "chart.png", title="Leer$winkel $x^2$ $")
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_kiosk_prom_shows_no_single_visit(tmp_path, monkeypatch):
    """The rule of docs/security.md: whole days only, per goal and language in fives."""
    day = date(2027, 3, 10)
    monkeypatch.setattr(clock, "today", lambda: day)
    stats.count_all([("visit", ""), ("goal", "beroep"), ("language", "uk")], tmp_path)

    def figures() -> str:
        return metrics.write(config.Config(), tmp_path).read_text()
    assert "kiosk_visits_total 0.0" in figures() and "beroep" not in figures()
    monkeypatch.setattr(clock, "today", lambda: day + timedelta(days=1))
    text = figures()
    assert "kiosk_visits_total 1.0" in text
    assert 'kiosk_visits_by_goal_total{goal="beroep"} 0.0' in text
    assert 'kiosk_visits_by_language_total{language="uk"} 0.0' in text
    for _ in range(4):
        stats.count_all([("visit", ""), ("goal", "beroep")], tmp_path, day=day)
    assert 'kiosk_visits_by_goal_total{goal="beroep"} 5.0' in figures()


# ---------------------------------------------------------------- references and course ids

def test_sealed_references_older_than_the_limit_are_refused(run_cli, tmp_path):
    cfg = make_cfg()
    token = reference.make_reference(cfg, {"goal": "beroep"}, [], NOW.date() - timedelta(days=91))
    with pytest.raises(handoff.HandoffError, match="more than 90 days ago"):
        reference.read_handoff(cfg, token, today=NOW.date())
    assert reference.read_handoff(cfg, token, today=NOW.date() - timedelta(days=1)).signed
    cfg.booking.max_reference_age_days = 365
    assert reference.read_handoff(cfg, token, today=NOW.date()).answers == {"goal": "beroep"}
    with pytest.raises(config.ConfigError, match="max_reference_age_days"):
        config.from_table({"booking": {"max_reference_age_days": 0}})


@pytest.mark.parametrize("cid", ["cours-é", "a/b", "a b", "x" * 65, "12345", "-lead"])
def test_the_feed_refuses_course_ids_a_booking_link_cannot_carry(tmp_path, cid):
    courses = [make_course(f"ok-{i}") for i in range(9)] + [make_course(cid)]
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed(courses)))
    report = build_catalog(path, tmp_path / "out.sqlite", {}, 10**7)
    assert report.loaded == 9 and report.rejected[0][0] == cid
    assert "booking link" in report.rejected[0][1]


def test_every_course_id_the_feed_accepts_travels_in_the_booking_link():
    cfg = make_cfg()
    for cid in ("a", "cvo-gent.aav_2027-02", "A" * 64, "9-x"):
        assert reference.valid_course_id(cid)
        url = handoff.booking_url(cfg, {"goal": "beroep"}, [cid], NOW)
        assert reference.read_handoff(cfg, url, today=NOW.date()).course_ids == [cid]


def test_config_is_checked_once_so_a_template_mistake_never_reaches_the_qr_screen(tmp_path):
    site = tmp_path / "site.toml"
    site.write_text('[booking]\nurl_template = "https://x.be/?r={reference}&n={name}"\n')
    with pytest.raises(config.ConfigError, match="unknown placeholder"):
        config.load(site)
    site.write_text('[idle]\nwarning_s = -1\n')
    with pytest.raises(config.ConfigError, match="idle.warning_s"):
        config.load(site)
    assert Path(site).exists()
