"""`kiosk doctor`: every check passes on a good device and fails once on purpose."""
import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk import paths
from kiosk.catalog import pipeline
from kiosk.site import config, doctor

ROOT = Path(__file__).resolve().parent.parent
LONG_SECRET = "k3y-" + "x" * 40
PIN_HASH = "scrypt$" + "0" * 32 + "$" + "0" * 64
GOOD_SITE = f"""
[site]
languages = ["nl", "en", "fr", "ar", "uk"]
phone = "09 123 45 67"
[booking]
secret = "{LONG_SECRET}"
[catalog]
source = "{{source}}"
[staff]
pin_hash = "{PIN_HASH}"
"""


@pytest.fixture
def site(tmp_path):
    """A well set-up site: config, its own feed file and a loaded catalog."""
    source = tmp_path / "feed.json"
    shutil.copy(paths.SAMPLE_CATALOG, source)
    path = tmp_path / "site.toml"
    path.write_text(GOOD_SITE.replace("{source}", str(source)), encoding="utf-8")
    cfg = config.load(path)
    cache = tmp_path / "cache"
    cache.mkdir()
    assert pipeline.refresh(cfg, source=str(source), cache_dir=cache).ok
    return cfg, cache


def levels(findings):
    return {f.level for f in findings}


def test_a_good_site_has_nothing_to_fix(site):
    cfg, cache = site
    findings = [*doctor.check_config(cfg), *doctor.check_fonts(cfg), *doctor.check_speech(cfg),
                *doctor.check_catalog(cfg, cache), *doctor.check_booking(cfg),
                *doctor.check_disk(cache), *doctor.check_clock()]
    assert levels(findings) == {doctor.OK}, doctor.text(findings)
    assert doctor.exit_code(findings) == 0


def test_window_opens_off_screen_and_fails_without_a_video_driver():
    good = doctor.check_window()
    assert good[0].level == doctor.OK and "OpenGL" in good[0].message
    bad = doctor.check_window(env={"SDL_VIDEODRIVER": "no-such-driver", "DISPLAY": ""})
    assert bad[0].level == doctor.BROKEN and doctor.exit_code(bad) == 1


@pytest.mark.parametrize("garbage", [b"this is not a database" * 100, None])
def test_corrupt_catalog_is_broken(site, garbage):
    cfg, cache = site
    current = cache / "catalog.sqlite"
    data = current.read_bytes()
    # a text file, or a real catalog cut in half (a disk that filled up, a power cut)
    current.write_bytes(garbage if garbage is not None else data[: len(data) // 2])
    findings = doctor.check_catalog(cfg, cache)
    assert [f.level for f in findings] == [doctor.BROKEN]
    assert "corrupt" in findings[0].message and doctor.exit_code(findings) == 1


def test_missing_catalog_is_a_warning(tmp_path):
    findings = doctor.check_catalog(config.Config(), tmp_path)
    assert levels(findings) == {doctor.WARNING} and "kiosk catalog refresh" in findings[0].fix


def test_old_catalog_and_sample_source_are_warnings(site):
    cfg, cache = site
    later = datetime.now(UTC) + timedelta(days=cfg.catalog.max_age_days + 5)
    findings = doctor.check_catalog(cfg, cache, now=later)
    assert levels(findings) == {doctor.WARNING} and "days old" in findings[0].message
    cfg.catalog.source = ""
    assert any("sample" in f.message for f in doctor.check_catalog(cfg, cache))


def test_missing_font_breaks_arabic_only(tmp_path):
    none = [str(tmp_path / "no-such-font.ttf")]
    cfg = config.Config()
    findings = doctor.check_fonts(cfg, regular=none, bold=none)
    broken = [f for f in findings if f.level == doctor.BROKEN]
    assert broken and all("'ar'" in f.message for f in broken)
    cfg.site.languages = ["nl", "en", "fr"]
    findings = doctor.check_fonts(cfg, regular=none, bold=none)
    assert doctor.WARNING in levels(findings) and doctor.exit_code(findings) == 0


def test_arabic_needs_its_joined_forms():
    needed = doctor.fonts.needed_characters("ar")
    assert "\ufefb" in needed            # lam-alef, as the reshaper writes it
    assert "\ufe91" in needed            # beh, initial form


def test_speech_without_espeak_or_a_voice(site):
    cfg, _cache = site
    assert levels(doctor.check_speech(cfg, command="no-such-espeak")) == {doctor.WARNING}
    findings = doctor.check_speech(cfg, voices={"ar": "zz-no-voice"})
    assert levels(findings) == {doctor.WARNING} and "ar (zz-no-voice)" in findings[0].message


@pytest.mark.parametrize("secret, expect", [("", "empty"), ("short", "only 5 characters")])
def test_booking_secret_empty_or_short_is_a_warning(site, secret, expect):
    cfg, _cache = site
    cfg.booking.secret = secret
    findings = doctor.check_booking(cfg)
    assert levels(findings) == {doctor.WARNING} and expect in findings[0].message


def test_the_examples_placeholder_secret_is_broken(site):
    """deploy/site-vars.example.yml's placeholder is long enough to pass as a secret."""
    import yaml
    example = yaml.safe_load((paths.ROOT / "deploy" / "site-vars.example.yml").read_text())
    cfg, _cache = site
    for secret in (example["kiosk_booking_secret"], "…", "NEW…" + "x" * 40):
        cfg.booking.secret = secret
        findings = doctor.check_booking(cfg)
        assert levels(findings) == {doctor.BROKEN} and "placeholder" in findings[0].message
    cfg.booking.secret = "q3J9-lk_0aZx8Yb2Vw4Ut6Sr1Qp5On7Ml3Kj9Ih2G"    # new-secret's alphabet
    assert levels(doctor.check_booking(cfg)) == {doctor.OK}


def test_booking_template_that_is_not_https_is_a_warning(site):
    cfg, _cache = site
    cfg.booking.url_template = "http://example.org/book?ref={reference}"
    assert any("https" in f.message for f in doctor.check_booking(cfg))


def test_config_values_that_cannot_work_are_warnings(site):
    cfg, _cache = site
    cfg.site.languages = ["nl", "xx"]
    messages = " ".join(f.message for f in doctor.check_config(cfg))
    assert "xx" in messages


def test_config_mistakes_never_load_so_doctor_never_meets_them():
    for table, words in [({"catalog": {"refresh_at": "25:00"}}, "HH:MM"),
                         ({"site": {"postcode": "90000"}}, "site.postcode"),
                         ({"idle": {"timeout_s": -5}}, "idle.timeout_s"),
                         ({"site": {"languages": ["nl"] * 21}}, "1 to 20"),
                         ({"staff": {"pin_hash": "scrypt$zz$00"}}, "damaged")]:
        with pytest.raises(config.ConfigError, match=words):
            config.from_table(table)


def test_a_site_without_phone_or_address_is_a_warning(site):
    cfg, _cache = site
    cfg.site.phone = cfg.site.address = ""
    findings = doctor.check_config(cfg)
    assert any("site.phone" in f.message and f.level == doctor.WARNING for f in findings)
    cfg.site.address = "Zuid 1, 9000 Gent"
    assert not any("site.phone" in f.message for f in doctor.check_config(cfg))


def test_low_disk_is_a_warning(tmp_path):
    findings = doctor.check_disk(tmp_path, min_free=10**18)
    assert levels(findings) == {doctor.WARNING} and "MB free" in findings[0].message


def test_clock_before_the_installation_is_broken():
    findings = doctor.check_clock(now=datetime(2001, 1, 1, tzinfo=UTC))
    assert levels(findings) == {doctor.BROKEN} and "2001-01-01" in findings[0].message
    assert levels(doctor.check_clock()) == {doctor.OK}


def run_doctor(cfg, cache, *args):
    env = dict(os.environ, KIOSK_CACHE_DIR=str(cache), KIOSK_CONFIG=str(cfg.path),
               KIVY_HOME=str(cache / "kivy"))
    return subprocess.run([sys.executable, "-m", "kiosk.cli.main", "doctor", *args], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


def test_command_json_is_parsed_back_and_exit_follows_broken(site):
    cfg, cache = site
    proc = run_doctor(cfg, cache, "--json")
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["ok"] and report["broken"] == 0, proc.stdout
    assert {c["check"] for c in report["checks"]} >= {"window", "fonts", "speech", "catalog",
                                                      "booking", "config", "disk", "clock"}
    (cache / "catalog.sqlite").write_bytes(b"garbage" * 1000)
    proc = run_doctor(cfg, cache, "--json")
    report = json.loads(proc.stdout)
    assert proc.returncode == 1 and not report["ok"]
    assert [c["check"] for c in report["checks"] if c["level"] == "broken"] == ["catalog"]
    text = run_doctor(cfg, cache)
    assert text.returncode == 1 and "BROKEN   catalog" in text.stdout and "fix:" in text.stdout


def test_no_rules_file_for_today_is_a_warning(tmp_path):
    from datetime import date
    good = doctor.check_rules(date(2026, 12, 8))
    assert levels(good) == {doctor.OK} and "2026-2027" in good[0].message
    late = doctor.check_rules(date(2031, 1, 1))
    assert levels(late) == {doctor.WARNING} and "covers 2031-01-01" in late[0].message
    (tmp_path / "2026-2027.toml").write_text("broken = [", encoding="utf-8")
    broken = doctor.check_rules(date(2026, 12, 8), tmp_path)
    assert levels(broken) == {doctor.WARNING} and "not valid TOML" in broken[0].message
