"""Start-up time and memory of the kiosk, side by side with a bare Kivy app.

    .venv/bin/python bench/startup.py [--runs 7] [--sizes 1080x1920,1280x800]

Each run is a fresh process, started in turn as a bare Kivy app (one Label, Kivy's own
settings but for the window size and log level), as the same with the kiosk's Kivy
settings, and as the kiosk, off screen (SDL offscreen, Mesa GL), on a catalog already in
the cache. It measures from just before the process is started to the first frame drawn: for the kiosk,
the first frame of a usable welcome screen, for the bare app its first frame. Then, after
the app has settled for a few seconds, the process's memory (PSS and RSS, from
/proc/PID/smaps_rollup, read from outside), with the part of PSS that is libLLVM, Mesa's
shader compiler under software rendering. Prints medians; passes or fails nothing.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Kivy as it comes; the same with the kiosk's Kivy settings (screens/launch.py: no
# multisampling, SDL's image reader only); the kiosk
KINDS = ("bare", "bare-kiosk-settings", "kiosk")
SETTLE_S = 5.0                  # after the first figures file (written 3 s after start)


def child(kind: str, size: str) -> None:
    """In the measured process: start the app, print one line when its first frame is up."""
    sys.path.insert(0, str(ROOT))
    if kind in ("kiosk", "bare-kiosk-settings"):
        from screens.launch import configure_kivy
        configure_kivy(size, fullscreen=False)
    else:                   # Kivy as it comes, with the kiosk's window size and log level
        os.environ["KCFG_KIVY_LOG_LEVEL"] = "warning"
        from kivy.config import Config
        width, height = size.split("x")
        Config.set("graphics", "width", width)
        Config.set("graphics", "height", height)
    from kivy.app import App
    from kivy.clock import Clock
    from kivy.core.window import Window

    if kind == "kiosk":
        from kiosk.site import config
        from screens.app import KioskApp
        app = KioskApp(config.load(None))
    else:
        from kivy.uix.label import Label

        class Bare(App):
            def build(self):
                return Label(text="Hello")
        app = Bare()

    def first_frame(*args):
        Window.unbind(on_flip=first_frame)
        screen = app.root.current if kind == "kiosk" else "bare"
        used = resource.getrusage(resource.RUSAGE_SELF)
        print(json.dumps({"ready": time.time(), "screen": screen,
                          "cpu": used.ru_utime + used.ru_stime}), flush=True)
        Clock.schedule_once(lambda dt: app.stop(), SETTLE_S + 30)   # the parent stops it first
    app.bind(on_start=lambda *a: Window.bind(on_flip=first_frame))
    app.run()


def memory_mb(pid: int) -> dict:
    """PSS and RSS, and the PSS of Mesa's shader compiler (libLLVM), which a software
    renderer loads and a GPU driver does not."""
    out = {"llvm": 0.0}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Rss", "Pss"):
            out[key.lower()] = int(rest.split()[0]) / 1024
    mapping = ""
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        if not line[:1].isupper():                  # a mapping's header line
            mapping = line
        elif line.startswith("Pss:") and "libLLVM" in mapping:
            out["llvm"] += int(line.split()[1]) / 1024
    return out


def measure(kind: str, size: str, env: dict, settle_s: float = SETTLE_S) -> dict:
    began = time.time()
    proc = subprocess.Popen([sys.executable, __file__, "--child", kind, "--size", size],
                            env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"{kind} did not start:\n{proc.stderr.read()[-3000:]}")
        ready = json.loads(line)
        time.sleep(settle_s)
        memory = memory_mb(proc.pid)
    finally:
        proc.kill()
        proc.communicate(timeout=30)
    return {"seconds": ready["ready"] - began, "cpu": ready["cpu"], "screen": ready["screen"],
            **memory}


def prepared_env(folder: Path) -> dict:
    """An off-screen environment with a private Kivy home and a cache holding the sample
    catalog, so no run pays for loading a catalog."""
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1",
               KIVY_HOME=str(folder / "kivy"), KIOSK_CACHE_DIR=str(folder / "cache"))
    env.pop("KIOSK_CONFIG", None)
    subprocess.run([sys.executable, "-m", "kiosk.cli.main", "catalog", "refresh"], env=env, cwd=ROOT,
                   check=True, capture_output=True)
    return env


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--sizes", default="1080x1920,1280x800")
    parser.add_argument("--child", choices=KINDS, help=argparse.SUPPRESS)
    parser.add_argument("--size", default="1080x1920", help=argparse.SUPPRESS)
    parser.add_argument("--json", help="also write every run's figures to this file")
    parser.add_argument("--settle", type=float, default=SETTLE_S,
                        help="seconds the app settles before its memory is read (a quick "
                             "check of the script may use less; the figures then mean less)")
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.size)
        return 0
    env = prepared_env(Path(tempfile.mkdtemp(prefix="kiosk-startup-")))
    for kind in KINDS:                              # a first start warms the disk cache
        measure(kind, "1080x1920", env, args.settle)
    runs: dict = {}
    for size in args.sizes.split(","):
        for _ in range(args.runs):
            for kind in KINDS:
                runs.setdefault(f"{kind} {size}", []).append(measure(kind, size, env, args.settle))
    print(f"{args.runs} runs per case, medians (Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})")
    print(f"{'size':10s} {'app':20s} {'to first frame':>15s} {'CPU time':>9s} {'PSS':>7s} "
          f"{'RSS':>7s} {'libLLVM':>8s}")
    for size in args.sizes.split(","):
        med = {kind: {f: statistics.median(r[f] for r in runs[f"{kind} {size}"])
                      for f in ("seconds", "cpu", "pss", "rss", "llvm")}
               for kind in KINDS}
        for kind in KINDS:
            m = med[kind]
            print(f"{size:10s} {kind:20s} {m['seconds']:13.2f} s {m['cpu']:7.2f} s "
                  f"{m['pss']:4.0f} MB {m['rss']:4.0f} MB {m['llvm']:5.0f} MB")
        print(f"{size:10s} kiosk/bare: time {med['kiosk']['seconds'] / med['bare']['seconds']:.2f}x, "
              f"CPU {med['kiosk']['cpu'] / med['bare']['cpu']:.2f}x, "
              f"PSS {med['kiosk']['pss'] - med['bare']['pss']:+.0f} MB; against bare Kivy with "
              f"the kiosk's Kivy settings: time "
              f"{med['kiosk']['seconds'] / med['bare-kiosk-settings']['seconds']:.2f}x, "
              f"PSS {med['kiosk']['pss'] - med['bare-kiosk-settings']['pss']:+.0f} MB")
        screens = {r["screen"] for r in runs[f"kiosk {size}"]}
        if screens != {"welcome"}:
            print(f"  note: the kiosk showed {screens}, not only the welcome screen")
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
