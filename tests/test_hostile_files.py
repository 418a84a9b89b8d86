"""Hostile files and faults: the site config keeps its mode and owner, output paths never
replace what is not a plain file, a catalog that is a FIFO or a folder gives a one-line
reason and is repaired by a refresh, a full disk cannot break the PIN entry."""
import json
import os
import stat
import subprocess
import sys

import pytest
from conftest import SAMPLE_DAY

from kiosk import paths
from kiosk.catalog import db as catalog_mod
from kiosk.catalog import pipeline, status
from kiosk.files import NotAFileError, write_atomically
from kiosk.site import config, staff

SITE = '# the site\n[site]\nname = "Leerwinkel Gent"\n[booking]\nsecret = "s3cret-of-the-site"\n'


def test_set_pin_keeps_the_config_mode_and_owner(tmp_path, run_cli):
    path = tmp_path / "site.toml"
    path.write_text(SITE)
    os.chown(path, 0, 4242)               # root:kiosk, as deploy/ installs it
    os.chmod(path, 0o640)
    ran = run_cli("--config", path, "staff", "set-pin", "--pin", "2468")
    assert ran.returncode == 0, ran.stderr
    info = os.stat(path)
    assert stat.S_IMODE(info.st_mode) == 0o640 and (info.st_uid, info.st_gid) == (0, 4242)
    text = path.read_text()
    assert "# the site" in text and "s3cret-of-the-site" in text
    assert staff.verify_pin("2468", config.load(path).staff.pin_hash)


def test_set_pin_makes_a_missing_config_readable_by_its_owner_only(tmp_path, run_cli):
    path = tmp_path / "new" / "site.toml"
    path.parent.mkdir()
    ran = run_cli("--config", path, "staff", "set-pin", "--pin", "13579")
    assert ran.returncode == 0, ran.stderr
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert staff.verify_pin("13579", config.load(path).staff.pin_hash)


@pytest.mark.parametrize("pin", ["١٢٣٤", "１２３４", "12 34", "123"])
def test_set_pin_refuses_digits_the_keypad_cannot_type(tmp_path, run_cli, pin):
    path = tmp_path / "site.toml"
    ran = run_cli("--config", path, "staff", "set-pin", "--pin", pin)
    assert ran.returncode == 2 and "digits 0-9" in ran.stderr and not path.exists()


def test_set_pin_without_a_terminal_reads_standard_input(tmp_path):
    path = tmp_path / "site.toml"
    env = {**os.environ, "PYTHONPATH": str(paths.ROOT)}
    run = [sys.executable, "-m", "kiosk.cli.main", "--config", str(path), "staff", "set-pin"]
    empty = subprocess.run(run, input="", capture_output=True, text=True, env=env, timeout=60)
    assert empty.returncode == 2 and "no PIN given" in empty.stderr
    assert "Traceback" not in empty.stderr
    given = subprocess.run(run, input="8642\n", capture_output=True, text=True, env=env,
                           timeout=60)
    assert given.returncode == 0, given.stderr
    assert staff.verify_pin("8642", config.load(path).staff.pin_hash)


def test_a_damaged_pin_hash_is_a_config_error_not_a_traceback(tmp_path, run_cli):
    path = tmp_path / "site.toml"
    path.write_text('[staff]\npin_hash = "scrypt$zz$00"\n')
    ran = run_cli("--config", path, "doctor")
    assert ran.returncode == 2 and "pin_hash" in ran.stderr and len(ran.stderr.splitlines()) == 1
    assert staff.verify_pin("1234", "scrypt$zz$00") is False


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_output_paths_never_replace_what_is_not_a_plain_file(tmp_path, kind):
    target = tmp_path / "out"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        target = tmp_path / "null"
        os.mknod(target, 0o666 | stat.S_IFCHR, os.makedev(1, 3))      # like /dev/null
    with pytest.raises(NotAFileError):
        write_atomically(target, "x")
    assert not stat.S_ISREG(os.lstat(target).st_mode)


def test_the_figures_file_is_never_renamed_over_a_device(tmp_path, cache):
    from kiosk.site import metrics
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    cfg = config.Config()
    cfg.health.metrics_file = str(device)
    assert metrics.write_quietly(cfg, cache) is None
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_output_commands_refuse_a_device(tmp_path, run_cli, cache):
    device = tmp_path / "null"
    os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    csv_file = paths.ROOT / "assets" / "catalog-template.csv"
    for args in (["catalog", "import-csv", csv_file, "--out", device],
                 ["stats", "--csv", device], ["stats", "--chart", device]):
        ran = run_cli(*args)
        assert ran.returncode != 0 and "not a plain file" in ran.stderr, args
        assert stat.S_ISCHR(os.lstat(device).st_mode)


# ---------------------------------------------------------------- catalog a FIFO or a folder

@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_catalog_that_is_a_fifo_or_folder_is_named_and_a_refresh_repairs_it(
        cache, cfg, run_cli, tmp_path, kind, monkeypatch):
    from kiosk import clock
    monkeypatch.setattr(clock, "today", lambda: SAMPLE_DAY)
    current = cache / catalog_mod.CURRENT
    if kind == "fifo":
        os.mkfifo(current)
    else:
        (current / "inside").mkdir(parents=True)
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"goal": "nederlands"}))
    info = status.status(cfg, cache)
    assert info["present"] is False
    ran = run_cli("catalog", "status")
    assert ran.returncode == 0 and "a folder, a pipe or a device" in ran.stdout
    from kiosk.site import availability
    with pytest.raises(availability.CatalogUnusable, match="not a catalog file"):
        availability.open_usable(current)
    ran = run_cli("handoff", "show", "AAAAAAAAAAAAAAAAAAAAAAAA")
    assert "Traceback" not in ran.stderr and len(ran.stderr.strip().splitlines()) == 1
    report = pipeline.refresh(cfg, source=str(paths.SAMPLE_CATALOG), cache_dir=cache)
    assert report.ok, report.message
    assert current.is_file() and status.status(cfg, cache)["courses"] > 0
    assert run_cli("match", "--answers", answers, "--json").returncode == 0


def test_match_on_a_garbage_or_empty_catalog_says_so_in_one_line(cache, run_cli, tmp_path):
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"goal": "nederlands"}))
    current = cache / catalog_mod.CURRENT
    for content in (b"", b"garbage " * 100):
        current.write_bytes(content)
        ran = run_cli("match", "--answers", answers)
        assert ran.returncode == 1 and "catalog" in ran.stderr
        assert len(ran.stderr.strip().splitlines()) == 1 and "Traceback" not in ran.stderr


def test_a_catalog_fifo_does_not_block_the_first_start(cache, cfg):
    os.mkfifo(cache / catalog_mod.CURRENT)
    assert pipeline.ensure_catalog(cfg, cache).is_file()
