"""deploy/: the systemd units verify, the playbook and its templates make a valid site,
and the dashboard asks only for figures the kiosk writes."""
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from kiosk import paths
from kiosk.catalog import pipeline
from kiosk.site import config, doctor, metrics, stats

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = DEPLOY / "systemd"


def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        pytest.fail("systemd-analyze is missing: scripts/setup --test installs systemd")
    return found


def runnable_copy(unit: Path, folder: Path) -> Path:
    """The unit with commands that exist only on a kiosk replaced by ones that exist here
    (verify checks that every ExecStart is executable)."""
    kiosk = shutil.which("kiosk") or str(ROOT / ".venv" / "bin" / "kiosk")
    text = unit.read_text(encoding="utf-8")
    text = text.replace("/opt/leerwinkel/current/bin/kiosk", kiosk)
    text = text.replace("/usr/bin/ansible-pull", shutil.which("true"))
    text = text.replace("/usr/local/sbin/leerwinkel-activate", shutil.which("true"))
    out = folder / unit.name
    out.write_text(text, encoding="utf-8")
    return out


def verify(tmp_path, *units: Path, user: bool = False) -> subprocess.CompletedProcess:
    runtime = tmp_path / "runtime"
    runtime.mkdir(exist_ok=True, mode=0o700)
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime), SYSTEMD_LOG_LEVEL="notice")
    copies = [str(runnable_copy(u, tmp_path)) for u in units]
    return subprocess.run([systemd_analyze(), *(["--user"] if user else []), "verify",
                           *copies], capture_output=True, text=True, env=env, timeout=120)


def test_kiosk_unit_verifies_and_is_watched(tmp_path):
    unit = UNITS / "leerwinkel-kiosk.service"
    proc = verify(tmp_path, unit, user=True)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr
    text = unit.read_text()
    for line in ("Type=notify", "Restart=always", "StandardOutput=journal"):
        assert re.search(rf"^{line}$", text, re.M), line
    assert re.search(r"^WatchdogSec=\d+$", text, re.M)
    assert re.search(r"^ExecStart=\S+/kiosk run --kiosk$", text, re.M)


def test_update_units_verify(tmp_path):
    proc = verify(tmp_path, UNITS / "leerwinkel-update.service",
                  UNITS / "leerwinkel-update-failed.service", UNITS / "leerwinkel-update.timer")
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr


def exposure(tmp_path, unit: Path) -> float:
    """systemd-analyze security's overall exposure of the unit (0 safe .. 10 unsafe)."""
    copy = runnable_copy(unit, tmp_path)
    proc = subprocess.run([systemd_analyze(), "security", "--offline=true", copy.name],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, SYSTEMD_LOG_LEVEL="notice"))
    found = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", proc.stdout)
    assert found, proc.stdout[-2000:] + proc.stderr[-2000:]
    return float(found.group(1))


@pytest.mark.parametrize("unit, limit", [("leerwinkel-kiosk.service", 5.0),
                                         ("leerwinkel-update.service", 3.0),
                                         ("leerwinkel-update-failed.service", 3.0)])
def test_units_are_sandboxed(tmp_path, unit, limit):
    assert exposure(tmp_path, UNITS / unit) <= limit


def test_an_unsandboxed_unit_scores_unsafe(tmp_path):
    bare = tmp_path / "src" / "leerwinkel-kiosk.service"
    bare.parent.mkdir()
    text = (UNITS / "leerwinkel-kiosk.service").read_text()
    bare.write_text(text.split("NoNewPrivileges=yes")[0] + "[Install]\nWantedBy=default.target\n")
    assert exposure(tmp_path, bare) > 9


def unit_value(unit: str, key: str) -> str:
    found = re.findall(rf"^{key}=(.*)$", (UNITS / unit).read_text(encoding="utf-8"), re.M)
    assert len(found) == 1, (unit, key, found)
    return found[0]


def seconds(value: str) -> int:
    return int(value[:-3]) * 60 if value.endswith("min") else int(value)


def test_time_limits_fit_the_download_deadline_and_failures_are_reported():
    deadline = config.Config().catalog.download_deadline_s
    assert seconds(unit_value("leerwinkel-kiosk.service", "TimeoutStartSec")) > deadline
    update = seconds(unit_value("leerwinkel-update.service", "TimeoutStartSec"))
    assert update >= 2 * deadline + 600       # doctor and READY, each up to the deadline
    assert unit_value("leerwinkel-update.service", "OnFailure") == \
        "leerwinkel-update-failed.service"
    assert "leerwinkel-activate --failed" in unit_value("leerwinkel-update-failed.service",
                                                        "ExecStart")


def test_staff_can_stop_the_kiosk_for_maintenance():
    flag = unit_value("leerwinkel-kiosk.service", "ConditionPathExists")
    assert flag == "!/etc/leerwinkel/maintenance"
    guide = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert "touch /etc/leerwinkel/maintenance" in guide
    assert "rm /etc/leerwinkel/maintenance" in guide


def test_a_broken_unit_is_caught(tmp_path):
    bad = tmp_path / "src" / "leerwinkel-kiosk.service"
    bad.parent.mkdir()
    bad.write_text((UNITS / "leerwinkel-kiosk.service").read_text()
                   .replace("Type=notify", "Type=notfy"))
    proc = verify(tmp_path, bad, user=True)
    assert "notfy" in proc.stderr


@pytest.mark.parametrize("script, shell", [("session/xinitrc", "sh"), ("kiosk-command", "sh"),
                                           ("session/bash_profile", "bash"),
                                           ("session/cage-session", "sh"),
                                           ("session/cage-bash_profile", "bash")])
def test_session_scripts_parse(script, shell):
    proc = subprocess.run([shell, "-n", str(DEPLOY / script)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_both_sessions_start_the_watched_service_and_the_x_server_keeps_the_keys():
    for script in ("session/xinitrc", "session/cage-session"):
        text = (DEPLOY / script).read_text(encoding="utf-8")
        assert "systemctl --user restart leerwinkel-kiosk.service" in text, script
        assert "import-environment" in text and "DISPLAY" in text, script
    assert re.search(r"^\s*exec cage -d \$turn -- /etc/leerwinkel/cage-session",
                     (DEPLOY / "session/cage-bash_profile").read_text(), re.M)
    xorg = (DEPLOY / "session/10-leerwinkel-noblank.conf").read_text()
    assert 'Option "DontVTSwitch" "true"' in xorg and 'Option "DontZap"      "true"' in xorg


# ---------------------------------------------------------------- ansible-pull
# The playbook cannot run for real here (it would turn this machine into a kiosk): ansible
# itself checks its syntax and renders its templates; its structure is checked below.
PLAYBOOK = DEPLOY / "ansible" / "kiosk.yml"


def ansible_tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    if not Path(found).exists():
        pytest.fail(f"{name} is missing: pip install -e '.[test]' installs ansible-core")
    return found


def playbook():
    plays = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    assert isinstance(plays, list) and plays[0]["hosts"] == "localhost"
    return plays[0]


def all_tasks(play) -> list[dict]:
    out = []
    for task in play["tasks"] + play.get("handlers", []):
        out += [*task.get("block", []), *task.get("rescue", [])] if "block" in task else [task]
    return out


def module_of(task: dict):
    return next((k, v) for k, v in task.items() if k.startswith("ansible.builtin."))


def test_playbook_syntax_as_ansible_reads_it():
    proc = subprocess.run([ansible_tool("ansible-playbook"), "--syntax-check", "-i",
                           "localhost,", str(PLAYBOOK)], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]


def test_playbook_files_exist_and_a_second_run_changes_nothing():
    play = playbook()
    tasks = all_tasks(play)
    notified = {t["notify"] for t in tasks if t.get("notify")}
    assert notified <= {h["name"] for h in play["handlers"]}
    sources = []
    for task in tasks:
        name, module = module_of(task)
        # never silent: no ignored failures
        assert task.get("failed_when") not in (False, "false") and "ignore_errors" not in task
        if name.endswith(("command", "shell")):
            args = module if isinstance(module, dict) else {}
            # a command runs once (creates), only when something changed (when), or says
            # itself whether it changed anything
            assert "creates" in args or "when" in task or "changed_when" in task, task["name"]
        items = task.get("loop") if isinstance(task.get("loop"), list) else [{}]
        for item in items:
            src = module.get("src") if isinstance(module, dict) else None
            if src:
                for key, value in (item.items() if isinstance(item, dict) else []):
                    src = src.replace(f"{{{{ item.{key} }}}}", str(value))
                sources.append(src.replace("{{ item }}", str(item)))
    assert len(sources) >= 10
    for src in sources:
        path = src.replace("{{ deploy }}", str(DEPLOY))
        if not path.startswith("/"):
            path = str(DEPLOY / "ansible" / path)
        assert Path(path).is_file(), src
    names = " ".join(t["name"] for t in tasks)
    assert "restart kiosk" not in names            # restarts only through leerwinkel-activate
    apt = module_of(tasks[0])[1]
    assert {"xinput", "x11-xserver-utils", "python3-venv"} <= set(apt["name"])
    rescue = play["tasks"][0]["rescue"]
    assert "--failed" in module_of(rescue[0])[1]["argv"]


def test_the_release_is_installed_from_the_lock_with_hashes():
    script = (DEPLOY / "update" / "leerwinkel-install-release").read_text(encoding="utf-8")
    assert script.count("--require-hashes") == 2 and "--no-deps" in script
    lock = (DEPLOY / "requirements.lock").read_text(encoding="utf-8")
    pinned = re.findall(r"^([a-z0-9._-]+)==\S+ \\$", lock, re.M)
    assert {"kivy", "requests", "prometheus-client", "sdnotify"} <= set(pinned)
    assert lock.count("--hash=sha256:") >= len(pinned)
    guide = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert "scripts/lock-dependencies" in guide


SITE_EXTRA = {
    "kiosk_catalog_sources": [{"name": "CVO Gent", "kind": "feed",
                               "url": "https://cvo.example/feed.json", "providers": ["cvo-gent"]}],
    "kiosk_booking_previous_secrets": ["old-secret-0123456789-abcdefghijkl"],
    "kiosk_display": {"output": "HDMI-1", "rotation": "left", "touchscreen": "ILITEK 'TP'"},
    "kiosk_idle": {"timeout_s": 90, "warning_s": 30, "reading_timeout_s": 150},
    "kiosk_screen": {"top_edge_m": 1.8, "diagonal_in": 43.0},
    "kiosk_config_extra": {"catalog": {"max_shrink": 0.3}, "staff": {"lock_after_s": 120}},
    "kiosk_site_name": 'Leerwinkel "Zuid" – ليرفينكل',
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    """The playbook's templates rendered by ansible itself, with the example site's
    variables plus SITE_EXTRA (the defaults come from the playbook's vars file)."""
    out = tmp_path_factory.mktemp("rendered")
    templates = {"site.toml": DEPLOY / "ansible/templates/site.toml.j2",
                 "display.env": DEPLOY / "ansible/templates/display.env.j2",
                 "agent.yml": DEPLOY / "prometheus/agent.yml.j2"}
    play = [{"hosts": "localhost", "connection": "local", "gather_facts": False,
             "vars_files": [str(DEPLOY / "ansible/vars/defaults.yml")],
             "vars": {"ansible_hostname": "testhost"},
             "tasks": [{"ansible.builtin.template": {"src": str(src), "dest": str(out / name)}}
                       for name, src in templates.items()]}]
    (out / "play.yml").write_text(yaml.safe_dump(play), encoding="utf-8")
    (out / "extra.yml").write_text(yaml.safe_dump(SITE_EXTRA, allow_unicode=True), "utf-8")
    proc = subprocess.run([ansible_tool("ansible-playbook"), "-i", "localhost,",
                           "-e", f"ansible_python_interpreter={sys.executable}",
                           "-e", f"@{DEPLOY / 'site-vars.example.yml'}",
                           "-e", f"@{out / 'extra.yml'}", str(out / "play.yml")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    return out


def test_every_site_setting_is_a_site_variable(rendered):
    cfg = config.load(rendered / "site.toml")
    example = yaml.safe_load((DEPLOY / "site-vars.example.yml").read_text(encoding="utf-8"))
    assert cfg.site.name == SITE_EXTRA["kiosk_site_name"]
    assert cfg.site.open == example["kiosk_open"]
    assert cfg.booking.secret == example["kiosk_booking_secret"]
    assert cfg.booking.previous_secrets == SITE_EXTRA["kiosk_booking_previous_secrets"]
    assert [s["name"] for s in cfg.catalog.sources] == ["CVO Gent"]
    assert (cfg.idle.timeout_s, cfg.idle.warning_s, cfg.idle.reading_timeout_s) == (90, 30, 150)
    assert (cfg.screen.top_edge_m, cfg.screen.diagonal_in) == (1.8, 43.0)
    assert cfg.catalog.max_shrink == 0.3 and cfg.staff.lock_after_s == 120
    assert cfg.health.metrics_file == "/var/lib/leerwinkel/metrics/kiosk.prom"
    shown = subprocess.run(["sh", "-c", f". {rendered / 'display.env'} && "
                            'printf "%s|%s|%s" "$KIOSK_OUTPUT" "$KIOSK_ROTATION" '
                            '"$KIOSK_TOUCHSCREEN"'], capture_output=True, text=True)
    assert shown.stdout == "HDMI-1|left|ILITEK 'TP'"


def test_the_session_applies_rotation_and_touch_mapping_and_keeps_local_tweaks():
    xinitrc = (DEPLOY / "session/xinitrc").read_text(encoding="utf-8")
    assert ". /etc/leerwinkel/display.env" in xinitrc
    assert 'xrandr --output "$output" --rotate "$KIOSK_ROTATION"' in xinitrc
    assert 'xinput map-to-output "$KIOSK_TOUCHSCREEN" "$output"' in xinitrc
    assert ". /etc/leerwinkel/xinitrc.local" in xinitrc
    tasks = all_tasks(playbook())
    written = [str(m.get("dest", "")) for t in tasks if isinstance(m := module_of(t)[1], dict)]
    written += [str(i.get("dest", "")) for t in tasks for i in t.get("loop", [])
                if isinstance(i, dict)]
    assert not any("xinitrc.local" in d or "site-vars" in d for d in written)


def promtool() -> str:
    found = shutil.which("promtool")
    if found is None:
        pytest.fail("promtool is missing: scripts/setup --test installs Debian's prometheus")
    return found


def test_agent_config_sends_out_with_site_labels(rendered):
    agent = yaml.safe_load((rendered / "agent.yml").read_text(encoding="utf-8"))
    assert agent["global"]["external_labels"] == {"site": SITE_EXTRA["kiosk_site_name"],
                                                  "kiosk": "gent-krook-1"}
    assert agent["remote_write"][0]["url"].startswith("https://")
    assert agent["scrape_configs"][0]["static_configs"][0]["targets"] == ["127.0.0.1:9100"]
    keep = agent["remote_write"][0]["write_relabel_configs"][0]["regex"]
    for name in ("kiosk_visits_total", "node_filesystem_size_bytes", "node_textfile_scrape_error"):
        assert re.fullmatch(keep, name)
    proc = subprocess.run([promtool(), "check", "config", "--agent", str(rendered / "agent.yml")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# ---------------------------------------------------------------- Grafana

def written_metric_names(tmp_path) -> set[str]:
    assert pipeline.refresh(config.Config(), str(paths.SAMPLE_CATALOG), tmp_path).ok
    yesterday = date.today() - timedelta(days=1)      # kiosk.prom counts whole days only
    stats.count_all([("visit", ""), ("goal", "digitaal"), ("language", "nl")], tmp_path,
                    day=yesterday)
    metrics.record_doctor([doctor.Finding("fonts", doctor.WARNING, "")], tmp_path)
    text = metrics.write(config.Config(), tmp_path).read_text()
    return set(re.findall(r"^(kiosk_\w+?)(?:\{| )", text, re.M))


def test_dashboard_parses_and_asks_only_for_written_figures(tmp_path):
    dash = json.loads((DEPLOY / "grafana" / "leerwinkel-kiosks.json").read_text("utf-8"))
    titles = " | ".join(p["title"] for p in dash["panels"])
    for wanted in ("Kiosks up", "Stale catalogs", "Visits per week per site", "Goals",
                   "Languages"):
        assert wanted in titles
    written = written_metric_names(tmp_path)
    # the update's own figures (deploy/update/leerwinkel-activate)
    written |= set(re.findall(r"\b(kiosk_update_\w+?)[ {]",
                              (DEPLOY / "update" / "leerwinkel-activate").read_text()))
    agent = (DEPLOY / "prometheus" / "agent.yml.j2").read_text(encoding="utf-8")
    sent = re.search(r'regex: "(.*)"', agent).group(1)
    for p in dash["panels"]:
        for target in p["targets"]:
            for name in re.findall(r"\bkiosk_\w+", target["expr"]):
                assert name in written, (p["title"], name)
            for name in re.findall(r"\b(?:kiosk|node)_\w+", target["expr"]):
                assert re.fullmatch(sent, name), (p["title"], name, "not sent by the agent")


def test_dashboard_asks_for_its_data_source_and_shows_the_fleet():
    dash = json.loads((DEPLOY / "grafana" / "leerwinkel-kiosks.json").read_text("utf-8"))
    assert [i["pluginId"] for i in dash["__inputs"]] == ["prometheus"]
    name = dash["__inputs"][0]["name"]
    source = next(v for v in dash["templating"]["list"] if v["type"] == "datasource")
    assert source["current"]["value"] == f"${{{name}}}"
    exprs = {p["title"]: " ".join(t["expr"] for t in p["targets"]) for p in dash["panels"]}
    wanted = {"kiosk_build_info": "version", "kiosk_starts_total": "Restarts",
              "kiosk_update_last_success": "update", "node_textfile_scrape_error": "node exporter",
              "kiosk_doctor_level": "Doctor"}
    for figure, title_word in wanted.items():
        assert any(figure in e and title_word.lower() in t.lower() for t, e in exprs.items()), figure


def test_dashboard_shows_small_counts_as_less_than_five():
    dash = json.loads((DEPLOY / "grafana" / "leerwinkel-kiosks.json").read_text("utf-8"))
    for p in dash["panels"]:
        if re.search(r"Visits|Goals|Languages|bookings", p["title"]):
            texts = [m["options"]["result"]["text"]
                     for m in p["fieldConfig"]["defaults"]["mappings"]]
            assert texts == ["<5"], p["title"]


def test_readme_points_to_the_deploy_guide_and_the_doctor():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Running unattended" in readme and "(deploy/README.md)" in readme
    assert "`kiosk doctor`" in readme and "`kiosk doctor [--json]`" in readme


def test_counsellor_units_verify_and_the_page_runs_confined(tmp_path):
    units = [UNITS / name for name in ("leerwinkel-counsellor.service",
                                       "leerwinkel-counsellor-catalog.service",
                                       "leerwinkel-counsellor-catalog.timer")]
    proc = verify(tmp_path, *units)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr
    text = units[0].read_text()
    assert re.search(r"^ExecStart=\S+/kiosk counsellor serve --host 127\.0\.0\.1$", text, re.M)
    copy = runnable_copy(units[0], tmp_path)
    exposure = subprocess.run([systemd_analyze(), "security", "--offline=true", str(copy)],
                              capture_output=True, text=True, timeout=120)
    score = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", exposure.stdout)
    assert score and float(score.group(1)) <= 2.0, exposure.stdout[-2000:]
