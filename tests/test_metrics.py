"""Health figures: the Prometheus text file, read back with prometheus_client's parser."""
import os
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from dataclasses import fields, is_dataclass
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from prometheus_client.parser import text_string_to_metric_families

from kiosk import clock, paths
from kiosk.catalog import status
from kiosk.cli import main as cli
from kiosk.site import config, metrics, stats

ROOT = Path(__file__).resolve().parent.parent


def read_figures(path: Path) -> dict:
    """{(name, labels as sorted tuple): value} of every sample in the file."""
    out = {}
    for family in text_string_to_metric_families(path.read_text(encoding="utf-8")):
        for sample in family.samples:
            out[sample.name, tuple(sorted(sample.labels.items()))] = sample.value
    return out


def test_refresh_command_writes_the_catalog_figures(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    assert cli.main(["catalog", "refresh", "--source", str(paths.SAMPLE_CATALOG)]) == 0
    figures = read_figures(tmp_path / "kiosk.prom")
    loaded = status.status(config.Config(), tmp_path)
    assert loaded["courses"] > 0
    assert figures["kiosk_catalog_courses", ()] == loaded["courses"]
    assert figures["kiosk_catalog_present", ()] == 1
    assert figures["kiosk_refresh_last_ok", ()] == 1
    assert figures["kiosk_catalog_stale", ()] == 0
    assert 0 <= figures["kiosk_catalog_age_seconds", ()] < 120
    assert abs(figures["kiosk_refresh_last_attempt_timestamp_seconds", ()] - time.time()) < 120


def test_refused_refresh_shows_in_the_figures(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    assert cli.main(["catalog", "refresh", "--source", str(paths.SAMPLE_CATALOG)]) == 0
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}')
    assert cli.main(["catalog", "refresh", "--source", str(bad)]) != 0
    figures = read_figures(tmp_path / "kiosk.prom")
    assert figures["kiosk_refresh_last_ok", ()] == 0
    assert figures["kiosk_catalog_present", ()] == 1     # the previous catalog stays


def test_usage_and_crashes_per_goal_and_language(tmp_path):
    yesterday = clock.today() - timedelta(days=1)
    for _ in range(6):
        stats.count_all([("visit", ""), ("results", ""), ("goal", "nederlands"),
                         ("language", "ar"), ("booking", "")], tmp_path, day=yesterday)
    stats.count_all([("visit", ""), ("timeout", ""), ("goal", ""), ("language", "nl")],
                    tmp_path, day=yesterday)
    metrics.record_crash(tmp_path)
    metrics.record_crash(tmp_path)
    cfg = config.Config()
    cfg.site.name, cfg.site.kiosk_id = "Leerwinkel Gent", "bib-gent"
    figures = read_figures(metrics.write(cfg, tmp_path))
    assert figures["kiosk_visits_total", ()] == 7
    assert figures["kiosk_results_total", ()] == 6
    assert figures["kiosk_bookings_total", ()] == 6
    assert figures["kiosk_idle_wipes_total", ()] == 1
    assert figures["kiosk_visits_by_goal_total", (("goal", "nederlands"),)] == 5   # rounded
    assert figures["kiosk_visits_by_goal_total", (("goal", "unknown"),)] == 0
    assert figures["kiosk_visits_by_language_total", (("language", "ar"),)] == 5
    assert figures["kiosk_usage_readable", ()] == 1
    assert figures["kiosk_crashes_total", ()] == 2
    assert figures["kiosk_info", (("kiosk_id", "bib-gent"), ("site", "Leerwinkel Gent"))] == 1
    assert figures["kiosk_catalog_present", ()] == 0


def test_configured_path_and_quiet_failure(tmp_path):
    cfg = config.Config()
    cfg.health.metrics_file = str(tmp_path / "textfile" / "leerwinkel.prom")
    assert metrics.write(cfg, tmp_path) == tmp_path / "textfile" / "leerwinkel.prom"
    assert "kiosk_starts_total" in (tmp_path / "textfile" / "leerwinkel.prom").read_text()
    (tmp_path / "blocked").write_text("a file where a folder should be")
    cfg.health.metrics_file = str(tmp_path / "blocked" / "kiosk.prom")
    assert metrics.write_quietly(cfg, tmp_path) is None


def _dataclass_keys(obj, prefix=""):
    for f in fields(obj):
        value = getattr(obj, f.name)
        if f.name != "path":
            yield from (_dataclass_keys(value, f"{f.name}.") if is_dataclass(value)
                        else [f"{prefix}{f.name}"])


def test_example_config_documents_every_section_and_key():
    example = tomllib.loads((ROOT / "docs" / "config.example.toml").read_text(encoding="utf-8"))
    documented = {f"{section}.{key}" for section, table in example.items() for key in table}
    assert documented == set(_dataclass_keys(config.Config()))
    assert example["health"]["metrics_file"] == config.Health().metrics_file


def test_running_kiosk_writes_the_file_by_itself(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    site = tmp_path / "site.toml"
    site.write_text(f'[health]\nmetrics_every_s = 10\nmetrics_file = "{tmp_path}/k.prom"\n')
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_HOME=str(tmp_path / "kivy"),
               KIOSK_CACHE_DIR=str(cache), KIOSK_CONFIG=str(site))
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli.main", "run", "--size", "800x600"],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (tmp_path / "k.prom").exists():
            time.sleep(0.3)
        first = read_figures(tmp_path / "k.prom")
        written = (tmp_path / "k.prom").stat().st_mtime_ns
        deadline = time.monotonic() + 90          # written again every 10 s
        while time.monotonic() < deadline and (tmp_path / "k.prom").stat().st_mtime_ns == written:
            time.sleep(0.3)
        second = read_figures(tmp_path / "k.prom")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert first["kiosk_starts_total", ()] == 1 and first["kiosk_catalog_courses", ()] > 0
    written = "kiosk_metrics_written_timestamp_seconds", ()
    assert second[written] > first[written], "not rewritten while running"


def test_build_info_and_doctor_findings_as_figures(tmp_path, monkeypatch):
    from importlib import metadata

    from kiosk.site import doctor
    release = tmp_path / "env"
    release.mkdir()
    (release / metrics.RELEASE_FILE).write_text("v1.3.0 0123abcd\n", encoding="utf-8")
    monkeypatch.setattr(sys, "prefix", str(release))
    findings = [doctor.Finding("fonts", doctor.OK, "fine"),
                doctor.Finding("catalog", doctor.WARNING, "old"),
                doctor.Finding("booking", doctor.BROKEN, "no secret"),
                doctor.Finding("booking", doctor.OK, "template fine")]
    metrics.record_doctor(findings, tmp_path, now=1_800_000_000)
    figures = read_figures(metrics.write(config.Config(), tmp_path))
    version = metadata.version("leerwinkel-kiosk")
    assert figures["kiosk_build_info", (("release", "v1.3.0 0123abcd"),
                                        ("version", version))] == 1
    assert figures["kiosk_doctor_level", (("check", "fonts"),)] == 0
    assert figures["kiosk_doctor_level", (("check", "catalog"),)] == 1
    assert figures["kiosk_doctor_level", (("check", "booking"),)] == 2   # the worst finding
    assert figures["kiosk_doctor_broken", ()] == 1
    assert figures["kiosk_doctor_last_run_timestamp_seconds", ()] == 1_800_000_000


def test_doctor_command_leaves_its_findings_in_the_figures(tmp_path, monkeypatch):
    monkeypatch.setenv("KIOSK_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    monkeypatch.setenv("SDL_VIDEODRIVER", "offscreen")
    code = cli.main(["doctor", "--json"])
    figures = read_figures(tmp_path / "kiosk.prom")
    assert figures["kiosk_doctor_broken", ()] == (1 if code else 0)
    assert ("kiosk_doctor_level", (("check", "window"),)) in figures
    assert ("kiosk_build_info", (("release", "unknown"), ("version", metrics.build()["version"]))
            ) in figures


def test_opening_hours_as_times_for_the_alerts(tmp_path):
    from datetime import datetime
    cfg = config.Config()
    cfg.site.open = {"mon": "09:00-17:00"}
    monday_10 = datetime(2026, 11, 30, 10, 0).timestamp()
    figures = read_figures(metrics.write(cfg, tmp_path, now=monday_10))
    assert figures["kiosk_open", ()] == 1
    assert figures["kiosk_open_until_timestamp_seconds", ()] == datetime(2026, 11, 30, 17).timestamp()
    assert figures["kiosk_next_open_timestamp_seconds", ()] == monday_10
    monday_18 = datetime(2026, 11, 30, 18, 0).timestamp()
    figures = read_figures(metrics.write(cfg, tmp_path, now=monday_18))
    assert figures["kiosk_open", ()] == 0 and figures["kiosk_open_until_timestamp_seconds", ()] == 0
    assert figures["kiosk_next_open_timestamp_seconds", ()] == datetime(2026, 12, 7, 9).timestamp()
    always = read_figures(metrics.write(config.Config(), tmp_path, now=monday_18))
    assert always["kiosk_open_until_timestamp_seconds", ()] == float("inf")


# ---------------------------------------------------------------- Prometheus rules

def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail("promtool is missing: scripts/setup --test installs Debian's prometheus")
    return found


def test_alert_rules_check_and_pass_their_unit_tests():
    folder = ROOT / "deploy" / "prometheus"
    for args in (["check", "rules", "kiosk-rules.yml"], ["check", "config", "central.yml"],
                 ["test", "rules", "kiosk-rules.test.yml"]):
        proc = subprocess.run([promtool(), *args], cwd=folder, capture_output=True, text=True,
                              timeout=120)
        assert proc.returncode == 0, (args, proc.stdout + proc.stderr)
    rules = yaml.safe_load((folder / "kiosk-rules.yml").read_text(encoding="utf-8"))
    alerts = {r["alert"] for g in rules["groups"] for r in g["rules"] if "alert" in r}
    assert {"KioskDownWhileOpen", "KioskCatalogStale", "KioskSourceFailing", "KioskRestartLoop",
            "KioskUpdateFailed", "KioskDiskAlmostFull", "KioskFiguresUnreadable"} <= alerts


def test_a_rule_that_stops_alerting_fails_its_unit_test(tmp_path):
    folder = ROOT / "deploy" / "prometheus"
    rules = (folder / "kiosk-rules.yml").read_text(encoding="utf-8")
    (tmp_path / "kiosk-rules.yml").write_text(rules.replace("> 900", "> 90000"))
    shutil.copy(folder / "kiosk-rules.test.yml", tmp_path)
    proc = subprocess.run([promtool(), "test", "rules", "kiosk-rules.test.yml"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0 and "KioskDownWhileOpen" in proc.stdout + proc.stderr
