"""A refresh in a child process with a memory cap (catalog.max_memory_mb), so that no
feed can take the kiosk down: the kiosk waits for the child's report, and when the child
dies (out of memory, killed, crashed) the failure is recorded in the state file like any
failed refresh, so `kiosk catalog status` and the staff screen show it.

The child is `python -m kiosk.cli.children refresh`; it reads the site config as JSON on stdin and
writes one JSON object a line on stdout: progress, then the report.
"""
from __future__ import annotations

import dataclasses
import datetime
import json
import resource
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from kiosk import clock, paths
from kiosk.catalog import store
from kiosk.catalog.report import KEPT, Progress, Report
from kiosk.site import config as config_mod

MB = 1024 * 1024


def refresh_in_child(cfg, source: str | None = None, cache_dir: Path | None = None,
                     progress: Progress | None = None, allow_shrink: bool = False) -> Report:
    """feed.refresh in a child process capped at catalog.max_memory_mb; never raises."""
    settings = {k: v for k, v in dataclasses.asdict(cfg).items() if k != "path"}
    job = {"config": settings, "source": source, "allow_shrink": allow_shrink,
           "cache_dir": str(paths.cache_dir(cache_dir)), "today": clock.today().isoformat()}
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli.children", "refresh"], cwd=paths.ROOT,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors)
        proc.stdin.write(json.dumps(job).encode())
        proc.stdin.close()
        report = _follow(proc.stdout, progress)
        code = proc.wait()
        errors.seek(0)
        last_error = errors.read()[-4000:].decode("utf-8", "replace")
    if report is None:
        report = _died(cfg, code, last_error, cache_dir)
    return report


def _follow(lines, progress: Progress | None) -> Report | None:
    """Pass the child's progress on; its report, or None when it sent none."""
    report = None
    for line in lines:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if "progress" in message and progress:
            progress(float(message["progress"]), str(message["label"]))
        elif "report" in message:
            fields = message["report"]
            fields["rejected"] = [tuple(pair) for pair in fields.get("rejected", [])]
            report = Report(**fields)
    return report


def _died(cfg, code: int, last_error: str, cache_dir: Path | None) -> Report:
    """The report of a child that ended without one, recorded as a failed refresh."""
    limit = f"{cfg.catalog.max_memory_mb} MB of memory (limit catalog.max_memory_mb)"
    if "MemoryError" in last_error or code == -signal.SIGKILL:
        why = f"it needed more than {limit}"
    elif code == -signal.SIGSEGV:      # a C library failing to allocate under the cap
        why = f"it crashed, most likely for needing more than {limit}"
    elif code < 0:
        why = f"it was stopped (signal {-code})"
    else:
        why = f"it ended with an error (exit code {code})"
    report = Report(message=f"The refresh stopped before the end: {why}. {KEPT}")
    try:
        cache = store.cache_folder(cache_dir)
        store.write_state(cache, last_attempt_at=store.now(), last_ok=False,
                          last_message=report.message)
    except OSError:
        pass
    return report


def _send(message: dict) -> None:
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def run_job(job: dict) -> int:
    """The child's side: run the refresh `job` (from refresh_in_child), report on stdout."""
    cfg = config_mod.from_table(job["config"])
    today = datetime.date.fromisoformat(job["today"])
    clock.today = lambda: today              # the kiosk's day: the same rules as its own
    cap = cfg.catalog.max_memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))     # no core file of a crash under the cap
    from kiosk.catalog.pipeline import refresh
    report = refresh(cfg, source=job["source"], cache_dir=Path(job["cache_dir"]),
                     progress=lambda f, label: _send({"progress": f, "label": label}),
                     allow_shrink=job["allow_shrink"])
    _send({"report": dataclasses.asdict(report)})
    return 0

