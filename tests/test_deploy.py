"""deploy/: the systemd units verify, the playbook and its templates make a valid site,
and the dashboard asks only for figures the kiosk writes."""
import json
import os
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import jinja2
import pytest
import yaml

from kiosk import paths
from kiosk.catalog import pipeline
from kiosk.site import config, metrics, stats

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
    text = text.replace("/opt/leerwinkel/.venv/bin/kiosk", kiosk)
    text = text.replace("/usr/bin/ansible-pull", shutil.which("true"))
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
                  UNITS / "leerwinkel-update.timer")
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr


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
    assert re.search(r"^\s*exec cage -d -- /etc/leerwinkel/cage-session",
                     (DEPLOY / "session/cage-bash_profile").read_text(), re.M)
    xorg = (DEPLOY / "session/10-leerwinkel-noblank.conf").read_text()
    assert 'Option "DontVTSwitch" "true"' in xorg and 'Option "DontZap"      "true"' in xorg


# ---------------------------------------------------------------- ansible-pull

def playbook():
    plays = yaml.safe_load((DEPLOY / "ansible" / "kiosk.yml").read_text(encoding="utf-8"))
    assert isinstance(plays, list) and plays[0]["hosts"] == "localhost"
    return plays[0]


def test_playbook_is_valid_yaml_and_its_files_exist():
    play = playbook()
    assert {"tasks", "handlers", "vars"} <= set(play)
    notified = {n for task in play["tasks"] for n in [task.get("notify")] if n}
    assert notified <= {h["name"] for h in play["handlers"]}
    sources = []
    for task in play["tasks"]:
        module = next(v for k, v in task.items() if k.startswith("ansible.builtin."))
        items = task.get("loop") if isinstance(task.get("loop"), list) else [{}]
        for item in items:
            src = module.get("src") if isinstance(module, dict) else None
            if src:
                sources.append(src.replace("{{ item.src }}", str(item.get("src", ""))))
    assert len(sources) >= 8
    for src in sources:
        path = src.replace("{{ deploy }}", str(DEPLOY)).replace("{{ playbook_dir }}",
                                                                 str(DEPLOY / "ansible"))
        if not path.startswith("/"):
            path = str(DEPLOY / "ansible" / path)
        assert Path(path).is_file(), src


def render(template: Path, site_vars: dict) -> str:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.filters["to_json"] = json.dumps
    return env.from_string(template.read_text(encoding="utf-8")).render(site_vars)


def example_vars() -> dict:
    values = dict(playbook()["vars"])
    values.update(yaml.safe_load((DEPLOY / "site-vars.example.yml").read_text(encoding="utf-8")))
    values["kiosk_id"] = "gent-krook-1"
    return values


def test_site_config_template_makes_a_valid_config(tmp_path):
    site_vars = example_vars()
    site_vars["kiosk_site_name"] = 'Leerwinkel "Zuid" – ليرفينكل'
    path = tmp_path / "site.toml"
    path.write_text(render(DEPLOY / "ansible" / "templates" / "site.toml.j2", site_vars))
    cfg = config.load(path)
    assert cfg.site.name == site_vars["kiosk_site_name"]
    assert cfg.site.languages == site_vars["kiosk_languages"]
    assert cfg.booking.secret == site_vars["kiosk_booking_secret"]
    assert cfg.health.metrics_file == "/var/lib/leerwinkel/metrics/kiosk.prom"


def test_agent_config_sends_out_with_site_labels():
    agent = yaml.safe_load(render(DEPLOY / "prometheus" / "agent.yml.j2", example_vars()))
    assert agent["global"]["external_labels"] == {"site": example_vars()["kiosk_site_name"],
                                                  "kiosk": "gent-krook-1"}
    assert agent["remote_write"][0]["url"].startswith("https://")
    assert agent["scrape_configs"][0]["static_configs"][0]["targets"] == ["127.0.0.1:9100"]
    keep = agent["remote_write"][0]["write_relabel_configs"][0]["regex"]
    assert re.fullmatch(keep, "kiosk_visits_total")


# ---------------------------------------------------------------- Grafana

def written_metric_names(tmp_path) -> set[str]:
    assert pipeline.refresh(config.Config(), str(paths.SAMPLE_CATALOG), tmp_path).ok
    yesterday = date.today() - timedelta(days=1)      # kiosk.prom counts whole days only
    stats.count_all([("visit", ""), ("goal", "digitaal"), ("language", "nl")], tmp_path,
                    day=yesterday)
    text = metrics.write(config.Config(), tmp_path).read_text()
    return set(re.findall(r"^(kiosk_\w+?)(?:\{| )", text, re.M))


def test_dashboard_parses_and_asks_only_for_written_figures(tmp_path):
    dash = json.loads((DEPLOY / "grafana" / "leerwinkel-kiosks.json").read_text("utf-8"))
    titles = " | ".join(p["title"] for p in dash["panels"])
    for wanted in ("Kiosks up", "Stale catalogs", "Visits per week per site", "Goals",
                   "Languages"):
        assert wanted in titles
    written = written_metric_names(tmp_path)
    for p in dash["panels"]:
        for target in p["targets"]:
            for name in re.findall(r"\bkiosk_\w+", target["expr"]):
                assert name in written, (p["title"], name)


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
