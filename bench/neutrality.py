"""Is the ranking neutral between providers? The average place per provider type over
every answer set, on the bundled sample catalog.

    .venv/bin/python bench/neutrality.py [--today 2026-11-28] [--markdown]

Answer sets: every goal (and `weet-niet`) x every situation (and none) x five diplomas
(none given, geen, secundair, hoger, buitenlands) x four places (none, Gent, Antwerpen,
Brussel): 1,120 visitors. In each list the place of a result is its rank scaled to 0 (the
top) .. 1 (the bottom); a list of one counts 0. Routes that are not courses are counted
by their kind (intake, exam, recognition-*), courses by their provider's type. A lower
average means higher up; docs/matching.md ("Neutrality") explains what the differences
follow from.
"""
from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import tempfile
from collections import defaultdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk import clock, vocab  # noqa: E402
from kiosk.catalog import db as catalog_mod  # noqa: E402
from kiosk.catalog import pipeline  # noqa: E402
from kiosk.guidance import matching  # noqa: E402
from kiosk.site import config  # noqa: E402

DIPLOMAS = (None, "geen", "secundair", "hoger", vocab.FOREIGN_DIPLOMA)
POSTCODES = (None, "9000", "2000", "1000")


def answer_sets():
    goals = (*vocab.GOALS, vocab.GOAL_UNSURE)
    for goal, status, diploma, postcode in itertools.product(
            goals, (None, *vocab.STATUSES), DIPLOMAS, POSTCODES):
        yield {"goal": goal, "status": status, "diploma": diploma, "postcode": postcode,
               "max_distance_km": 30 if postcode else None}


def places_by_type(today: date) -> tuple[dict, int]:
    clock.today = lambda: today
    with tempfile.TemporaryDirectory() as folder:
        report = pipeline.refresh(config.Config(), cache_dir=Path(folder))
        if not report.ok:
            raise SystemExit(f"the sample did not load: {report}")
        cat = catalog_mod.open_catalog(catalog_mod.current_path(Path(folder)))
        places, sets = defaultdict(list), 0
        paid, late = defaultdict(list), defaultdict(list)
        for answers in answer_sets():
            results = matching.match(cat, answers, today).results
            sets += 1
            n = len(results)
            for i in range(n):
                r = results[i]
                what = r.course.get("kind") or (r.provider or {}).get("type") or "andere"
                places[what].append(i / (n - 1) if n > 1 else 0.0)
                paid[what].append(r.cost == "full")
                first = next((d for d in r.course.get("start_dates") or ()
                              if d >= today.isoformat()), None)
                late[what].append(0 if r.course.get("flexible_start") or not first else
                                  (date.fromisoformat(first) - today).days)
        cat.close()
    return {what: (values, statistics.fmean(paid[what]), statistics.median(late[what]))
            for what, values in places.items()}, sets


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--today", default="2026-11-28")
    parser.add_argument("--markdown", action="store_true", help="a table for docs/matching.md")
    args = parser.parse_args(argv)
    places, sets = places_by_type(date.fromisoformat(args.today))
    rows = sorted(places.items(), key=lambda kv: statistics.fmean(kv[1][0]))
    print(f"{sets} answer sets on the bundled sample, today {args.today}")
    if args.markdown:
        print("\n| provider type or route | results counted | average place (0 top, 1 bottom)"
              " | share with a price to pay | median days to start |")
        print("| --- | --- | --- | --- | --- |")
    for what, (values, paid, days) in rows:
        mean = statistics.fmean(values)
        if args.markdown:
            print(f"| {what} | {len(values)} | {mean:.2f} | {paid:.0%} | {days:.0f} |")
        else:
            print(f"{what:24s} {len(values):7d} {mean:6.2f} {paid:6.0%} {days:6.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
