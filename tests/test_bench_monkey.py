"""bench/monkey.py, the monkey (random touches and drags on the real app off screen, its
own process, seeded), run small so it keeps working: a few hundred touches must crash
nothing and give every figure the long run prints. The long run (25,000 touches, a memory
trend) is a bench run, not a test: docs/testing.md."""
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


@pytest.mark.timeout(300)
def test_a_few_hundred_random_touches_crash_nothing_and_give_every_figure(tmp_path):
    out = tmp_path / "monkey.json"
    proc = run(tmp_path, ["bench/monkey.py", "--events", "400", "--warmup", "200",
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
    proc = run(tmp_path, ["-c", code], timeout=110)
    assert "ERRORS 0" in proc.stdout, proc.stderr[-4000:]
