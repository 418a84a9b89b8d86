"""Every script in bench/ runs, at a small size, and prints its figures: none can rot
unnoticed. The figures themselves are not judged here (bench/ measures; tests do not
hold wall-clock limits)."""
import os
import re
import subprocess
import sys

import pytest

from kiosk import paths

BENCH = paths.ROOT / "bench"
SHARED = {"offscreen.py"}           # a module the scripts share, not a script
# script -> its arguments at a small size, and what its figures look like
SMALL = {
    "match.py": (["--sizes", "300", "--runs", "3", "--slow-runs", "2", "--cpu"],
                 r"weet-niet, nothing else, first screen\s+median\s+[\d.]+ ms\s+p95\s+[\d.]+ ms"),
    "refresh.py": (["--sizes", "200", "--repeat", "1"], r"\n\s+200\s+[\d.]+\s+[\d.]+\s+[\d.]+"),
    "soak.py": (["--visits", "2"], r"time per visit: median \d+ ms"),
    "monkey.py": (["--events", "150", "--warmup", "50"], r'"growth_mb": -?[\d.]+'),
    "startup.py": (["--runs", "1", "--sizes", "1080x1920", "--settle", "0.5"],
                   r"kiosk/bare: time [\d.]+x"),
    "neutrality.py": ([], r"\ncvo\s+\d+\s+[\d.]+"),
    "counsellor.py": (["--runs", "2"], r"booking page:\s+median [\d.]+ ms"),
    "site_refresh.py": (["--pages", "10", "--groups", "1", "--repeat", "1"],
                        r"ratio site unchanged / feed loaded: [\d.]+"),
}


def test_every_bench_script_has_a_small_run():
    scripts = {p.name for p in BENCH.glob("*.py")} - SHARED
    assert scripts == set(SMALL)


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
