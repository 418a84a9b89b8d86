"""Every script in bench/ runs, at a small size, and prints its figures: none can rot
unnoticed. The figures themselves are not judged here (bench/ measures; tests do not
hold wall-clock limits)."""
import json
import os
import re
import subprocess
import sys

import pytest

from kiosk import paths

BENCH = paths.ROOT / "bench"
SHARED = {"offscreen.py"}           # a module the scripts share, not a script
OWN_TEST = {"monkey.py"}            # run small by a test of its own, below
# script -> its arguments at a small size, and what its figures look like
SMALL = {
    "match.py": (["--sizes", "300", "--runs", "3", "--slow-runs", "2", "--cpu"],
                 r"weet-niet, nothing else, first screen\s+median\s+[\d.]+ ms\s+p95\s+[\d.]+ ms"),
    "refresh.py": (["--sizes", "200", "--repeat", "1"], r"\n\s+200\s+[\d.]+\s+[\d.]+\s+[\d.]+"),
    "soak.py": (["--visits", "2"], r"time per visit: median \d+ ms"),
    "startup.py": (["--runs", "1", "--sizes", "1080x1920", "--settle", "0.5"],
                   r"kiosk/bare: time [\d.]+x"),
    "neutrality.py": ([], r"\ncvo\s+\d+\s+[\d.]+"),
    "counsellor.py": (["--runs", "2"], r"booking page:\s+median [\d.]+ ms"),
    "site_refresh.py": (["--pages", "10", "--groups", "1", "--repeat", "1"],
                        r"ratio site unchanged / feed loaded: [\d.]+"),
}


def test_every_bench_script_has_a_small_run():
    scripts = {p.name for p in BENCH.glob("*.py")} - SHARED
    assert scripts == set(SMALL) | OWN_TEST


@pytest.mark.parametrize("script", sorted(SMALL))
def test_bench_script_runs_small_and_prints_figures(script, tmp_path):
    args, figures = SMALL[script]
    env = dict(os.environ, PYTHONPATH=str(paths.ROOT), KIOSK_CACHE_DIR=str(tmp_path / "cache"),
               KIVY_HOME=str(tmp_path / "kivy"), SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1")
    env.pop("KIOSK_CONFIG", None)
    done = subprocess.run([sys.executable, str(BENCH / script), *args], env=env,
                          cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.search(figures, done.stdout), done.stdout[-2000:]
    assert "Traceback" not in done.stderr


# ---------------------------------------------------------------- the monkey
# bench/monkey.py (random touches and drags on the real app off screen, its own process,
# seeded), run small: a few hundred touches must crash nothing and give every figure the
# long run prints. The long run (25,000 touches, a memory trend) is a bench run.

def run_off_screen(tmp_path, script: list[str], timeout=900):
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1",
               KIVY_HOME=str(tmp_path / "kivy"), KIVY_LOG_MODE="PYTHON",
               KIOSK_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([sys.executable, *script], env=env, cwd=paths.ROOT, capture_output=True,
                          text=True, timeout=timeout)


@pytest.mark.timeout(300)
def test_a_few_hundred_random_touches_crash_nothing_and_give_every_figure(tmp_path):
    out = tmp_path / "monkey.json"
    proc = run_off_screen(tmp_path, ["bench/monkey.py", "--events", "400", "--warmup", "200",
                          "--seed", "13", "--json", str(out)], timeout=280)
    assert proc.returncode == 0, proc.stderr[-4000:]
    monkey = json.loads(out.read_text())
    assert monkey["events"] == 400 and sum(monkey["screens"].values()) == 400
    assert monkey["errors"] == [], monkey["errors"][0]
    assert len(monkey["screens"]) >= 3, monkey["screens"]       # the jumps to other screens
    for figure in ("memory_at_start", "memory_after_warmup", "memory_at_end"):
        assert monkey[figure]["pss"] > 0 and monkey[figure]["uss"] > 0, figure
    assert isinstance(monkey["growth_mb"], float)


@pytest.mark.timeout(120)
def test_start_over_while_the_idle_warning_opens_does_not_crash(tmp_path):
    """Found by the monkey: dismissing the idle warning during its opening animation
    raised in on_dismiss, and every later 'start over' raised again."""
    code = (
        "import sys; sys.path.insert(0, 'bench'); import offscreen; offscreen.off_screen_env()\n"
        "errors = offscreen.catch_errors()\n"
        "from kiosk.site import config\n"
        "def started(app):\n"
        "    app.start_visit()\n"
        "    import time\n"
        "    for _ in range(3):\n"
        "        app.last_touch = time.monotonic() - app.cfg.idle.timeout_s - 1\n"
        "        app.check_idle(); app.go_home(); app.start_visit()\n"
        "    app.allow_close = True; app.stop()\n"
        "offscreen.start_app(config.load(None), '800x600', started)\n"
        "print('ERRORS', len(errors.records))\n")
    proc = run_off_screen(tmp_path, ["-c", code], timeout=110)
    assert "ERRORS 0" in proc.stdout, proc.stderr[-4000:]
