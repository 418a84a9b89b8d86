"""`kiosk doctor`: checks a device and says what to fix (docs/cli.md).

Each check returns Findings at one of three levels: "ok", "warning" (staff should fix it,
visitors do not notice yet) and "broken" (a visitor would notice: no window, a corrupt
catalog, boxes instead of letters, no booking link). The exit code is 1 when anything is
broken, else 0. Checks take their surroundings as arguments (cache folder, the time,
commands, font files) so each can be made to fail on purpose.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from kiosk import clock, paths
from kiosk.catalog import db as catalog_mod
from kiosk.site import availability
from kiosk.text import fonts, i18n, speech

OK, WARNING, BROKEN = "ok", "warning", "broken"
# an example's words for "put your secret here" (deploy/site-vars.example.yml, docs/booking.md)
PLACEHOLDER = re.compile(r"change[-_ ]?me|\s|…|\.\.\.", re.IGNORECASE)
MIN_FREE_BYTES = 200_000_000       # a refresh writes a new catalog beside the old one

# Run with the same Python in a child process: the window and its OpenGL context, and
# nothing of Kivy in this process (kiosk/ stays Kivy-free, and a crash stays over there).
WINDOW_PROBE = """
import json, sys
from kivy.core.window import Window
if Window is None:
    sys.exit(3)
from kivy.graphics import opengl as gl
print(json.dumps({"version": gl.glGetString(gl.GL_VERSION).decode(errors="replace"),
                  "renderer": gl.glGetString(gl.GL_RENDERER).decode(errors="replace")}))
"""


@dataclass
class Finding:
    check: str
    level: str
    message: str
    fix: str = ""


def _ok(check: str, message: str) -> Finding:
    return Finding(check, OK, message)


# ---------------------------------------------------------------- the window

def check_window(env: dict | None = None, timeout: float = 90) -> list[Finding]:
    """Open a Kivy window off screen (unless SDL_VIDEODRIVER says otherwise) in a child."""
    with tempfile.TemporaryDirectory(prefix="kiosk-doctor-") as kivy_home:
        child_env = {**os.environ, "SDL_VIDEODRIVER": os.environ.get("SDL_VIDEODRIVER",
                                                                     "offscreen"),
                     "KIVY_NO_ARGS": "1", "KIVY_HOME": kivy_home, "KIVY_LOG_MODE": "PYTHON",
                     **(env or {})}
        try:
            proc = subprocess.run([sys.executable, "-c", WINDOW_PROBE], env=child_env,
                                  capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            proc = None
    fix = ("Install Mesa's OpenGL (Debian: libgl1 libegl1 libgl1-mesa-dri) and check the "
           "graphics driver; scripts/setup installs them.")
    if proc is None:
        return [Finding("window", BROKEN, f"Opening a window hung for {timeout:.0f} s.", fix)]
    try:
        info = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return [Finding("window", BROKEN, f"No usable window with OpenGL (exit "
                        f"{proc.returncode}): {last}", fix)]
    return [_ok("window", f"OpenGL {info['version']} ({info['renderer']})")]


# ---------------------------------------------------------------- fonts and speech

def check_fonts(cfg, regular=fonts.FONT_CANDIDATES, bold=fonts.FONT_BOLD_CANDIDATES
                ) -> list[Finding]:
    """Every offered language's letters (Arabic in all its joined forms) in the UI's fonts."""
    out = []
    fix = "Install Debian fonts-dejavu-core (scripts/setup does)."
    files = [fonts.first_existing(regular), fonts.first_existing(bold)]
    if files[0] is None:
        out.append(Finding("fonts", WARNING, "DejaVu Sans is missing; the UI falls back to "
                           "Kivy's Roboto, which has no Arabic letters.", fix))
        files = [fonts.kivy_fallback()]
    files = list(dict.fromkeys(f for f in files if f))
    if not files:
        return out + [Finding("fonts", BROKEN, "No font file found at all.", fix)]
    for lang in cfg.site.languages:
        needed = fonts.needed_characters(lang)
        for font in files:
            missing = fonts.missing_glyphs(font, needed)
            if missing:
                out.append(Finding("fonts", BROKEN, f"{font.name} cannot draw {len(missing)} "
                                   f"characters of '{lang}' (e.g. {''.join(missing[:8])}): "
                                   "visitors see empty boxes.", fix))
    if not any(f.level == BROKEN for f in out):
        out.append(_ok("fonts", f"{', '.join(f.name for f in files)} cover "
                       f"{', '.join(cfg.site.languages)}"))
    return out


def check_speech(cfg, command: str = "espeak-ng", voices: dict | None = None
                 ) -> list[Finding]:
    """A voice for every offered language (reading aloud is hidden without espeak-ng)."""
    voices = voices or speech.VOICES
    if shutil.which(command) is None:
        return [Finding("speech", WARNING, f"{command} is not installed: the 'read aloud' "
                        "button is hidden.", "Install Debian espeak-ng.")]
    missing = []
    for lang in cfg.site.languages:
        voice = voices.get(lang, "nl")
        proc = subprocess.run([command, "-q", "-v", voice, "a"], capture_output=True,
                              timeout=30)
        if proc.returncode != 0:
            missing.append(f"{lang} ({voice})")
    if missing:
        return [Finding("speech", WARNING, f"No espeak-ng voice for {', '.join(missing)}: "
                        "those languages are read in Dutch or not at all.",
                        "Install Debian espeak-ng-data, or leave the language out of "
                        "site.languages.")]
    return [_ok("speech", f"espeak-ng voices for {', '.join(cfg.site.languages)}")]


# ---------------------------------------------------------------- the catalog

def _open_and_count(path: Path) -> dict:
    """Counts and meta of a catalog file; raises sqlite3.Error when it is not one."""
    cat = availability.open_checked(path)
    try:
        return {**cat.counts(), "meta": cat.meta()}
    finally:
        cat.close()


def _age_days(meta: dict, now: datetime) -> float | None:
    try:
        when = datetime.fromisoformat(str(meta.get("refreshed_at")).replace("Z", "+00:00"))
    except ValueError:
        return None
    when = clock.known_past(when if when.tzinfo else when.replace(tzinfo=UTC), now)
    if when is None:                # written under a clock running ahead: unknown
        return None
    return max(round((now - when).total_seconds() / 86400, 1), 0.0)


def check_catalog(cfg, cache_dir: Path | None = None, now: datetime | None = None
                  ) -> list[Finding]:
    """Present, readable, not empty, not too old, from a real source."""
    now = now or datetime.now(UTC)
    path = catalog_mod.current_path(cache_dir)
    refresh = "Run: kiosk catalog refresh"
    if not path.exists():
        return [Finding("catalog", WARNING, f"No catalog yet at {path}; the kiosk loads "
                        "catalog.source or the bundled sample at its first start.", refresh)]
    if not os.access(path, os.R_OK):
        return [Finding("catalog", BROKEN, f"{path} cannot be read by this user.",
                        "Give the kiosk user read access to the cache folder.")]
    try:
        found = _open_and_count(path)
    except sqlite3.Error as exc:
        return [Finding("catalog", BROKEN, f"{path} is corrupt ({exc}).",
                        f"{refresh}, or: kiosk catalog rollback")]
    out = []
    if found["courses"] == 0:
        out.append(Finding("catalog", BROKEN, "The catalog holds no courses.", refresh))
    age = _age_days(found["meta"], now)
    if age is None or age > cfg.catalog.max_age_days:
        out.append(Finding("catalog", WARNING, f"The catalog is {age} days old (limit "
                           f"catalog.max_age_days = {cfg.catalog.max_age_days})." if age
                           is not None else "The catalog's age is unknown: its refresh time "
                           "is missing or in the future (was the clock ahead?).", refresh))
    source = found["meta"].get("source") or ""
    if not (cfg.catalog.source or cfg.catalog.sources) or Path(source) == paths.SAMPLE_CATALOG:
        out.append(Finding("catalog", WARNING, "The kiosk shows the bundled sample catalog, "
                           "not this region's courses.", "Set catalog.source in the site "
                           "config, then: kiosk catalog refresh"))
    if not out:
        out.append(_ok("catalog", f"{found['courses']} courses, {age} days old, from {source}"))
    return out


# ---------------------------------------------------------------- booking and config

def check_booking(cfg) -> list[Finding]:
    """Its reference is signed with a long secret, its link is https. (That a link can be
    made at all was checked when the config was loaded.)"""
    from kiosk.booking import handoff
    url = handoff.booking_url(cfg, {"language": "nl"}, [], now=datetime(2026, 1, 1))
    out = []
    secret_fix = "Set booking.secret to the output of: kiosk booking new-secret"
    if not cfg.booking.secret:
        out.append(Finding("booking", WARNING, "booking.secret is empty: booking references "
                           "are unsigned, so counsellors cannot tell they came from this "
                           "kiosk.", secret_fix))
    elif PLACEHOLDER.search(cfg.booking.secret):
        out.append(Finding("booking", BROKEN, "booking.secret is still the example's "
                           "placeholder: every site that copied it shares it, so anyone can "
                           "read and forge booking references.", secret_fix))
    elif len(cfg.booking.secret) < handoff.MIN_SECRET_CHARS:
        out.append(Finding("booking", WARNING, f"booking.secret is only "
                           f"{len(cfg.booking.secret)} characters: easy to guess.", secret_fix))
    if not url.startswith("https://"):
        out.append(Finding("booking", WARNING, "The booking link is not https.",
                           "Use an https:// address in booking.url_template."))
    return out or [_ok("booking", f"links like {url[:60]}…, signed")]


def check_config(cfg) -> list[Finding]:
    """Warnings computed from a loaded config; a setting that breaks a rule never loads
    (kiosk/site/config.py `check`)."""
    out, fix = [], f"Edit {cfg.path or 'the site config (KIOSK_CONFIG)'}."
    have = set(i18n.available_languages())
    untranslated = [lang for lang in cfg.site.languages if lang not in have]
    problems = [
        (cfg.path is None, "No site config is used: every setting has its default.",
         "Write one from docs/config.example.toml and set KIOSK_CONFIG."),
        (bool(untranslated), f"site.languages has {', '.join(untranslated)} without a "
         "translation; they are not offered.", fix),
        (not (cfg.site.phone or cfg.site.address), "site.phone and site.address are empty: "
         "a visitor without a smartphone is only told to ask at the counter.", fix),
        (not cfg.staff.pin_hash, "No staff PIN is set: staff cannot open the staff screen "
         "in kiosk mode.", f"Run: kiosk staff set-pin --config {cfg.path or 'FILE'}"),
    ]
    out = [Finding("config", WARNING, message, how) for bad, message, how in problems if bad]
    return out or [_ok("config", f"{cfg.path} is valid")]


# ---------------------------------------------------------------- disk and clock

def check_disk(cache_dir: Path | None = None, min_free: int = MIN_FREE_BYTES) -> list[Finding]:
    folder = paths.cache_dir(cache_dir)
    probe = folder if folder.exists() else folder.parent
    free = shutil.disk_usage(probe).free
    out = []
    if free < min_free:
        out.append(Finding("disk", WARNING, f"Only {free // 1_000_000} MB free in {probe}; "
                           "a refresh needs room for a second catalog.",
                           "Free disk space (old logs: journalctl --vacuum-size=100M)."))
    if folder.exists() and not os.access(folder, os.W_OK):
        out.append(Finding("disk", WARNING, f"{folder} is not writable: no refresh, no "
                           "figures.", "Give the kiosk user write access to the cache folder."))
    return out or [_ok("disk", f"{free // 1_000_000} MB free in {probe}")]


def installed_on() -> datetime:
    """When this copy of the kiosk was written to disk: the clock cannot be earlier."""
    newest = max(p.stat().st_mtime for p in Path(__file__).parent.glob("*.py"))
    return datetime.fromtimestamp(newest, UTC)


def check_clock(now: datetime | None = None, floor: datetime | None = None) -> list[Finding]:
    """A clock set in the past shows courses that already started and breaks https."""
    now = now or datetime.now(UTC)
    floor = floor or installed_on()
    now = now if now.tzinfo else now.replace(tzinfo=UTC)
    if now.year < floor.year or (floor - now).days > 1:
        return [Finding("clock", BROKEN, f"The clock says {now:%Y-%m-%d}, before this kiosk "
                        f"was installed ({floor:%Y-%m-%d}): course dates and https fail.",
                        "Set the time and enable time sync: timedatectl set-ntp true")]
    return [_ok("clock", f"{now:%Y-%m-%d %H:%M} UTC")]


# ---------------------------------------------------------------- fee rules

def check_rules(today: date | None = None, folder: Path | None = None) -> list[Finding]:
    """A rules file (assets/rules/, docs/rules.md) must cover today, or the kiosk states no
    fee at all and says "vraag na" everywhere."""
    from kiosk.guidance import rules
    problems = rules.problems(today, folder)
    if problems:
        return [Finding("rules", WARNING, line, "Add the rules file of this school year to "
                        "assets/rules/ (docs/rules.md).") for line in problems]
    ruleset = rules.for_day(today, folder)
    return [_ok("rules", f"fees and rights of {ruleset.school_year}, until "
                f"{ruleset.valid_until.isoformat()}")]


# ---------------------------------------------------------------- all together

def run_checks(cfg, cache_dir: Path | None = None, now: datetime | None = None,
               window_env: dict | None = None) -> list[Finding]:
    return [*check_config(cfg), *check_window(window_env), *check_fonts(cfg),
            *check_speech(cfg), *check_catalog(cfg, cache_dir, now), *check_booking(cfg),
            *check_disk(cache_dir), *check_clock(now),
            *check_rules(now.date() if now else None)]


def exit_code(findings: list[Finding]) -> int:
    return 1 if any(f.level == BROKEN for f in findings) else 0


def as_json(findings: list[Finding]) -> dict:
    return {"ok": exit_code(findings) == 0,
            "broken": sum(f.level == BROKEN for f in findings),
            "warnings": sum(f.level == WARNING for f in findings),
            "checks": [asdict(f) for f in findings]}


def text(findings: list[Finding]) -> str:
    lines = []
    for f in findings:
        lines.append(f"{f.level.upper():8s} {f.check:8s} {f.message}")
        if f.fix and f.level != OK:
            lines.append(f"{'':17s} fix: {f.fix}")
    summary = as_json(findings)
    lines.append("Broken: a visitor would notice. Fix the lines marked BROKEN first."
                 if summary["broken"] else
                 f"Nothing a visitor would notice; {summary['warnings']} warning(s).")
    return "\n".join(lines)
