"""The staff screen shows the usage chart of `kiosk stats --chart`: drawn in a child
process, shown over the whole window, closed by its button and whenever the staff screen
is left (so the next visitor never finds it). Real app off screen, one process per size."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent

SCENARIO = r"""
import json, sys, time
sys.path.insert(0, 'bench'); import offscreen; offscreen.off_screen_env()
errors = offscreen.catch_errors()
from kiosk.site import config, stats
stats.count_all([('visit', ''), ('results', ''), ('goal', 'digitaal'), ('language', 'nl')])
for _ in range(11):
    stats.count_all([('visit', ''), ('goal', 'nederlands'), ('language', 'ar')])
OUT, LANGS = sys.argv[1], sys.argv[2].split(',')
record = {'shots': []}

def started(app):
    from kivy.clock import Clock
    from kivy.core.window import Window
    steps = iter(script(app, Window))
    def tick(dt):
        try:
            wait = next(steps)
        except StopIteration:
            record['errors'] = errors.records
            print(json.dumps(record))
            app.allow_close = True
            app.stop()
            return
        Clock.schedule_once(tick, wait)
    Clock.schedule_once(tick, 0)

def shot(Window, name):
    def on_flip(*args):                      # right after a frame is drawn, not a stale one
        Window.unbind(on_flip=on_flip)
        record['shots'].append(Window.screenshot(name=f'{OUT}/{name}.png'))
    Window.bind(on_flip=on_flip)
    Window.canvas.ask_update()

def tap_button(Window, text):
    from screens.widgets import BigButton
    from screens.text import tr
    def walk(w):
        yield w
        for c in w.children:
            yield from walk(c)
    button = next(w for root in Window.children for w in walk(root)
                  if isinstance(w, BigButton) and w.text == tr(text))
    offscreen.touch(*button.to_window(*button.center))

def script(app, Window):
    app.unlock_staff()
    screen = app.manager.get_screen('staff')
    for lang in LANGS:
        app.set_language(lang)
        yield 0.3
        shot(Window, f'staff-{lang}')
        yield 0.3
    app.set_language('nl')
    tap_button(Window, 'Gebruikscijfers')
    yield 0.2
    chart = screen._chart
    record['drawing'] = chart.message
    deadline = time.monotonic() + 90
    while chart.texture is None and time.monotonic() < deadline and \
            chart.message == record['drawing']:
        yield 0.2
    record['message'] = chart.message
    record['texture'] = list(chart.texture.size) if chart.texture else None
    record['window'] = list(Window.size)
    yield 0.3
    shot(Window, 'staff-chart')
    yield 0.3
    tap_button(Window, 'Terug')
    yield 0.5
    record['open_after_back'] = screen._chart is not None
    record['screen_after_back'] = app.manager.current
    screen.show_chart()                      # open again, then staff walk away
    yield 0.3
    app.last_touch = time.monotonic() - app.cfg.staff.lock_after_s - 1
    app.check_idle()
    deadline = time.monotonic() + 30         # the chart's view closes with an animation
    while len(Window.children) > 1 and time.monotonic() < deadline:
        yield 0.1
    record['screen_after_idle'] = app.manager.current
    record['modal_views_after_idle'] = len(Window.children) - 1
    record['unlocked_after_idle'] = app.staff_unlocked

offscreen.start_app(config.load(None), sys.argv[3], started, kiosk_mode=True)
"""


def run_scenario(tmp_path, size: str, langs: str = "nl") -> dict:
    out = tmp_path / "shots"
    out.mkdir()
    env = dict(os.environ, SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1",
               KIVY_HOME=str(tmp_path / "kivy"), KIVY_LOG_MODE="PYTHON",
               KIOSK_CACHE_DIR=str(tmp_path / "cache"))
    env.pop("KIOSK_CONFIG", None)
    proc = subprocess.run([sys.executable, "-c", SCENARIO, str(out), langs, size], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=280)
    assert proc.returncode == 0, proc.stderr[-4000:]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, proc.stderr[-4000:]
    return json.loads(lines[-1])


@pytest.mark.timeout(300)
@pytest.mark.parametrize("size", ["1080x1920", "1280x800"])
def test_staff_screen_shows_the_usage_chart_and_never_leaves_it_open(tmp_path, size):
    record = run_scenario(tmp_path, size, os.environ.get("KIOSK_SHOT_LANGS", "nl"))
    assert record["errors"] == []
    assert record["drawing"] == "Bezig met tekenen…"
    assert record["message"] == "", record["message"]
    width, height = map(int, size.split("x"))
    assert record["window"] == [width, height]
    assert record["texture"][0] == width and 0.8 * height < record["texture"][1] < height
    picture = Image.open(record["shots"][-1]).convert("RGB")
    colours = picture.getcolors(maxcolors=1 << 20) or []
    blue = sum(n for n, (r, g, b) in colours if b > 100 and r < 40)
    assert blue > 20000                       # the bars, not an empty or white view
    assert record["open_after_back"] is False and record["screen_after_back"] == "staff"
    assert record["screen_after_idle"] == "welcome"
    assert record["modal_views_after_idle"] == 0 and record["unlocked_after_idle"] is False
