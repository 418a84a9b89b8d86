"""The monkey: thousands of random touches and drags on the real app off screen
(bench/monkey.py, its own process, seeded). It must stay alive and log no exception on any
screen. Its memory figures (growth between visitors after a warm-up) are a target that
bench/monkey.py measures and prints, not a test."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(tmp_path, script: list[str], timeout=900):
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1",
               KIVY_HOME=str(tmp_path / "kivy"), KIVY_LOG_MODE="PYTHON",
               KIOSK_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("KIOSK_CONFIG", None)
    return subprocess.run([sys.executable, *script], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout)


@pytest.fixture(scope="module")
def monkey(tmp_path_factory):
    """One seeded run of 7,500 touches (2,500 of warm-up), shared by the tests below."""
    tmp_path = tmp_path_factory.mktemp("monkey")
    out = tmp_path / "monkey.json"
    proc = run(tmp_path, ["bench/monkey.py", "--events", "7500", "--warmup", "2500",
                          "--seed", "13", "--json", str(out)])
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(out.read_text())


@pytest.mark.timeout(900)
def test_7500_random_touches_crash_nothing_on_any_screen(monkey):
    assert monkey["events"] == 7500
    assert monkey["errors"] == [], monkey["errors"][0]
    assert set(monkey["screens"]) >= {"welcome", "question", "results", "detail", "booking",
                                      "pin", "staff", "unavailable", "closed"}


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
    proc = run(tmp_path, ["-c", code], timeout=110)
    assert "ERRORS 0" in proc.stdout, proc.stderr[-4000:]
