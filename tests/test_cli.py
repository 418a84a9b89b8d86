import os
import signal
import socket
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
    """Up means the UI loop runs: the watchdog's READY=1, then two pings from that loop."""
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify"))
    notify.settimeout(1)
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_HOME=str(tmp_path / "kivy"),
               NOTIFY_SOCKET=str(tmp_path / "notify"), WATCHDOG_USEC="1000000")
    env.pop("WATCHDOG_PID", None)
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli.main", "run", "--size", "1080x1920"],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    messages, deadline = [], time.monotonic() + 120          # only a hang takes this long
    while time.monotonic() < deadline and proc.poll() is None and messages.count("WATCHDOG=1") < 2:
        try:
            messages.append(notify.recv(4096).decode())
        except TimeoutError:
            pass
    notify.close()
    assert proc.poll() is None, "the kiosk stopped by itself"
    proc.send_signal(signal.SIGTERM)
    _out, err = proc.communicate(timeout=30)
    assert messages[0].startswith("READY=1") and messages.count("WATCHDOG=1") == 2, messages
    assert (cache / "catalog.sqlite").exists(), "the sample catalog was not loaded"
    assert proc.returncode == 0 and "Traceback" not in err, err[-3000:]


def test_bad_config_is_one_clear_line(tmp_path, run_cli):
    bad = tmp_path / "site.toml"
    bad.write_text("[idle]\ntimeout_s = 'x'\n")
    proc = run_cli("--config", bad, "catalog", "status")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "timeout_s" in proc.stderr
