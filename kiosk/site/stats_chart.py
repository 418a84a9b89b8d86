"""The partners' chart of the usage figures (kiosk/site/stats_export.py) as one PNG: visits
per week, where visitors stop, goals and languages. Counts from 1 to 4 are drawn as a
hatched bar up to 5 labelled "<5", never at their exact height.

The staff screen shows the same chart, drawn by `python -m kiosk.cli.children chart` in a child
process (`render_in_child`), so matplotlib never takes room in the running kiosk."""
from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from kiosk.files import write_atomically
from kiosk.site import stats, stats_export

BLUE, PALE = "#0a4f8a", "#b7cbe0"
DPI = 100
MIN_PX, MAX_PX = 400, 4000          # a chart drawn for a screen stays within these


def _bars(ax, labels: list[str], counts: list[int], title: str, horizontal=False) -> None:
    from matplotlib.ticker import MaxNLocator
    small = [0 < n < stats.SMALLEST_SHOWN for n in counts]
    heights = [stats.SMALLEST_SHOWN if s else n for n, s in zip(counts, small)]
    draw = ax.barh if horizontal else ax.bar
    bars = draw(range(len(labels)), heights, color=[PALE if s else BLUE for s in small],
                edgecolor=BLUE)
    for bar, is_small in zip(bars, small):
        if is_small:
            bar.set_hatch("//")
    ax.bar_label(bars, labels=[str(stats.shown(n)) for n in counts], padding=3)
    (ax.set_yticks if horizontal else ax.set_xticks)(range(len(labels)), labels)
    if horizontal:
        ax.invert_yaxis()
    elif len(labels) > 6:
        ax.tick_params(axis="x", labelrotation=45)
    ax.set_title(title, loc="left", fontsize=13, fontweight="bold")
    ax.spines[["top", "right"]].set_visible(False)
    (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
    (ax.set_xlim if horizontal else ax.set_ylim)(0, max(heights + [stats.SMALLEST_SHOWN]) * 1.2)


def chart_png(weeks: dict, title: str = "Leerwinkel kiosk", size_px=(1200, 800)) -> bytes:
    """The four panels as PNG bytes of `size_px` pixels, without a display (Agg)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(size_px[0] / DPI, size_px[1] / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    (visits, funnel), (goals, languages) = figure.subplots(2, 2)
    many = len(weeks) > 8              # two-line labels of many weeks would overlap
    _bars(visits, [f"{week:%d/%m}" if many else f"W{week.isocalendar().week}\n{week:%d/%m}"
                   for week in weeks],
          [figures.get("visit", {}).get("", 0) for figures in weeks.values()],
          "Visits per week")
    steps = stats_export.FUNNEL
    _bars(funnel, [label for _name, label in steps],
          [stats_export.totals(weeks, name).get("", 0) for name, _label in steps],
          "Where visitors stop", horizontal=True)
    for ax, name, heading in ((goals, "goal", "Goals"), (languages, "language", "Languages")):
        counts = sorted(stats_export.totals(weeks, name).items(), key=lambda item: -item[1])
        _bars(ax, [value or "-" for value, _n in counts], [n for _value, n in counts],
              heading, horizontal=name == "goal")
    first, last = min(weeks), max(weeks)
    title = title.replace("$", r"\$")         # a site name is text, never math markup
    figure.suptitle(f"{title}: anonymous usage, weeks of {first:%d/%m/%Y} to {last:%d/%m/%Y}"
                    f" (hatched: fewer than {stats.SMALLEST_SHOWN})", fontsize=14)
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def write_chart(weeks: dict, target: Path, title: str = "Leerwinkel kiosk") -> Path:
    """The chart as a PNG file (`kiosk stats --chart`)."""
    write_atomically(Path(target), chart_png(weeks, title))
    return target


class ChartError(Exception):
    """The chart could not be drawn; the message says why in one line."""


def render_in_child(days: int, cache_dir: Path | None, title: str, size_px: tuple[int, int],
                    timeout: float = 60) -> bytes:
    """The chart of the last `days` days as PNG bytes, drawn in a child process."""
    width, height = (max(MIN_PX, min(MAX_PX, int(n))) for n in size_px)
    command = [sys.executable, "-m", "kiosk.cli.children", "chart", "--days", str(days),
               "--size", f"{width}x{height}", "--title", title[:200]]
    if cache_dir is not None:
        command += ["--cache-dir", str(cache_dir)]
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ChartError(f"drawing the chart took more than {timeout:.0f} s") from None
    if done.returncode != 0 or not done.stdout.startswith(b"\x89PNG"):
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        raise ChartError(f"drawing the chart failed: {lines[-1][:300]}")
    return done.stdout
