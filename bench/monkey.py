"""Monkey test: thousands of random touches and drags on the real kiosk, off screen.

    .venv/bin/python bench/monkey.py [--events 5000] [--seed 13] [--json FILE]
    (memory trends need 10,000 touches or more: --events 25000 --warmup 2500)

Random but seeded. Touches go through Kivy's input events (as a touchscreen's do), at
random places, on whatever screen is showing; now and then the monkey jumps to a screen
random touches seldom reach (results, a course, the booking code, the staff screen, the
idle warning, the unavailable and closed screens), so all of them take touches. It
records exceptions logged by the app, the screens it saw, and memory (RSS, PSS, USS) every
500 touches, after a warm-up and at the end, each time measured between visitors (see
`Monkey.settled`). Run small by tests/test_bench.py.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import offscreen  # noqa: E402

JUMPS = ("visit", "results", "detail", "booking", "staff", "pin", "idle", "unavailable",
         "closed", "home")


def jump(app, where: str) -> None:
    """Put the app on a screen the way the app itself gets there."""
    import time as clock
    if where == "visit":
        app.start_visit()
    elif where in ("results", "detail", "booking"):
        if app.manager.current in ("welcome", "unavailable", "closed"):
            app.start_visit()
        app.show_results()
        if where != "results" and app.visit.outcome.results:
            app.show_detail(0)
            if where == "booking":
                app.show_booking()
    elif where == "staff":
        app.unlock_staff()
    elif where == "pin":                 # five quick taps on the site name, as staff do
        app.open_staff()
    elif where == "idle":
        app.last_touch = clock.monotonic() - app.cfg.idle.timeout_s - 1
        app.check_idle()
    elif where in ("unavailable", "closed"):
        app.manager.current = where
    else:
        app.go_home()


class Monkey:
    def __init__(self, app, events: int, seed: int, warmup: int, out: dict):
        from kivy.core.window import Window
        self.app, self.left, self.warmup, self.out = app, events, warmup, out
        self.rng = random.Random(seed)
        self.width, self.height = Window.size
        self.screens: Counter = Counter()
        self.done = 0
        app.leave_kiosk = lambda: out.setdefault("exit_refused", 0)  # the staff exit button
        self.started = time.perf_counter()

    def random_point(self):
        return self.rng.uniform(0, self.width), self.rng.uniform(0, self.height)

    def one(self) -> None:
        r = self.rng.random()
        if r < 0.03:
            jump(self.app, self.rng.choice(JUMPS))
            return
        x, y = self.random_point()
        if r < 0.80:
            offscreen.touch(x, y)
        else:                                      # a drag: scroll lists, slide a finger
            steps = self.rng.randint(2, 8)
            tx, ty = self.random_point()
            offscreen.touch(x, y, [(x + (tx - x) * i / steps, y + (ty - y) * i / steps)
                                   for i in range(1, steps + 1)])

    def step(self, dt):
        from kivy.clock import Clock
        if self.left <= 0:
            self.finish()
            return
        Clock.schedule_once(self.step, 0)       # first, so an error below cannot stop us
        for _ in range(min(5, self.left)):       # a few touches a frame, then draw
            self.left -= 1
            self.done += 1
            self.screens[self.app.manager.current] += 1
            self.one()
        if self.done % 500 == 0 or self.left == 0:     # pause the touches, measure
            Clock.unschedule(self.step)
            self.app.go_home()
            Clock.schedule_once(self.settled, 0.5)

    def settled(self, dt):
        """Memory between visitors, measured alike each time: "start over" to the home
        screen, frames drawn (Kivy frees removed widgets' textures as it draws), then what
        the app itself does a second after a visit (kiosk/site/memory.py). Growth of this figure
        is what visits leave behind, not the screen that happens to show."""
        from kivy.clock import Clock

        from kiosk.site import memory
        memory.release()
        self.memory = offscreen.memory_mb()
        self.out.setdefault("pss_every_500", []).append(self.memory["pss"])
        self.out.setdefault("uss_every_500", []).append(self.memory["uss"])
        if self.done >= self.warmup and "memory_after_warmup" not in self.out:
            self.out["memory_after_warmup"] = self.memory
        Clock.schedule_once(self.step, 0)

    def finish(self):
        self.out.update(events=self.done, screens=dict(self.screens),
                        memory_at_end=self.memory,
                        seconds=round(time.perf_counter() - self.started, 1))
        self.app.allow_close = True
        self.app.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--warmup", type=int, default=500)
    parser.add_argument("--size", default="1080x1920")
    parser.add_argument("--config")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args(argv)
    offscreen.off_screen_env()
    errors = offscreen.catch_errors()
    from kiosk.site import config
    out: dict = {"seed": args.seed}

    def started(app):
        from kivy.clock import Clock
        out["memory_at_start"] = offscreen.memory_mb()
        app.monkey = Monkey(app, args.events, args.seed, args.warmup, out)  # Clock refs are weak
        Clock.schedule_once(app.monkey.step, 0)
    offscreen.start_app(config.load(args.config), args.size, started, kiosk_mode=True)
    out["errors"] = errors.records
    out["growth_mb"] = round(out["memory_at_end"]["pss"] - out["memory_after_warmup"]["pss"], 1)
    out["growth_uss_mb"] = round(out["memory_at_end"]["uss"]
                                 - out["memory_after_warmup"]["uss"], 1)
    # one figure varies by tens of MB from one measurement to the next (which fonts and
    # textures the last screens left in Kivy's caches): the median of each 5,000 touches
    # shows the trend, and the growth over the last 5,000 is the change of that median
    per_5000 = [round(statistics.median(out["pss_every_500"][i:i + 10]), 1)
                for i in range(0, len(out["pss_every_500"]) - 9, 10)]
    out["pss_median_per_5000"] = per_5000
    if len(per_5000) >= 2:
        out["growth_over_last_5000_mb"] = round(per_5000[-1] - per_5000[-2], 1)
    text = json.dumps(out, indent=1)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
