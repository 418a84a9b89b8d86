import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from kiosk.cli import main as cli

ROOT = Path(__file__).resolve().parent.parent


def test_every_command_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = dict(cli.commands())
    assert ("catalog", "refresh") in found and ("handoff", "show") in found
    for command in found:
        assert f"`kiosk {' '.join(command)}" in readme, command


def test_every_command_runs_its_own_function(monkeypatch):
    """Each command line reaches the function registered for it, and no other."""
    called = []
    for words, func in cli.commands():
        module = __import__(func.__module__, fromlist=[func.__name__])
        monkeypatch.setattr(module, func.__name__, lambda cfg, args, w=words: called.append(w) or 0)
    for words, _func in list(cli.commands()):
        args = {("match",): ["--answers", "-"], ("booking-url",): ["--answers", "-"],
                ("handoff", "show"): ["x"], ("catalog", "import-csv"): ["f", "--out", "o"],
                ("catalog", "check"): ["f"], ("counsellor", "add-user"): ["an"]}.get(words, [])
        assert cli.main([*words, *args]) == 0
        assert called[-1] == words


def test_kiosk_run_starts_on_the_sample_catalog_without_a_traceback(tmp_path, cache):
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_HOME=str(tmp_path / "kivy"))
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli.main", "run", "--size", "1080x1920"],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (cache / "catalog.sqlite").exists():
        time.sleep(0.5)
    time.sleep(3)
    assert proc.poll() is None, "the kiosk stopped by itself"
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=30)
    assert (cache / "catalog.sqlite").exists(), "the sample catalog was not loaded"
    assert proc.returncode == 0 and "Traceback" not in err, err[-3000:]


def test_bad_config_is_one_clear_line(tmp_path, run_cli):
    bad = tmp_path / "site.toml"
    bad.write_text("[idle]\ntimeout_s = 'x'\n")
    proc = run_cli("--config", bad, "catalog", "status")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "timeout_s" in proc.stderr
