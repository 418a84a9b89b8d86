"""Scripted visits: drive the real app with simulated touches and take screenshots.

Used by the UI tests (tests/test_ui.py) and by scripts/screenshots, one visit a process
(Kivy runs one App a process). After each step the driver waits until its change is drawn
(Driver.settle), never a fixed time. Run as
`python tests/visit_driver.py --steps STEPS.json --out DIR [--size WxH] [--config FILE]
[--today YYYY-MM-DD] [--kiosk-mode]`; it writes DIR/run.json with what it saw (screens,
booking URL, marked courses, errors). `--today` runs the visit on that day, so results from
a catalog with fixed start dates do not change with the date the tests run on.

A step is a list: ["start"], ["answer", question_id, value], ["lang", code],
["keypad", "9000"], ["tap", msgid], ["mark", index], ["open", index], ["more"], ["back"],
["booking"], ["shot", name], ["idle", seconds], ["staff"], ["pin", "1234"], ["escape"],
["close"], ["refresh", source], ["scheduled", iso_time], ["settle"], ["fault"],
["wait", seconds], ["until", "screen", name], ["layout", name] (records every control on
screen: place, size, colours), ["loaded", name] (the packages imported, the screens built,
the app's property observers).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:           # run as a script from a checkout without install
    sys.path.insert(0, str(ROOT))

from kiosk import clock  # noqa: E402
from screens.launch import configure_kivy  # noqa: E402

# A step's change counts as drawn after this many quiet frames (see Driver.settle): the
# first frame after a step already holds its layout (Kivy runs layout triggers before it
# draws); an animation, a callback due at once or a worker thread keeps the step going.
# A step that is not drawn within the time-out hangs.
SETTLED_FRAMES = 1
SETTLE_TIMEOUT_S = 60
WORKER_THREADS = ("slip", "chart")


def _walk(widget):
    yield widget
    for child in widget.children:
        yield from _walk(child)


def _colours(widget):
    """(fill, outline) the widget's canvas draws: the colour before its first filled
    rectangle and before its first line; a Button's background colour is its fill."""
    from kivy.graphics import Color, Line, Rectangle, RoundedRectangle
    from kivy.uix.button import Button
    fill = outline = None
    for canvas in (widget.canvas.before, widget.canvas.after):
        colour = None
        for instruction in (canvas.children if canvas is not None else []):
            if isinstance(instruction, Color):
                colour = list(instruction.rgba)
            elif isinstance(instruction, (Rectangle, RoundedRectangle)) and fill is None:
                fill = colour
            elif isinstance(instruction, Line) and outline is None:
                outline = colour
    if isinstance(widget, Button) and widget.background_normal == "":
        fill = list(widget.background_color)
    return fill, outline


def _visible_rect(widget):
    """The widget's rectangle in window coordinates, cut to the scrolling areas it lies in
    (None when scrolled out of sight)."""
    from kivy.uix.scrollview import ScrollView
    x, y = widget.to_window(widget.x, widget.y)
    x2, y2 = x + widget.width, y + widget.height
    parent = widget.parent
    while parent is not None and parent is not parent.parent:
        if isinstance(parent, ScrollView):
            px, py = parent.to_window(parent.x, parent.y)
            x, y = max(x, px), max(y, py)
            x2, y2 = min(x2, px + parent.width), min(y2, py + parent.height)
        parent = parent.parent
    return [x, y, x2 - x, y2 - y] if x2 > x and y2 > y else None


def _behind(widget):
    """The colour around a widget: the fill of the nearest ancestor that draws one."""
    parent = widget.parent
    while parent is not None and parent is not parent.parent:
        fill, _outline = _colours(parent)
        if fill is not None and fill[3] > 0.5:
            return fill
        parent = parent.parent
    return [1, 1, 1, 1]


def layout(app):
    """Every control a visitor can see on screen (or in the open popup), for the reach,
    size and contrast tests (tests/test_reach.py)."""
    from kivy.core.window import Window
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.label import Label
    from kivy.uix.modalview import ModalView
    from kivy.uix.scrollview import ScrollView
    roots = list(Window.children)
    roots = roots[:1] if isinstance(roots[0], ModalView) else roots
    staff_gesture = app.manager.current_screen.ids.get("site_name")   # staff only, hidden
    staff_gesture = staff_gesture.__self__ if staff_gesture is not None else None
    controls, scrolls = [], []
    for w in (w for root in roots for w in _walk(root)):
        if w.opacity == 0 or w.get_root_window() is None or w is staff_gesture:
            continue
        if isinstance(w, ScrollView) and not w.disabled:
            scrolls.append(_visible_rect(w))
        if not isinstance(w, ButtonBehavior) or (hasattr(w, "text") and not w.text):
            continue
        rect = _visible_rect(w)
        if rect is None or any(p.opacity == 0 for p in _ancestors(w)):
            continue
        fill, outline = _colours(w)
        texts = [[list(label.color), label.text] for label in _walk(w)
                 if isinstance(label, Label) and label.text]
        controls.append({"kind": type(w).__name__, "text": getattr(w, "text", ""),
                         "rect": rect, "disabled": w.disabled, "fill": fill,
                         "outline": outline, "behind": _behind(w), "texts": texts})
    screen = app.manager.current_screen
    qr = screen.qr_rect() if hasattr(screen, "qr_rect") else None
    panel = roots[0].ids.get("panel") if isinstance(roots[0], ModalView) else None
    return {"window": list(Window.size), "band": list(app.reach_band), "controls": controls,
            "scrolls": scrolls, "qr": list(qr) if qr else None,
            "panel": _visible_rect(panel) if panel is not None else None}


def _ancestors(widget):
    parent = widget.parent
    while parent is not None and parent is not parent.parent:
        yield parent
        parent = parent.parent


class Driver:
    def __init__(self, app, steps, out: Path):
        self.app, self.steps, self.out = app, list(steps), out
        self.record = {"screens": [], "shots": {}, "errors": [], "booking_url": None, "marked": []}

    # --- finding and tapping ------------------------------------------------------------
    def roots(self):
        from kivy.core.window import Window
        return list(Window.children)          # modal views first, then the screen manager

    def find(self, predicate):
        for root in self.roots():
            for w in _walk(root):
                if predicate(w) and not w.disabled and w.get_root_window() is not None \
                        and w.opacity > 0:
                    return w
        raise LookupError("no such widget on screen")

    def tap_widget(self, widget):
        from kivy.tests.common import UnitTestTouch
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()

    def tap_in(self, container, cls, text):
        """Tap the widget of class cls showing `text` inside container."""
        self.tap_widget(next(w for w in _walk(container) if isinstance(w, cls) and w.text == text))

    def tap_text(self, msgid):
        from screens.text import tr
        from screens.widgets import BigButton, IconButton
        text = tr(msgid)
        self.tap_widget(self.find(lambda w: isinstance(w, (BigButton, IconButton)) and w.text == text))

    def tap_value(self, value):
        from screens.widgets import BigButton
        options = self.app.manager.get_screen("question").ids.options
        self.tap_widget(next(w for w in options.children
                             if isinstance(w, BigButton) and w.value == value))

    # --- steps ----------------------------------------------------------------------------
    def run_step(self, step):
        kind, *args = step
        app = self.app
        if kind == "start":
            self.tap_text("Start")
        elif kind == "lang":
            from kiosk.text import i18n
            from screens.widgets import BigButton
            name = i18n.LANGUAGE_NAMES[args[0]]
            self.tap_widget(self.find(lambda w: isinstance(w, BigButton) and w.text == name))
        elif kind == "answer":
            question_id, value = args
            screen = app.manager.get_screen("question")
            assert app.manager.current == "question" and screen.question.id == question_id, \
                f"expected question {question_id}, screen is {app.manager.current}"
            if screen.question.kind == "multi" and value is None:
                self.tap_text(screen.question.none_label)
            elif screen.question.kind == "multi":
                for v in [value] if isinstance(value, str) else value:
                    self.tap_value(v)
                self.tap_text("Verder")
            elif screen.question.kind == "postcode" and value is None:
                self.tap_text(screen.question.skip_label or "Verder zonder postcode")
            elif screen.question.kind == "postcode":
                self.keypad(value)
                self.tap_text("Verder")
            else:
                self.tap_value(value)
        elif kind == "keypad":
            self.keypad(args[0])
        elif kind == "tap":
            self.tap_text(args[0])
        elif kind in ("mark", "open"):
            index = args[0]                    # a row on the first screen of results
            from screens.results import ResultRow
            from screens.text import tr
            from screens.widgets import BigButton
            label = "Kies om te bespreken" if kind == "mark" else "Meer uitleg"
            try:
                row = self.find(lambda w: isinstance(w, ResultRow) and w.index == index)
                if kind == "mark" and row.marked:
                    label = "Gekozen"
                button = next(w for w in _walk(row)
                              if isinstance(w, BigButton) and w.text == tr(label))
                seen = _visible_rect(button)
                if seen is None or seen[3] < button.height:
                    raise LookupError("scrolled out of sight")
            except LookupError:                # below the fold: the list would be dragged
                screen = app.manager.get_screen("results")
                (screen.toggle_mark if kind == "mark" else screen.open_result)(index)
                return
            self.tap_widget(button)
        elif kind == "booking":
            from screens.widgets import BigButton
            screen = app.manager.current_screen
            self.tap_widget(next(w for w in _walk(screen)
                                 if isinstance(w, BigButton) and w.icon == "appointment.png"))
        elif kind == "more":
            self.tap_widget(app.manager.get_screen("results").ids.more)
        elif kind == "back":
            self.tap_text("Terug")
        elif kind == "idle":
            app.last_touch = time.monotonic() - args[0]
            app.check_idle()
        elif kind == "staff":
            for _ in range(5):
                self.tap_widget(app.manager.current_screen.ids.site_name)
        elif kind == "pin":
            from kivy.uix.button import Button
            screen = app.manager.get_screen("pin")
            for digit in [*args[0], "OK"]:
                self.tap_in(screen, Button, digit)
        elif kind == "refresh":
            def done(report):
                self.record.setdefault("refresh_reports", []).append(report.text())
                self.schedule(0.1)
            app.refresh_catalog(args[0], None, done)
            return True                        # the refresh's end continues the script
        elif kind == "scheduled":            # the app's once-a-minute check, at a given time
            from datetime import datetime
            app.refresh_if_due(datetime.fromisoformat(args[0]))
            self.record.setdefault("scheduled_started", []).append(app.refreshing)
        elif kind == "settle":               # wait for a background refresh to end
            if app.refreshing:
                self.steps.insert(0, step)
                self.schedule(0.2)
                return True
        elif kind == "shot":
            self.shoot(args[0])
            return True                        # the screenshot continues the script
        elif kind == "escape":             # Escape, then F1
            from kivy.core.window import Window
            Window.dispatch("on_keyboard", 27, 41, None, [])
            Window.dispatch("on_keyboard", 282, 58, None, [])
        elif kind == "close":
            from kivy.core.window import Window
            self.record["close_refused"] = bool(Window.dispatch("on_request_close"))
        elif kind == "fault":              # an unexpected error inside the app's main loop
            from kivy.clock import Clock

            def fail(dt):
                raise RuntimeError("simulated fault")
            Clock.schedule_once(fail, 0)
        elif kind == "spoken":             # what read-aloud would say, and what is drawn
            self.record.setdefault("spoken", {})[args[0]] = self.spoken_and_shown()
        elif kind == "wait":
            pass
        elif kind == "until":              # ["until", "screen", name]: until that screen shows
            assert args[0] == "screen", f"unknown condition {args[0]!r}"
            self.wait_until(lambda: app.manager.current == args[1], f"screen {args[1]}")
            return True
        elif kind == "layout":
            self.record.setdefault("layouts", {})[args[0]] = layout(app)
        elif kind == "loaded":             # the packages imported, the screens built, and
            import gc  # how many callbacks watch the app's properties
            gc.collect()
            self.record.setdefault("loaded", {})[args[0]] = {
                "packages": sorted({name.split(".")[0] for name in sys.modules}),
                "screens": sorted(app.manager.screen_names),
                "observers": {name: len(app.get_property_observers(name))
                              for name in app.properties()}}
        else:
            raise ValueError(f"unknown step {step!r}")
        return False

    def spoken_and_shown(self):
        """The read-aloud segments of the current view, built from the widget tree, and
        independently every label drawn in it: logical text, drawn text, alignment."""
        from kivy.uix.label import Label

        from screens import spoken
        app = self.app
        root = spoken.reading_root(app)
        parts = spoken.segments(root, app.lang, app.rtl)

        def seen(w):
            while w is not None and w is not root.parent:
                if w.opacity <= 0 or w.width <= 1 or w.height <= 1:
                    return False
                w = w.parent
            return True
        labels = [w for w in _walk(root) if isinstance(w, Label) and w.text.strip() and seen(w)]
        return {"spoken": [list(p) for p in parts], "lang": app.lang,
                "speaking": app.speaking, "speech_on": app.speech_on,
                "last_spoken": app.last_spoken,
                "labels": [{"text": w.text, "drawn": w._label.text, "halign": w.halign,
                            "drawn_halign": w._label.options["halign"],
                            "font_size": w.font_size,
                            "drawn_font_size": w._label.options["font_size"],
                            "speech_lang": getattr(w, "speech_lang", ""),
                            "rect": [*w.to_window(w.x, w.y), w.width, w.height]}
                           for w in labels]}

    def keypad(self, digits):
        from kivy.uix.button import Button
        screen = self.app.manager.get_screen("question")
        for digit in digits:
            self.tap_in(screen.ids.keypad_area, Button, digit)

    def shoot(self, name):
        from kivy.core.window import Window

        def on_flip(*args):
            Window.unbind(on_flip=on_flip)
            path = Window.screenshot(name=str(self.out / f"{name}.png"))
            final = self.out / f"{name}.png"
            os.replace(path, final)
            self.record["shots"][name] = str(final)
            self.schedule(0.05)
        Window.bind(on_flip=on_flip)
        Window.canvas.ask_update()

    def schedule(self, delay=0.0):
        from kivy.clock import Clock
        Clock.schedule_once(self.next_step, delay)

    def wait_until(self, condition, what):
        """Go on (after the next settled frames) once condition() holds; checked every
        frame; only a hang reaches SETTLE_TIMEOUT_S, and that is an error."""
        from kivy.clock import Clock
        deadline = time.monotonic() + SETTLE_TIMEOUT_S

        def check(dt):
            if condition():
                self.settle(set())
            elif time.monotonic() > deadline:
                self.record["errors"].append(f"no {what} within {SETTLE_TIMEOUT_S} s")
                self.finish()
            else:
                Clock.schedule_once(check, 0)
        Clock.schedule_once(check, 0)

    def settle(self, threads_before):
        """Go on once the step's change is drawn: SETTLED_FRAMES frames in a row drawn with
        no animation running, no callback due at once (the app's chains of them: an error,
        then the way home) and no worker thread the step started (a slip, a chart) alive.
        Only a hang reaches SETTLE_TIMEOUT_S, and that is an error."""
        import threading

        from kivy.animation import Animation
        from kivy.clock import Clock
        from kivy.core.window import Window
        deadline = time.monotonic() + SETTLE_TIMEOUT_S
        quiet = 0

        def busy():
            return Animation._instances or any(   # a callback due at once: a chain goes on
                event.is_triggered and not event.loop and event.timeout <= 0
                for event in Clock.get_events()) or any(
                t.is_alive() and t.name in WORKER_THREADS
                for t in threading.enumerate() if t not in threads_before)

        def on_flip(*args):
            nonlocal quiet
            quiet = 0 if busy() else quiet + 1
            if quiet >= SETTLED_FRAMES or time.monotonic() > deadline:
                Window.unbind(on_flip=on_flip)
                if quiet < SETTLED_FRAMES:
                    self.record["errors"].append(f"a step did not settle in {SETTLE_TIMEOUT_S} s")
                self.schedule()
            else:
                Window.canvas.ask_update()
        Window.bind(on_flip=on_flip)
        Window.canvas.ask_update()

    def next_step(self, dt):
        app = self.app
        started = getattr(self, "step_started", None)
        if started is not None:            # the step, its frames and the wait after it
            self.record.setdefault("step_seconds", []).append(time.monotonic() - started)
        self.record["screens"].append(app.manager.current)
        if app.manager.current == "question":
            from screens.widgets import BigButton
            self.record["option_texts"] = [w.text for w in app.manager.current_screen.ids
                                           .options.children if isinstance(w, BigButton)]
        if app.manager.current == "question" and app.manager.current_screen.postcode_unknown:
            self.record["postcode_refused"] = app.manager.current_screen.postcode
        if app.manager.current == "results":
            self.record["result_titles"] = [row["title"] for row in
                                            app.manager.get_screen("results").ids.list.data]
            self.record["results_total"] = len(app.visit.outcome.results)
            self.record["result_reasons"] = [row["reasons"] for row in
                                             app.manager.get_screen("results").ids.list.data]
            screen = app.manager.get_screen("results")
            self.record["results_words"] = {"summary": screen.summary, "notice": screen.notice,
                                            "next_step": screen.next_step,
                                            "booking": screen.booking_label}
            titles = self.record.setdefault("titles_seen", [])
            if not titles or titles[-1] != self.record["result_titles"]:
                titles.append(self.record["result_titles"])
            from kivy.uix.label import Label
            self.record["markup_labels"] = [w.text for w in _walk(app.manager)
                                            if isinstance(w, Label) and w.markup]
        if app.manager.current == "detail":
            from kivy.uix.label import Label
            labels = [w for w in _walk(app.manager.current_screen) if isinstance(w, Label)]
            self.record["detail_texts"] = [w.text for w in labels]
            self.record["detail_markup_labels"] = [w.text for w in labels if w.markup]
        if app.manager.current == "staff":
            screen = app.manager.get_screen("staff")
            self.record["staff"] = {"status": screen.status_text, "report": screen.report,
                                    "progress": screen.progress,
                                    "confirm_shrink": screen.confirm_shrink}
            reports = self.record.setdefault("staff_reports", [])
            if not reports or reports[-1] != screen.report:
                reports.append(screen.report)
        if app.manager.current == "pin":
            screen = app.manager.get_screen("pin")
            self.record["pin"] = {"message": screen.message, "locked": screen.locked}
        if app.manager.current == "booking":
            self.record["booking_url"] = app.manager.get_screen("booking").url
            self.record["booking_words"] = {"steps": app.manager.get_screen("booking").steps,
                                            "contact": app.manager.get_screen("booking").contact}
        if app.manager.current == "booking":     # the paper slip: offered, and what it said
            screen = app.manager.get_screen("booking")
            self.record["slip"] = {"offered": screen.can_print, "message": screen.print_message}
        self.record["marked"] = list(app.visit.marked)
        if not self.steps:
            self.finish()
            return
        step = self.steps.pop(0)
        self.step_started = time.monotonic()
        import threading
        threads_before = set(threading.enumerate())
        try:
            waits_for_flip = self.run_step(step)
        except Exception:
            self.record["errors"].append(f"step {step!r}: {traceback.format_exc()}")
            self.finish()
            return
        if waits_for_flip:
            return
        if step[0] == "wait":
            self.schedule(step[1])
        else:
            self.settle(threads_before)

    def finish(self):
        self.record["answers_at_end"] = dict(self.app.visit.answers)
        self.record["last_spoken"] = self.app.last_spoken
        self.record["spoken_log"] = getattr(self.app, "spoken_log", [])
        from kivy.core.window import Window
        self.record["window_children"] = len(Window.children)
        (self.out / "run.json").write_text(json.dumps(self.record, indent=1, ensure_ascii=False))
        self.app.allow_close = True
        self.app.stop()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--size", default="1080x1920")
    parser.add_argument("--config")
    parser.add_argument("--kiosk-mode", action="store_true", help="kiosk rules, not fullscreen")
    parser.add_argument("--today", type=date.fromisoformat, help="the visit's day (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    if args.today:
        clock.today = lambda: args.today
    configure_kivy(args.size, fullscreen=False)
    from kiosk.site import config
    from screens.app import KioskApp

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    steps = json.loads(Path(args.steps).read_text(encoding="utf-8"))
    app = KioskApp(config.load(args.config), kiosk_mode=args.kiosk_mode)
    driver = Driver(app, steps, out)
    from kivy.clock import Clock
    Clock.schedule_once(lambda dt: driver.schedule(0.5), 0)
    app.run()
    return 1 if driver.record["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
