"""Soak: many whole visits on the real kiosk off screen; memory before and after, time
per visit. Prints figures, passes or fails nothing.

    .venv/bin/python bench/soak.py [--visits 1000] [--seed 7] [--size 1080x1920]

Each visit: start, answer every question the way its buttons do (a random option, a
postcode from the keypad, several choices), the results, the first course's details,
the booking QR code, start over. A frame is drawn between steps, as on the real screen.
"""
from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import offscreen  # noqa: E402

POSTCODES = ("9000", "1000", "2000", "8500", "3500", "1080")


def answer(app, rng: random.Random) -> None:
    """Answer the question on screen through the screen's own button handlers."""
    screen = app.manager.get_screen("question")
    question = screen.question
    if question.kind == "postcode":
        for digit in rng.choice(POSTCODES):
            screen.key(digit)
        screen.confirm_postcode()
        return
    buttons = [w for w in screen.ids.options.children if hasattr(w, "value")]
    if question.kind == "multi":
        for button in rng.sample(buttons, rng.randint(0, min(2, len(buttons)))):
            screen.option_pressed(button)
        screen.confirm_multi()
    else:
        screen.option_pressed(rng.choice(buttons))


def touched(app) -> None:
    """What a finger on the screen does to the idle watch: the visitor is still there (the
    steps below call the screens' handlers directly, not through touches)."""
    app.last_touch = time.monotonic()


def visit_steps(app, rng):
    """One visit as a generator: each yield lets a frame be drawn."""
    touched(app)
    app.start_visit()
    yield
    while app.manager.current == "question":
        touched(app)
        answer(app, rng)
        yield
    if app.visit.outcome is not None and app.visit.outcome.results:
        touched(app)
        app.show_detail(0)
        yield
        touched(app)
        app.show_booking()
        yield
    app.go_home()
    yield


class Soak:
    def __init__(self, app, visits: int, seed: int, out: dict):
        self.app, self.left, self.out = app, visits, out
        self.rng = random.Random(seed)
        self.times: list[float] = []
        self.seen: set = set()                  # screens the current visit reached
        self.results = self.bookings = 0
        self.steps = None

    def tick(self, dt):
        from kivy.clock import Clock
        if self.steps is None:
            if self.left == 0:
                return self.finish()
            self.left -= 1
            self.started = time.perf_counter()
            self.steps = visit_steps(self.app, self.rng)
        Clock.schedule_once(self.tick, 0)
        try:
            next(self.steps)
            self.seen.add(self.app.manager.current)
        except StopIteration:
            self.results += "results" in self.seen or "detail" in self.seen
            self.bookings += "booking" in self.seen
            self.seen = set()
            self.times.append(time.perf_counter() - self.started)
            self.steps = None
            if len(self.times) == 10:
                self.out["memory_after_10_visits"] = offscreen.memory_mb()
            if len(self.times) % 100 == 0:
                print(f"{len(self.times)} visits, median of the last 100 "
                      f"{statistics.median(self.times[-100:]) * 1000:.0f} ms, "
                      f"{offscreen.memory_mb()}", file=sys.stderr, flush=True)

    def finish(self):
        gc.collect()
        self.out["memory_at_end"] = offscreen.memory_mb()
        self.out["visits"] = len(self.times)
        self.app.allow_close = True
        self.app.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--visits", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--size", default="1080x1920")
    args = parser.parse_args(argv)
    offscreen.off_screen_env()
    errors = offscreen.catch_errors()
    from kiosk.site import config
    out: dict = {}

    def started(app):
        from kivy.clock import Clock
        out["memory_at_start"] = offscreen.memory_mb()
        app.soak = Soak(app, args.visits, args.seed, out)        # Clock refs are weak
        Clock.schedule_once(app.soak.tick, 0)
    began = time.perf_counter()
    app = offscreen.start_app(config.load(None), args.size, started)
    times = sorted(app.soak.times)
    print(f"{out['visits']} visits at {args.size}, {app.soak.results} reached the results, "
          f"{app.soak.bookings} the booking code")
    print(f"{out['visits']} visits at {args.size} in {time.perf_counter() - began:.0f} s "
          f"(seed {args.seed}), {len(errors.records)} errors logged")
    print(f"time per visit: median {statistics.median(times) * 1000:.0f} ms, "
          f"p95 {times[int(len(times) * 0.95) - 1] * 1000:.0f} ms, max {times[-1] * 1000:.0f} ms"
          " (frames drawn between steps included)")
    first, last = app.soak.times[:100], app.soak.times[-100:]    # a slowdown shows here
    print(f"median of the first 100 visits {statistics.median(first) * 1000:.0f} ms, "
          f"of the last 100 {statistics.median(last) * 1000:.0f} ms")
    for label, key in (("at start", "memory_at_start"), ("after 10 visits", "memory_after_10_visits"),
                       ("at end", "memory_at_end")):
        if key in out:
            print(f"memory {label:16s} RSS {out[key]['rss']:7.1f} MB   PSS {out[key]['pss']:7.1f} MB"
                  f"   USS {out[key]['uss']:7.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
