"""The partners' chart of the usage figures (kiosk/stats_export.py) as one PNG: visits
per week, where visitors stop, goals and languages. Counts from 1 to 4 are drawn as a
hatched bar up to 5 labelled "<5", never at their exact height."""
from __future__ import annotations

from pathlib import Path

from . import stats, stats_export

BLUE, PALE = "#0a4f8a", "#b7cbe0"


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


def write_chart(weeks: dict, target: Path, title: str = "Leerwinkel kiosk") -> Path:
    """Render the four panels to `target` (PNG), without a display (Agg)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(12, 8), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    (visits, funnel), (goals, languages) = figure.subplots(2, 2)
    _bars(visits, [f"W{week.isocalendar().week}\n{week:%d/%m}" for week in weeks],
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
    figure.suptitle(f"{title}: anonymous usage, weeks of {first:%d/%m/%Y} to {last:%d/%m/%Y}"
                    f" (hatched: fewer than {stats.SMALLEST_SHOWN})", fontsize=14)
    figure.savefig(target, format="png")
    return target
