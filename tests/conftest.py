# ---------------------------------------------------------------- cache, config, UI processes
# Small fixtures most test modules share: a catalog cache folder, a site config, the
# titles in a catalog, the environment of an off-screen kiosk process, and the day the
# scripted visits run on.
import json
import os
import socket
import subprocess
import sys
import threading
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

import pytest
from hypothesis import HealthCheck, settings

from kiosk import clock, reach
from kiosk.catalog import db as catalog
from kiosk.catalog import pipeline
from kiosk.cli import main as cli
from kiosk.guidance import questionnaire
from kiosk.site import config

# Property tests: 60 examples on a developer's machine, 300 under CI (CI=true), where the
# whole suite runs once and time for more examples is there.
settings.register_profile("dev", max_examples=60)
settings.register_profile("ci", max_examples=300, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")

# The bundled sample catalog (assets/sample-catalog.json) has fixed start dates chosen
# around this day; scripted visits on that catalog run on it, whatever the date.
SAMPLE_DAY = date(2026, 11, 28)


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    """An empty catalog cache folder, set as KIOSK_CACHE_DIR, so the core and the command
    line run in this process (kiosk.cli.main.main) use it; no site config from outside."""
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
    cfg.catalog.allow_private = True      # the test servers listen on 127.0.0.1
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
    this process (kiosk.cli.main.main) on `cache`."""
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


# ---------------------------------------------------------------- catalogs for matching tests
# Test catalogs are built the way the kiosk builds them: a feed document (docs/feed.md)
# written to a file and loaded with kiosk.catalog.pipeline.refresh. Matching tests import the helpers
# (`from conftest import make_course, provider, write_catalog`) or use `open_cat`.


def make_course(cid, provider="p1", **over) -> dict:
    """A feed course (docs/feed.md) with plain defaults; keyword arguments replace fields."""
    course = {
        "id": cid, "provider": provider, "title": {"nl": f"Cursus {cid}"},
        "goals": ["digitaal"], "outcome": "certificaat", "format": "klassikaal",
        "times": ["avond"], "start_dates": ["2027-02-01"],
        "cost": {"eur": 50.0},
        "location": {"postcode": "9000", "city": "Gent"},
    }
    course.update(over)
    return course


def provider(pid, name=None, type_="cvo") -> dict:
    """A feed provider."""
    return {"id": pid, "name": name or pid.upper(), "type": type_, "website": None, "phone": None}


# a feed needs at least one course: an empty test catalog holds one that never fits
# (its only start lies in the past)
_NEVER_FITS = make_course("never-fits", provider="never-fits", start_dates=["2000-01-01"])


def write_catalog(cache_dir: Path, providers: list[dict], courses: list[dict]) -> Path:
    """Load a feed of these providers and courses into cache_dir (kiosk.catalog.pipeline.refresh);
    returns the catalog file. Every course must be accepted."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    if not courses:
        providers = [*providers, provider("never-fits")]
        courses = [_NEVER_FITS]
    source = cache_dir.parent / f"{cache_dir.name}-feed.json"
    source.write_text(json.dumps({
        "format": "leerwinkel-catalog", "version": 1, "generated_at": "2026-11-20T08:00:00Z",
        "publisher": "Test", "providers": providers, "courses": courses}), encoding="utf-8")
    cfg = config.Config()
    cfg.catalog.retries = 0
    report = pipeline.refresh(cfg, source=str(source), cache_dir=cache_dir)
    assert report.ok and not report.rejected, report.message
    return catalog.current_path(cache_dir)


@pytest.fixture
def open_cat(tmp_path):
    """open_cat(courses, providers=None) -> an open Catalog; providers default to one
    per provider id the courses name."""
    opened = []

    def build(courses, providers=None):
        ids = sorted({c["provider"] for c in courses}) if providers is None else None
        provs = providers or [provider(p) for p in ids]
        cat = catalog.open_catalog(write_catalog(tmp_path / f"cat{len(opened)}", provs, courses))
        opened.append(cat)
        return cat

    yield build
    for cat in opened:
        cat.close()


# ---------------------------------------------------------------- spreadsheets (CSV route)
# The CSV template's header and a valid row, for the CSV import tests and the hostile
# feed tests.
HEADER = ("id;provider_id;provider_name;provider_type;title_nl;title_fr;goals;format;times;"
          "start_dates;flexible_start;cost_eur;postcode;lat;lon;wheelchair;dutch_level")


def good_row(i: int, sep: str = ";") -> str:
    cells = [f"c-{i}", "cvo-x", "CVO X", "cvo", f"Cursus {i}", f"Cours {i}", "Nederlands|Digitaal",
             "klassikaal", "avond|weekend", "1/02/2027|2027-09-01", "nee", "180,50", "9000",
             "51,05", "3,72", "ja", "a2"]
    if sep == ",":
        cells = [f'"{c}"' if "," in c else c for c in cells]
    return sep.join(cells)


def write_csv(path: Path, lines: list[str], bom: bool = False, sep: str = ";") -> Path:
    header = HEADER if sep == ";" else HEADER.replace(";", ",")
    text = "\r\n".join([header, *lines]) + "\r\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


# ---------------------------------------------------------------- booking links
# A site with a booking secret, answers that travel and the courses a visitor chose:
# shared by the tests of links, sealed references, answers files and terminal output.
SECRET = "test-secret-0123456789-abcdefghij"
NOW = datetime(2027, 3, 12, 10, 30, 5)
ANSWERS = {"goal": "diploma-secundair", "dutch_level": "B1", "diploma": "secundair-onvolledig",
           "status": "werkzoekend", "times": ["avond"], "formats": ["klassikaal", "combinatie"],
           "postcode": "9000", "max_distance_km": 20, "language": "ar"}
COURSES = ["cvo-gent-aav-2027-02", "cvo-gent-nt2-a2-2027", "vdab-lasser-gent-2027"]


PRIVATE = dict(ANSWERS, status="leefloon", dutch_level="A2", postcode="2060",
               diploma="buitenlands")


def legacy_token(secret, answers, courses, day, kiosk="gent-bib-1"):
    """A reference as kiosks made them before sealing: signed, readable."""
    from kiosk.booking import reference
    payload = (bytes([reference.VERSION, 1]) + reference._key_id(secret)
               + reference._pack(answers, courses, kiosk, day))
    return reference._b64(payload + reference._sign(secret, payload))


def make_cfg(preset="generic", secret=SECRET, previous=(), template=None, kiosk_id="gent-bib-1"):
    """A site config for booking links with this preset and secret."""
    cfg = config.Config()
    cfg.site.kiosk_id = kiosk_id
    cfg.booking.preset = preset
    cfg.booking.secret = secret
    cfg.booking.previous_secrets = list(previous)
    cfg.booking.provider_id, cfg.booking.service_id = "3", "7"
    if template:
        cfg.booking.url_template = template
    return cfg


def write_site(tmp_path, monkeypatch, secret=SECRET):
    """A site config file with this booking secret, and an empty cache folder of its own."""
    conf = tmp_path / "site.toml"
    conf.write_text(f'[site]\nkiosk_id = "k1"\n[booking]\nsecret = "{secret}"\n',
                    encoding="utf-8")
    (tmp_path / "cache").mkdir()
    monkeypatch.setenv("KIOSK_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("KIOSK_CONFIG", raising=False)
    return conf


# ---------------------------------------------------------------- UI scenarios
# One scripted visit of the real app a process (tests/visit_driver.py), off screen.
ROOT = Path(__file__).resolve().parent.parent
DRIVER = Path(__file__).with_name("visit_driver.py")
PRESETS = {
    "generic": 'url_template = "https://www.leerwinkel-gent.be/afspraak?ref={reference}&doel={goal}&s={summary}"',
    "calcom": 'url_template = "https://cal.com/leerwinkel-gent/intake"',
    "easyappointments": 'url_template = "https://afspraak.leerwinkel-gent.be/index.php"\n'
                        'provider_id = "3"\nservice_id = "7"',
}


def write_config(tmp_path, text="", preset="generic"):
    path = tmp_path / "site.toml"
    path.write_text('[site]\nname = "Leerwinkel Gent"\nkiosk_id = "gent-bib-1"\n'
                    'phone = "09 123 45 67"\naddress = "Zuid 1, 9000 Gent"\n'
                    'opening_hours = "ma-vr 9-12 u"\n'
                    f'[booking]\nsecret = "test-secret-for-ui"\npreset = "{preset}"\n'
                    f'{PRESETS[preset]}\n' + text, encoding="utf-8")
    return path


def visit_steps(answers: dict) -> list:
    """The taps that answer every question the visitor gets, in order."""
    steps, given, current = [], {}, None
    while (q := questionnaire.next_question(given, current)) is not None:
        value = answers.get(q.id)
        given[q.id] = value
        steps.append(["answer", q.id, value])
        current = q.id
    return steps


@pytest.fixture
def run_visit(kiosk_env, tmp_path, visit_day):
    """run_visit(steps, *options, size=, config=, check_stderr=, check_errors=, out=) -> what
    the visit recorded: one scripted visit of the real app, in its own process, on the
    visit day."""
    def run(steps, *extra, size="1080x1920", config=None, check_stderr=True, check_errors=True,
            out="run"):
        out = tmp_path / out
        steps_file = tmp_path / "steps.json"
        steps_file.write_text(json.dumps(steps), encoding="utf-8")
        cmd = [sys.executable, str(DRIVER), "--steps", str(steps_file), "--out", str(out),
               "--size", size, "--today", visit_day.isoformat(), *extra]
        if config:
            cmd += ["--config", str(config)]
        proc = subprocess.run(cmd, env=kiosk_env, cwd=ROOT, capture_output=True, text=True,
                              timeout=240)
        record_file = out / "run.json"
        assert record_file.exists(), f"the app did not finish its script:\n{proc.stderr[-4000:]}"
        record = json.loads(record_file.read_text(encoding="utf-8"))
        if check_errors:
            assert not record["errors"], record["errors"]
        if check_stderr:
            assert "Traceback" not in proc.stderr, proc.stderr[-4000:]
        return record
    return run


# ---------------------------------------------------------------- a raw HTTP peer
class RawServer:
    """A one-shot TCP server that answers with exactly the bytes given."""

    def __init__(self, answer: bytes):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.answer = answer
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/feed.json"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                self.send(conn)

    def send(self, conn):
        conn.sendall(self.answer)

    def close(self):
        self.sock.close()


# ---------------------------------------------------------------- reach and contrast
def assert_within_reach(seen: dict, where: str, diagonal_in: float = 32.0) -> None:
    """Every control of a recorded layout (visit step ["layout", name]) lies within the
    reach band, is at least reach.MIN_TARGET_MM big on a screen of `diagonal_in`, and
    contrasts with what is behind it (edge 3:1, text 4.5:1); every list can be scrolled
    from within reach (docs/accessibility.md)."""
    from screens import theme
    assert seen["controls"], where
    mm = reach.mm_per_px(*seen["window"], diagonal_in)
    low, high = seen["band"]
    for control in seen["controls"]:
        x, y, w, h = control["rect"]
        it = f"{where}: {control['kind']} {control['text']!r}"
        assert low <= y + h / 2 <= high, f"{it} is out of reach at {y + h / 2:.0f}"
        assert min(w, h) * mm >= reach.MIN_TARGET_MM - 0.05, f"{it} is {min(w, h) * mm:.1f} mm"
        behind = control["behind"]
        edge = max(theme.contrast(colour, behind) for colour in
                   (control["fill"], control["outline"]) if colour is not None)
        assert edge >= 3.0, f"{it}: its edge contrasts {edge:.2f}:1"
        for colour, text in control["texts"]:
            on = control["fill"] if control["fill"] and control["fill"][3] > 0.5 else behind
            assert theme.contrast(colour, on) >= 4.5, f"{it}: text {text!r}"
    for _x, y, _w, h in seen["scrolls"]:          # read above, but scrolled from within reach
        assert min(y + h, high) - max(y, low) >= min(h, 60 / mm), f"{where}: a list"
