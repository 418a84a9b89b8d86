"""In kiosk mode no key opens a way out: every key and combination a keyboard on the kiosk
can make (Escape, F1-F12, Alt+F4, Ctrl+C/Q/W, Alt+Tab, Super, the back button, typed
text, and the close request a window manager sends for Alt+F4) goes in as a real SDL
event, through the same SDL the kiosk's window polls, on every visitor screen and over
its pop-ups. The app must still run, fullscreen, on the same visitor screen. Real app off
screen, in its own process."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SCENARIO = r"""
import ctypes, json, sys, time
sys.path.insert(0, 'bench'); import offscreen; offscreen.off_screen_env()
errors = offscreen.catch_errors()
from screens import launch
launch.configure_kivy(None, fullscreen=True)           # the real `kiosk run --kiosk` set-up

ALT, CTRL, SHIFT, GUI = 0x0100, 0x0040, 0x0001, 0x0400
F = {n: 0x40000039 + n for n in range(1, 13)}           # SDLK_F1 .. SDLK_F12
KEYS = [("Escape", 27, 0), *((f"F{n}", F[n], 0) for n in F),
        ("Alt+F4", F[4], ALT), ("Ctrl+C", ord("c"), CTRL), ("Ctrl+Q", ord("q"), CTRL),
        ("Ctrl+W", ord("w"), CTRL), ("Alt+Tab", 9, ALT), ("Super", 0x400000E3, 0),
        ("Super+D", ord("d"), GUI), ("Super+Q", ord("q"), GUI), ("Back", 0x4000010E, 0),
        ("Menu", 0x40000065, 0), ("Ctrl+Alt+Delete", 127, CTRL | ALT),
        ("Ctrl+Alt+Backspace", 8, CTRL | ALT), ("Ctrl+Alt+F1", F[1], CTRL | ALT),
        ("Ctrl+E", ord("e"), CTRL), ("Ctrl+Shift+Escape", 27, CTRL | SHIFT),
        ("Alt+Escape", 27, ALT), ("F11 Shift", F[11], SHIFT), ("Enter", 13, 0),
        ("Tab", 9, 0), ("Print", 0x40000046, 0), ("Pause", 0x40000048, 0)]
TEXTS = ["9000", "exit", "q", "\x1b", ":wq"]

class Keysym(ctypes.Structure):
    _fields_ = [("scancode", ctypes.c_int), ("sym", ctypes.c_int32),
                ("mod", ctypes.c_uint16), ("unused", ctypes.c_uint32)]
class KeyEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_uint32), ("timestamp", ctypes.c_uint32),
                ("windowID", ctypes.c_uint32), ("state", ctypes.c_uint8),
                ("repeat", ctypes.c_uint8), ("pad2", ctypes.c_uint8),
                ("pad3", ctypes.c_uint8), ("keysym", Keysym)]
class TextEvent(ctypes.Structure):
    _fields_ = [("type", ctypes.c_uint32), ("timestamp", ctypes.c_uint32),
                ("windowID", ctypes.c_uint32), ("text", ctypes.c_char * 32)]
class Event(ctypes.Union):
    _fields_ = [("type", ctypes.c_uint32), ("key", KeyEvent), ("text", TextEvent),
                ("padding", ctypes.c_uint8 * 56)]

SDL = launch._sdl_library()            # the SDL Kivy's window runs on (Kivy's wheel bundles it)
SDL.SDL_GetScancodeFromKey.restype = ctypes.c_int
pushed = []

def push(event):
    pushed.append(SDL.SDL_PushEvent(ctypes.byref(event)) == 1)

def press(sym, mod):
    for kind, state in ((0x300, 1), (0x301, 0)):        # SDL_KEYDOWN, SDL_KEYUP
        event = Event()
        event.key = KeyEvent(kind, 0, 1, state, 0, 0, 0,
                             Keysym(SDL.SDL_GetScancodeFromKey(sym), sym, mod, 0))
        push(event)

def type_text(text):
    event = Event()
    event.text = TextEvent(0x303, 0, 1, text.encode())  # SDL_TEXTINPUT
    push(event)

def close_request():
    event = Event()
    event.type = 0x100                                   # SDL_QUIT: what Alt+F4 or a close button make
    push(event)

record = {"checks": []}

def script(app, Window):
    from kivy.animation import Animation
    from kivy.base import EventLoop
    fullscreen, size = Window.fullscreen, tuple(Window.size)
    seen = {"keys": [], "texts": [], "close": 0}
    Window.fbind("on_key_down", lambda w, key, *a: seen["keys"].append(key))
    Window.fbind("on_textinput", lambda w, text: seen["texts"].append(text))
    Window.fbind("on_request_close", lambda *a, **k: seen.__setitem__("close", seen["close"] + 1))
    def visit_to(where):
        app.go_home()
        if where == "welcome":
            return
        app.start_visit()
        if where == "question":
            app.show_question("postcode")
            return
        app.show_results()
        if where in ("detail", "booking"):
            app.show_detail(0)
        if where == "booking":
            app.show_booking()
    for where, popup in [("welcome", None), ("welcome", "language"), ("question", None),
                         ("results", None), ("detail", None), ("booking", None),
                         ("question", "idle")]:
        visit_to(where)
        if popup == "language":
            app.open_language_picker()
        elif popup == "idle":
            app.last_touch = time.monotonic() - app.cfg.idle.timeout_s - 1
            app.check_idle()
        yield lambda: not Animation._instances           # the popup is open, not opening
        before, closes = app.manager.current, seen["close"]
        for _name, sym, mod in KEYS:
            press(sym, mod)
        for text in TEXTS:
            type_text(text)
        close_request()
        yield lambda: seen["close"] > closes             # the last event pushed is handled
        app.last_touch = time.monotonic()                # keys are not touches: no idle wipe here
        record["checks"].append({
            "where": where, "popup": popup, "before": before, "after": app.manager.current,
            "fullscreen": Window.fullscreen == fullscreen, "size": tuple(Window.size) == size,
            "quit": bool(EventLoop.quit), "allow_close": app.allow_close,
            "staff": app.staff_unlocked, "stopped": app._app_window is None})
    record["seen"] = {k: len(v) if isinstance(v, list) else v for k, v in seen.items()}
    record["pushed"] = len(pushed)
    record["all_pushed"] = all(pushed)
    record["keys"] = [name for name, _sym, _mod in KEYS]

def started(app):
    from kivy.clock import Clock
    from kivy.core.window import Window
    steps = script(app, Window)
    deadline = [0]
    def tick(dt, wait=None):
        # each step yields what to wait for: a condition, checked every frame (only a
        # hang reaches the 60 s time-out)
        try:
            if wait is not None and not wait():
                assert time.monotonic() < deadline[0], "a step's event never came"
                Clock.schedule_once(lambda dt: tick(dt, wait), 0)
                return
            wait = next(steps)
            deadline[0] = time.monotonic() + 60
            Clock.schedule_once(lambda dt: tick(dt, wait), 0)
        except StopIteration:
            record["errors"] = errors.records
            print(json.dumps(record))
            app.allow_close = True
            app.stop()
    Clock.schedule_once(tick, 0)

from kivy.clock import Clock
from kiosk.site import config
from screens.app import KioskApp
app = KioskApp(config.load(None), kiosk_mode=True)
Clock.schedule_once(lambda dt: started(app), 0.5)
app.run()
"""


@pytest.mark.timeout(240)
def test_no_key_or_close_request_leaves_kiosk_mode_on_any_visitor_screen(tmp_path):
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1",
               KIVY_HOME=str(tmp_path / "kivy"), KIVY_LOG_MODE="PYTHON",
               KIOSK_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("KIOSK_CONFIG", None)
    proc = subprocess.run([sys.executable, "-c", SCENARIO], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=220)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert proc.returncode == 0 and lines, proc.stderr[-4000:]
    record = json.loads(lines[-1])
    assert record["errors"] == []
    assert record["all_pushed"] and record["pushed"] > 7 * 2 * 30
    assert {"Escape", "F1", "F12", "Alt+F4", "Ctrl+C", "Alt+Tab", "Super", "Back"} \
        <= set(record["keys"])
    assert len(record["checks"]) == 7
    keys, texts = len(record["keys"]), 5                 # every event reached Kivy's window
    assert record["seen"] == {"keys": 7 * keys, "texts": 7 * texts, "close": 7}
    for check in record["checks"]:
        assert check["after"] == check["before"], check
        assert check["after"] in ("welcome", "question", "results", "detail", "booking")
        assert check["fullscreen"] and check["size"], check
        assert not (check["quit"] or check["allow_close"] or check["staff"]
                    or check["stopped"]), check
