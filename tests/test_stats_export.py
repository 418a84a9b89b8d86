"""Usage figures for partners: per week as CSV and as a PNG chart (kiosk stats --csv/--chart)."""
import csv
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from kiosk.site import stats, stats_chart, stats_export

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 11, 28)                      # a Saturday; its week starts 2026-11-23


@pytest.fixture
def figures(tmp_path):
    """Three weeks of counters: 12, 3 and 7 visits; goals and languages, some below 5."""
    for weeks_ago, visits in ((2, 12), (1, 3), (0, 7)):
        day = TODAY - timedelta(days=7 * weeks_ago)
        for i in range(visits):
            events = [("visit", ""), ("language", "nl" if i % 4 else "ar")]
            if i % 2 == 0:
                events += [("results", ""), ("goal", "nederlands" if i % 3 else "beroep")]
            if i % 6 == 0:
                events.append(("booking", ""))
            stats.count_all(events, tmp_path, day)
        stats.count("timeout", cache_dir=tmp_path, day=day)
    return tmp_path


def test_weeks_are_summed_from_monday_and_none_is_missing(figures):
    weeks = stats_export.weekly(21, figures, today=TODAY)
    assert list(weeks) == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16),
                           date(2026, 11, 23)]
    assert [w.get("visit", {}).get("", 0) for w in weeks.values()] == [0, 12, 3, 7]


def test_csv_reads_back_with_small_counts_as_less_than_5(figures, tmp_path):
    target = stats_export.write_csv(stats_export.weekly(21, figures, today=TODAY),
                                    tmp_path / "figures.csv")
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert [row["week"] for row in rows] == ["2026-11-02", "2026-11-09", "2026-11-16",
                                             "2026-11-23"]
    assert [row["visits started"] for row in rows] == ["0", "12", "<5", "7"]
    assert [row["wiped after no touch"] for row in rows] == ["0", "<5", "<5", "<5"]
    assert rows[1]["reached the results"] == "6" and rows[1]["language: nl"] == "9"
    assert rows[1]["language: ar"] == "<5" and rows[1]["goal: beroep"] == "<5"
    cells = {cell for row in rows for key, cell in row.items() if key != "week"}
    assert not cells & {"1", "2", "3", "4"}


def test_chart_is_a_real_picture_not_a_blank_page(figures, tmp_path):
    target = stats_chart.write_chart(stats_export.weekly(21, figures, today=TODAY),
                                     tmp_path / "chart.png", title="Leerwinkel Gent")
    image = Image.open(target).convert("RGB")
    assert image.size == (1200, 800)
    colours = image.getcolors(maxcolors=1 << 16) or []
    assert len(colours) > 20                                  # text, bars, hatching
    blue = sum(n for n, (r, g, b) in colours if b > 100 and r < 40)
    assert blue > 5000                                         # the bars are there
    assert ImageStat.Stat(image.convert("L")).stddev[0] > 20


def test_chart_of_a_kiosk_without_figures_still_renders(tmp_path):
    target = stats_chart.write_chart(stats_export.weekly(7, tmp_path, today=TODAY),
                                     tmp_path / "empty.png")
    assert Image.open(target).size == (1200, 800)


def test_kiosk_stats_writes_csv_and_chart(figures, tmp_path):
    env = {"KIOSK_CACHE_DIR": str(figures), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "stats", "--days", "3650",
                          "--csv", str(tmp_path / "f.csv"), "--chart", str(tmp_path / "f.png")],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "written to" in out.stderr and "visits started" in out.stdout
    rows = list(csv.DictReader((tmp_path / "f.csv").open(encoding="utf-8")))
    assert sum(int(row["visits started"]) for row in rows
               if row["visits started"] not in ("<5",)) == 19
    assert Image.open(tmp_path / "f.png").size == (1200, 800)
    bad = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "stats", "--csv",
                          str(tmp_path / "no" / "such" / "dir.csv")],
                         cwd=ROOT, env=env, capture_output=True, text=True)
    assert bad.returncode == 1 and "Cannot write" in bad.stderr
