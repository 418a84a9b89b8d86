# ---------------------------------------------------------------- cache, config, UI processes
# Small fixtures most test modules share: a catalog cache folder, a site config, the
# titles in a catalog, the environment of an off-screen kiosk process, and the day the
# scripted visits run on.
import os
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest

from kiosk import catalog, cli, clock, config

# The bundled sample catalog (assets/sample-catalog.json) has fixed start dates chosen
# around this day; scripted visits on that catalog run on it, whatever the date.
SAMPLE_DAY = date(2026, 11, 28)


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An empty catalog cache folder, set as KIOSK_CACHE_DIR, so the core and the command
    line run in this process (kiosk.cli.main) use it; no site config from outside."""
    folder = tmp_path / "cache"
    folder.mkdir()
    monkeypatch.setenv("KIOSK_CACHE_DIR", str(folder))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    return folder


@pytest.fixture
def cfg() -> config.Config:
    """The default site config, without retries: a source that fails, fails at once."""
    cfg = config.Config()
    cfg.catalog.retries = 0
    return cfg


def catalog_titles(cache_dir: Path) -> set[str]:
    """The Dutch titles of the courses in the current catalog of cache_dir."""
    opened = catalog.open_catalog(catalog.current_path(cache_dir))
    try:
        return {row["title_nl"] for row in opened.db["courses"].rows}
    finally:
        opened.close()


@pytest.fixture
def titles():
    """titles(cache_dir) -> the Dutch titles of the courses in that folder's catalog."""
    return catalog_titles


class Ran(NamedTuple):
    """What a command printed and returned, named as subprocess names them."""
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(capsys, cache):
    """run_cli(*args) -> Ran(returncode, stdout, stderr) of the kiosk command line, run in
    this process (kiosk.cli.main) on `cache`."""
    def run(*args) -> Ran:
        capsys.readouterr()                     # only this command's output
        code = cli.main([str(arg) for arg in args])
        return Ran(code, *capsys.readouterr())
    return run


@pytest.fixture
def kiosk_env(tmp_path, cache) -> dict:
    """Environment of a kiosk process off screen (SDL offscreen, Mesa GL) with its own
    Kivy home, using `cache` for its catalog."""
    return dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1",
                KIVY_HOME=str(tmp_path / "kivy"), KIVY_LOG_MODE="PYTHON")


@pytest.fixture
def visit_day(monkeypatch) -> date:
    """The day scripted visits run on (tests/visit_driver.py --today); today is that day
    in this process too, so what a test computes beside a visit (its booking link, the
    day of its usage figures) is for the same day."""
    monkeypatch.setattr(clock, "today", lambda: SAMPLE_DAY)
    return SAMPLE_DAY
