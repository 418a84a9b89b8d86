"""`kiosk install-service`: the unit it writes for this checkout verifies with systemd,
--dry-run prints exactly what would be written, the session recipe follows the account."""
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kiosk.site import service

ROOT = Path(__file__).resolve().parent.parent


def dry_run_files(text: str) -> dict[str, str]:
    """The files a --dry-run output shows, by path."""
    parts = re.split(r"^# ---- (\S+) \(mode \d+\)\n", text, flags=re.M)
    files = dict(zip(parts[1::2], parts[2::2]))
    last = list(files)[-1]
    files[last] = files[last].split("# ---- then run:")[0]
    return files


def verify_user_unit(tmp_path, text: str) -> subprocess.CompletedProcess:
    found = shutil.which("systemd-analyze")
    if found is None:
        pytest.fail("systemd-analyze is missing: scripts/setup --test installs systemd")
    unit = tmp_path / "units" / service.UNIT
    unit.parent.mkdir()
    unit.write_text(text, encoding="utf-8")
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), SYSTEMD_LOG_LEVEL="notice")
    return subprocess.run([found, "--user", "verify", str(unit)], capture_output=True,
                          text=True, env=env, timeout=120)


def test_dry_run_prints_a_unit_for_this_checkout_that_verifies(run_cli, tmp_path, monkeypatch):
    conf = tmp_path / "site.toml"
    conf.write_text('[site]\nname = "Leerwinkel Test"\n', encoding="utf-8")
    as_root = ["--user", "kiosk"] if os.geteuid() == 0 else []
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    started = time.time()
    ran = run_cli("--config", conf, "install-service", "--dry-run", *as_root)
    assert ran.returncode == 0, ran.stderr
    files = dry_run_files(ran.stdout)
    unit = next(text for path, text in files.items() if path.endswith(service.UNIT))
    kiosk = Path(sys.executable).parent / "kiosk"
    assert re.search(rf"^ExecStart={re.escape(str(kiosk))} run --kiosk$", unit, re.M)
    assert f"Environment=KIOSK_CONFIG={conf}\n" in unit
    assert f"Environment=KIOSK_CACHE_DIR={os.environ['KIOSK_CACHE_DIR']}\n" in unit
    assert f"ReadWritePaths={os.environ['KIOSK_CACHE_DIR']}\n" in unit
    assert f"Environment=KIVY_HOME={os.environ['KIOSK_CACHE_DIR']}/kivy\n" in unit
    assert "/opt/leerwinkel" not in unit and "/var/lib/leerwinkel" not in unit
    for line in ("Type=notify", "WatchdogSec=60", "Restart=always", "WantedBy="):
        assert line in unit
    proc = verify_user_unit(tmp_path, unit)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr
    assert "systemctl" in ran.stdout.split("# ---- then run:")[1]
    assert all(not Path(path).exists() or Path(path).stat().st_mtime < started
               for path in files), "a dry run wrote a file"


def test_a_broken_unit_would_be_caught(tmp_path):
    unit = service.unit_text(Path(sys.executable).parent / "kiosk", None, tmp_path)
    proc = verify_user_unit(tmp_path, unit.replace("Restart=always", "Restart=allways"))
    assert "allways" in proc.stderr


def test_as_a_normal_user_it_goes_to_the_users_own_systemd(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    todo = service.plan(None, tmp_path / "cache", as_root=False)
    assert [f.path for f in todo.files] == [tmp_path / "config/systemd/user" / service.UNIT]
    assert "KIOSK_CONFIG" not in todo.files[0].text      # no site config: the defaults
    assert todo.commands == [["systemctl", "--user", "daemon-reload"],
                             ["systemctl", "--user", "enable", service.UNIT]]
    with pytest.raises(service.ServiceError, match="as root"):
        service.plan(None, tmp_path, session="x11", as_root=False)


@pytest.mark.parametrize("session, script", [("x11", "/etc/leerwinkel/xinitrc"),
                                             ("wayland", "/etc/leerwinkel/cage-session")])
def test_as_root_the_session_recipe_logs_the_named_account_in(tmp_path, session, script):
    todo = service.plan(tmp_path / "site.toml", tmp_path / "cache", session=session,
                        user="kioskgent", as_root=True, dry_run=True)
    files = {str(f.path): f for f in todo.files}
    assert "/etc/systemd/user/leerwinkel-kiosk.service" in files
    autologin = files["/etc/systemd/system/getty@tty1.service.d/autologin.conf"].text
    assert "--autologin kioskgent " in autologin
    assert files[script].mode == 0o755
    profile = next(f for path, f in files.items() if path.endswith("/.bash_profile"))
    assert script in profile.text
    assert ["systemctl", "enable", "getty@tty1.service"] in todo.commands
    with pytest.raises(service.ServiceError, match="--user"):
        service.plan(None, tmp_path, session=session, user=None, as_root=True)


def test_paths_systemd_would_split_or_expand_are_refused(tmp_path):
    with pytest.raises(service.ServiceError, match="spaces"):
        service.plan(tmp_path / "my site.toml", tmp_path, as_root=False)
    with pytest.raises(service.ServiceError, match="characters"):
        service.plan(None, tmp_path / "cache$HOME", as_root=False)


def test_apply_writes_the_files_then_runs_the_commands(tmp_path):
    target = tmp_path / "user" / service.UNIT
    todo = service.Plan([service.File(target, "[Unit]\n", 0o640)],
                        [["sh", "-c", f"test -f {target}"]])
    service.apply(todo)
    assert target.read_text() == "[Unit]\n" and target.stat().st_mode & 0o777 == 0o640
    failing = service.Plan([], [["sh", "-c", "echo 'no user manager' >&2; exit 1"]])
    with pytest.raises(service.ServiceError, match="no user manager"):
        service.apply(failing)


# ---------------------------------------------------------------- the log in the journal

def test_a_warning_of_the_running_kiosk_reaches_standard_error_as_the_journal_reads_it(
        tmp_path):
    """`kiosk run` off screen, its standard error a file named by JOURNAL_STREAM the way
    systemd names the journal's stream: the kiosk's warning (its figures cannot be
    written) arrives there with journald's priority prefix, level and logger."""
    import socket
    conf = tmp_path / "site.toml"
    conf.write_text('[health]\nmetrics_file = "/dev/null/kiosk.prom"\n', encoding="utf-8")
    sock_path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(1)
    err_file = tmp_path / "stderr"
    with err_file.open("wb") as err:
        stat = os.fstat(err.fileno())
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KIVY_", "KCFG_"))}
        env.update(SDL_VIDEODRIVER="offscreen", KIVY_HOME=str(tmp_path / "kivy"),
                   KIOSK_CACHE_DIR=str(tmp_path / "cache"), KIOSK_CONFIG=str(conf),
                   NOTIFY_SOCKET=sock_path, JOURNAL_STREAM=f"{stat.st_dev}:{stat.st_ino}")
        proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli.main", "run", "--size",
                                 "480x800"], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                                stderr=err)
        try:
            ready, warned, deadline = False, False, time.monotonic() + 180
            while not warned and proc.poll() is None and time.monotonic() < deadline:
                try:
                    ready = ready or sock.recv(4096).startswith(b"READY=1")
                except TimeoutError:
                    pass
                warned = b"Health figures not written" in err_file.read_bytes()
        finally:
            proc.terminate()
            code = proc.wait(timeout=60)
    sock.close()
    text = err_file.read_text(encoding="utf-8")
    assert ready and warned, text[-3000:]
    assert code == 0, text[-3000:]
    line = next(x for x in text.splitlines() if "Health figures not written" in x)
    assert line.startswith("<4>WARNING kiosk: Health figures not written to "
                           "/dev/null/kiosk.prom: "), line
    assert "Traceback" not in text
    assert not (tmp_path / "kivy" / "logs").exists() or not any((tmp_path / "kivy" / "logs")
                                                               .iterdir())


# ---------------------------------------------------------------- an update's switch and rollback
# deploy/update/leerwinkel-activate runs for real (sh, timeout, ln); systemd's
# user manager cannot run here, so `systemctl` is a stand-in that logs its calls and
# starts only releases whose kiosk command works, and each release's `kiosk` is a script.
ACTIVATE = ROOT / "deploy" / "update" / "leerwinkel-activate"
STAND_IN_SYSTEMCTL = """#!/bin/sh
echo "$*" >> "$LOG"
case "$*" in
  *restart*) [ "$(cat "$KIOSK_HOME/current/starts")" = yes ] ;;
  *) exit 0 ;;
esac
"""


def release(home: Path, name: str, doctor_ok=True, starts=True) -> Path:
    folder = home / "releases" / name
    (folder / "bin").mkdir(parents=True)
    kiosk = folder / "bin" / "kiosk"
    kiosk.write_text(f"#!/bin/sh\necho \"{name} $*\" >> \"$LOG\"\nexit {0 if doctor_ok else 1}\n")
    kiosk.chmod(0o755)
    (folder / "starts").write_text("yes" if starts else "no")
    return folder


def activate(tmp_path, *args) -> tuple[subprocess.CompletedProcess, dict]:
    import pwd
    home, log = tmp_path / "opt", tmp_path / "log"
    systemctl = tmp_path / "systemctl"
    systemctl.write_text(STAND_IN_SYSTEMCTL)
    systemctl.chmod(0o755)
    user = pwd.getpwuid(os.getuid()).pw_name
    runtime = tmp_path / "run-user"
    (runtime / str(os.getuid()) / "systemd").mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, KIOSK_HOME=str(home), KIOSK_USER=user, LOG=str(log),
               METRICS_DIR=str(tmp_path / "metrics"), SYSTEMCTL=str(systemctl),
               XDG_RUNTIME_BASE=str(runtime), MAINTENANCE=str(tmp_path / "maintenance"),
               READY_TIMEOUT_S="20")
    proc = subprocess.run(["sh", str(ACTIVATE), *args], env=env, capture_output=True, text=True,
                          timeout=120)
    figures = {}
    prom = tmp_path / "metrics" / "kiosk_update.prom"
    if prom.exists():
        from prometheus_client.parser import text_string_to_metric_families
        for family in text_string_to_metric_families(prom.read_text()):
            for sample in family.samples:
                figures[sample.name] = (sample.value, dict(sample.labels))
    return proc, figures


def test_an_update_is_checked_started_or_rolled_back(tmp_path):
    home = tmp_path / "opt"
    old = release(home, "v1.0.0-aaa")
    (home / "current").symlink_to(old)
    log = tmp_path / "log"

    # a release doctor finds broken never becomes current
    broken = release(home, "v1.1.0-bbb", doctor_ok=False)
    proc, figures = activate(tmp_path, str(broken))
    assert proc.returncode == 1 and (home / "current").resolve() == old
    assert figures["kiosk_update_last_success"][0] == 0
    assert figures["kiosk_update_last_info"][1]["failed_step"] == "doctor"
    assert "restart" not in log.read_text()

    # a release that does not reach READY is replaced by the previous one, restarted
    stuck = release(home, "v1.2.0-ccc", starts=False)
    proc, figures = activate(tmp_path, str(stuck))
    assert proc.returncode == 1 and (home / "current").resolve() == old
    assert log.read_text().count("restart leerwinkel-kiosk.service") == 2
    assert figures["kiosk_update_last_info"][1] == {"release": "v1.2.0-ccc",
                                                   "failed_step": "start"}
    assert "kiosk_update_last_success_timestamp_seconds" not in figures

    # a good release: doctor, switch, restart until READY
    good = release(home, "v1.3.0-ddd")
    proc, figures = activate(tmp_path, str(good))
    assert proc.returncode == 0, proc.stderr
    assert (home / "current").resolve() == good
    assert "v1.3.0-ddd doctor" in log.read_text()
    assert figures["kiosk_update_last_success"][0] == 1
    succeeded_at = figures["kiosk_update_last_success_timestamp_seconds"][0]
    assert abs(succeeded_at - time.time()) < 300

    # a failure of the run itself (git, apt...) is reported, the last success kept
    proc, figures = activate(tmp_path, "--failed", "update")
    assert proc.returncode == 0
    assert figures["kiosk_update_last_success"][0] == 0
    assert figures["kiosk_update_last_success_timestamp_seconds"][0] == succeeded_at
    assert figures["kiosk_update_last_info"][1] == {"release": "v1.3.0-ddd",
                                                   "failed_step": "update"}


def test_during_maintenance_an_update_does_not_start_the_kiosk(tmp_path):
    home = tmp_path / "opt"
    (tmp_path / "maintenance").touch()
    good = release(home, "v1.3.0-ddd")
    proc, figures = activate(tmp_path, str(good))
    assert proc.returncode == 0 and (home / "current").resolve() == good
    assert "restart" not in (tmp_path / "log").read_text()
    assert figures["kiosk_update_last_success"][0] == 1
