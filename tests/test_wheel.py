"""The kiosk installed the way a site installs it: a wheel built from this checkout and
installed with the locked, hash-checked dependencies (deploy/requirements.lock) into a fresh
virtualenv outside the checkout, by the update's own script; then used from a folder
outside the checkout: the command line from refresh to booking link, and one visit of the
real app off screen."""
import json
import os
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import SAMPLE_DAY, visit_steps
from setuptools import find_packages

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = {"goal": "nederlands", "dutch_level": "A1", "status": "inburgeraar",
           "times": ["avond"], "formats": [], "postcode": "9000", "max_distance_km": 20}
SITE = ('[site]\nname = "Leerwinkel Gent"\nkiosk_id = "gent-bib-1"\n'
        '[booking]\nsecret = "wheel-test-secret-0123456789-abcdef"\n'
        'url_template = "https://www.leerwinkel-gent.be/afspraak?ref={reference}&s={summary}"\n')


class Installed:
    """A virtualenv holding the built wheel, and a working folder outside the checkout."""

    def __init__(self, folder: Path, wheel: Path, venv: Path):
        self.folder, self.wheel, self.venv = folder, wheel, venv
        self.work = folder / "work"
        self.python = self.venv / "bin" / "python"
        self.kiosk_command = self.venv / "bin" / "kiosk"
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("PYTHONPATH", "KIOSK_CONFIG", "VIRTUAL_ENV")}
        self.env.update(KIOSK_CACHE_DIR=str(folder / "cache"), HOME=str(folder / "home"),
                        PYTHONNOUSERSITE="1")

    def run(self, *args, check=True, **kw) -> subprocess.CompletedProcess:
        proc = subprocess.run([str(a) for a in args], cwd=self.work, env=kw.pop("env", self.env),
                              capture_output=True, text=True, timeout=kw.pop("timeout", 120), **kw)
        if check:
            assert proc.returncode == 0, f"{args}: {proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
        return proc

    def kiosk(self, *args, check=True) -> subprocess.CompletedProcess:
        return self.run(self.kiosk_command, *args, check=check)


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    """The release the update installs (deploy/update/leerwinkel-install-release): the
    wheel built with the locked setuptools, its dependencies from the lock, hash-checked."""
    folder = tmp_path_factory.mktemp("installed")
    assert not folder.resolve().is_relative_to(ROOT)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(KIOSK_HOME=str(folder / "opt"), PYTHON=shutil.which("python3") or sys.executable)
    script = ROOT / "deploy" / "update" / "leerwinkel-install-release"
    runs = [subprocess.run(["sh", str(script), str(ROOT), "test-1"], env=env, capture_output=True,
                           text=True, timeout=1200) for _ in range(2)]
    for proc in runs:
        assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    assert [p.stdout.split()[-1] for p in runs] == ["installed", "present"]
    wheel = next((folder / "opt" / "wheels" / "test-1").glob("leerwinkel_kiosk-*.whl"))
    site = Installed(folder, wheel, folder / "opt" / "releases" / "test-1")
    for sub in ("work", "home", "cache"):
        (folder / sub).mkdir()
    assert (site.venv / "leerwinkel-release").read_text().strip() == "test-1"
    return site


def test_the_package_list_names_every_package_of_the_checkout():
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    found = find_packages(str(ROOT), include=["kiosk", "kiosk.*", "screens", "screens.*"])
    assert sorted(found) == sorted(p for p in listed if not p.startswith("kiosk.bundled"))


def test_the_wheel_holds_every_run_time_file_of_the_checkout(installed):
    tracked = subprocess.run(["git", "ls-files", "assets", "screens/*.kv"], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    for path in tracked:
        if path.endswith((".po", ".pot")):      # sources of the .mo files
            continue
        inside = path if path.startswith("screens/") else f"kiosk/bundled/{path}"
        assert inside in names, path
    assert "kiosk/bundled/docs/feed.schema.json" in names
    assert "kiosk/bundled/deploy/systemd/leerwinkel-kiosk.service" in names


PROBE = """
import json, kiosk
from kiosk import paths
from kiosk.text import i18n, glossary
from kiosk.guidance import questionnaire
from kiosk.catalog import schema
print(json.dumps({"kiosk": kiosk.__file__, "root": str(paths.ROOT),
                  "languages": i18n.available_languages(),
                  "questions": len(questionnaire.load()),
                  "icons": len(list((paths.ASSETS / "icons").glob("*.png"))),
                  "template": (paths.ASSETS / "catalog-template.csv").is_file(),
                  "glossary": glossary.GLOSSARY.is_file(),
                  "schema": len(schema.problems({"format": "x"})) > 0,
                  "french": i18n.gettext_for("fr")("Start")}))
"""


def test_the_installed_package_finds_its_assets_in_itself(installed):
    found = json.loads(installed.run(installed.python, "-c", PROBE).stdout)
    site_packages = installed.venv.resolve()
    assert Path(found["kiosk"]).resolve().is_relative_to(site_packages)
    assert Path(found["root"]).resolve().is_relative_to(site_packages)
    assert found["languages"] == ["nl", "ar", "en", "fr", "uk"]
    assert found["questions"] >= 5 and found["icons"] >= 40
    assert found["template"] and found["glossary"] and found["schema"]
    assert found["french"] != "Start"


def test_a_scripted_visit_from_refresh_to_booking_link(installed):
    code = installed.kiosk("catalog", "refresh")
    assert "Loaded" in code.stdout + code.stderr
    status = json.loads(installed.kiosk("catalog", "status", "--json").stdout)
    assert status["courses"] > 50 and "kiosk/bundled/assets" in status["source"]
    site = installed.work / "site.toml"
    site.write_text(SITE, encoding="utf-8")
    answers = installed.work / "answers.json"
    answers.write_text(json.dumps(ANSWERS), encoding="utf-8")
    matched = json.loads(installed.kiosk("match", "--answers", answers, "--today",
                                         SAMPLE_DAY.isoformat(), "--json").stdout)
    assert matched["results"], matched
    chosen = matched["results"][0]["id"]
    url = installed.kiosk("--config", site, "booking-url", "--answers", answers,
                          "--course", chosen).stdout.strip()
    parsed = urlparse(url)
    assert parsed.netloc == "www.leerwinkel-gent.be" and parse_qs(parsed.query)["ref"]
    shown = installed.kiosk("--config", site, "handoff", "show", url)
    assert chosen in shown.stdout


def test_refresh_without_the_sample_fails(installed):
    sample = installed.venv.glob("lib/python3*/site-packages/kiosk/bundled/assets/"
                                 "sample-catalog.json")
    sample = next(sample)
    aside = sample.with_name("aside.json")
    sample.rename(aside)
    try:
        proc = installed.kiosk("catalog", "refresh", check=False)
    finally:
        aside.rename(sample)
    assert proc.returncode != 0
    assert "does not exist" in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


def test_one_visit_of_the_installed_app_off_screen(installed):
    """tests/visit_driver.py, copied outside the checkout, drives the installed app."""
    driver = installed.folder / "visit_driver.py"
    shutil.copy(ROOT / "tests" / "visit_driver.py", driver)
    # the driver's simulated touches come from kivy.tests, which imports pytest
    installed.run(installed.python, "-m", "pip", "install", "-q", "pytest", timeout=300)
    site = installed.work / "site.toml"
    site.write_text(SITE, encoding="utf-8")
    steps = [["lang", "fr"], ["start"], *visit_steps(ANSWERS), ["mark", 0], ["booking"]]
    steps_file = installed.work / "steps.json"
    steps_file.write_text(json.dumps(steps), encoding="utf-8")
    env = dict(installed.env, SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1",
               KIVY_HOME=str(installed.folder / "kivy"), KIVY_LOG_MODE="PYTHON")
    proc = installed.run(installed.python, driver, "--steps", steps_file, "--out",
                         installed.work / "run", "--size", "1080x1920", "--today",
                         SAMPLE_DAY.isoformat(), "--config", site, env=env, check=False,
                         timeout=240)
    record_file = installed.work / "run" / "run.json"
    assert record_file.exists(), proc.stderr[-4000:]
    record = json.loads(record_file.read_text(encoding="utf-8"))
    assert not record["errors"], record["errors"]
    assert "Traceback" not in proc.stderr and "FileNotFoundError" not in proc.stderr
    assert record["screens"][-1] == "booking" and len(record["marked"]) == 1
    answers = installed.work / "answers-fr.json"
    answers.write_text(json.dumps({**ANSWERS, "language": "fr"}), encoding="utf-8")
    expected = installed.kiosk("--config", site, "booking-url", "--answers", answers,
                               "--course", record["marked"][0]).stdout.strip()
    shown, wanted = urlparse(record["booking_url"]), urlparse(expected)
    assert shown._replace(query="") == wanted._replace(query="")
    ours, theirs = parse_qs(shown.query), parse_qs(wanted.query)
    assert ours.pop("ref") and theirs.pop("ref")         # sealed afresh each time
    assert ours == theirs
    opened = installed.kiosk("--config", site, "handoff", "show", record["booking_url"])
    assert record["marked"][0] in opened.stdout
