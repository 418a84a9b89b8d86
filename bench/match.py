"""How fast is one match? Median and p95 at 1k, 10k and 100k generated courses.

    .venv/bin/python bench/match.py [--sizes 1000,10000,100000] [--runs 60] [--slow-runs N]

Prints the machine, each catalog's size, the time of one plain SQLite scan of the
courses table (the floor), and the latency of `matching.match` for typical answers
(a goal, a postcode with 20 km, chosen times): until the first screen is ready, and
until every result is built; "beroep" for a jobseeker (a third of the catalog fits); a
language switch on a first screen (its results said again, no query). A broad question
(goal `weet-niet`, nothing else) is timed too: an orientation over goals, the best few of
each goal out of most of the catalog, and the same with a postcode (half of the runs also
with 20 km). The catalogs are generated feeds loaded by the real refresh.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlite_utils  # noqa: E402

from kiosk import vocab  # noqa: E402
from kiosk.catalog import db as catalog  # noqa: E402
from kiosk.catalog import pipeline  # noqa: E402
from kiosk.guidance import matching, places  # noqa: E402
from kiosk.site import config  # noqa: E402

TODAY = date(2027, 1, 10)


def flemish_postcodes() -> list[str]:
    codes = [f"{n}" for n in range(1000, 10000)
             if (1500 <= n < 4000 or 8000 <= n < 10000) and places._table().get(str(n))]
    return codes


def generate(n: int, rnd: random.Random) -> tuple[list[dict], list[dict]]:
    codes = flemish_postcodes()
    providers = [{"id": f"prov-{i}", "name": f"Provider {i}",
                  "type": rnd.choice(vocab.PROVIDER_TYPES)} for i in range(max(5, n // 50))]
    courses = []
    for i in range(n):
        fmt = rnd.choices(vocab.FORMATS, weights=(7, 1, 2))[0]
        postcode = rnd.choice(codes)
        lat, lon = places.postcode_coordinates(postcode)
        starts = sorted((TODAY + timedelta(days=rnd.randint(-120, 300))).isoformat()
                        for _ in range(rnd.randint(1, 3)))
        courses.append({
            "id": f"c{i}", "provider": rnd.choice(providers)["id"],
            "title": {"nl": f"Cursus {i}"},
            "goals": rnd.sample(vocab.GOALS, rnd.choice((1, 1, 2))),
            "outcome": rnd.choice(vocab.OUTCOMES),
            "requires": {"dutch_level": rnd.choice(vocab.DUTCH_LEVELS[:5]),
                         "diploma": rnd.choice(vocab.DIPLOMAS[:4])},
            "format": fmt,
            "times": [] if fmt == "afstand" else rnd.sample(vocab.TIMES, rnd.choice((1, 1, 2))),
            "start_dates": starts, "flexible_start": rnd.random() < 0.15,
            "cost": {"eur": rnd.choice((0, 60, 120, 180, 350, None)),
                     "free_for": rnd.sample(vocab.STATUSES, rnd.randint(0, 2)),
                     "reduced_for": rnd.sample(vocab.STATUSES, rnd.randint(0, 1)),
                     "opleidingscheques": rnd.random() < 0.3,
                     "opleidingsverlof": rnd.random() < 0.3},
            "location": {"postcode": postcode, "lat": lat + rnd.uniform(-0.01, 0.01),
                         "lon": lon + rnd.uniform(-0.01, 0.01)},
        })
    return providers, courses


def uniform(n: int, rnd: random.Random) -> tuple[list[dict], list[dict]]:
    """bench/refresh.py's feed: few postcodes, equal prices and dates, so many courses
    score the same (the hard case for ties)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import refresh
    providers = [{"id": f"p-{k}", "name": f"Aanbieder {k}", "type": "cvo"}
                 for k in range(refresh.PROVIDERS)]
    return providers, [refresh.make_course(i, rnd) for i in range(n)]


FEEDS = {"varied": generate, "uniform": uniform}


def build(cache_dir: Path, n: int, rnd: random.Random, feed_kind: str = "varied") -> Path:
    """A generated feed of n courses, loaded by the real refresh (kiosk catalog refresh);
    the catalog file."""
    providers, courses = FEEDS[feed_kind](n, rnd)
    feed = cache_dir.parent / f"{cache_dir.name}-feed.json"
    made = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())       # never stale
    with open(feed, "w", encoding="utf-8") as f:
        f.write('{"format": "leerwinkel-catalog", "version": 1, '
                f'"generated_at": "{made}", "publisher": "Bench", "providers": '
                + json.dumps(providers) + ', "courses": [')
        f.write(",\n".join(json.dumps(c, ensure_ascii=False) for c in courses))
        f.write("]}")
    report = pipeline.refresh(config.Config(), source=str(feed), cache_dir=cache_dir)
    if not report.ok or report.rejected:
        raise SystemExit(f"the generated feed did not load: {report.message}")
    return catalog.current_path(cache_dir)


def typical_answers(rnd: random.Random, codes: list[str]) -> dict:
    return {"goal": rnd.choice(vocab.GOALS), "postcode": rnd.choice(codes),
            "max_distance_km": 20, "times": rnd.choice((["avond"], ["dag"], ["dag", "avond"])),
            "status": rnd.choice(vocab.STATUSES), "dutch_level": rnd.choice(vocab.DUTCH_LEVELS),
            "language": "nl"}


CLOCK = time.perf_counter


def timed(fn, runs: int) -> tuple[float, float, float]:
    """Median and p95 in milliseconds, and the mean number of results."""
    times, sizes = [], []
    for _ in range(runs):
        start = CLOCK()
        sizes.append(fn())
        times.append((CLOCK() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], \
        statistics.mean(sizes)


def cases(cat, codes: list[str], runs: int, slow_runs: int) -> list[tuple]:
    """(label, function returning the number of results, runs) for each timed question."""
    rnd = random.Random(1)

    def first_page():
        out = matching.match(cat, typical_answers(rnd, codes), TODAY)
        out.results[:matching.FIRST_PAGE]
        return len(out.results)

    def everything():
        out = matching.match(cat, typical_answers(rnd, codes), TODAY)
        return len(list(out.results))

    def broad():
        out = matching.match(cat, {"goal": "weet-niet"}, TODAY)
        out.results[:matching.FIRST_PAGE]
        return len(out.results)

    def broad_near():
        answers = {"goal": "weet-niet", "postcode": rnd.choice(codes)}
        if rnd.random() < 0.5:
            answers["max_distance_km"] = 20
        out = matching.match(cat, answers, TODAY)
        out.results[:matching.FIRST_PAGE]
        return len(out.results)

    def jobseeker():
        out = matching.match(cat, {"goal": "beroep", "status": ["werkzoekend"]}, TODAY)
        out.results[:matching.FIRST_PAGE]
        return len(out.results)

    shown = matching.match(cat, typical_answers(rnd, codes), TODAY, lang="nl")
    shown.results[:matching.FIRST_PAGE]
    langs = iter(["en", "fr", "ar", "uk", "nl"] * (runs + 1))

    def language_switch():
        other = shown.in_language(next(langs))
        said = [(r.reasons, r.price) for r in other.results[:matching.FIRST_PAGE]]
        return len(other.results) if said else 0

    return [("typical answers, first screen", first_page, runs),
            ("typical answers, all results built", everything, runs),
            ("beroep for a jobseeker, first screen", jobseeker, runs),
            ("language switch, first screen said again", language_switch, runs),
            ("weet-niet, nothing else, first screen", broad, slow_runs),
            ("weet-niet with a postcode, first screen", broad_near, slow_runs)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--slow-runs", type=int, default=None,
                        help="runs of the orientation cases (default: a sixth of --runs)")
    parser.add_argument("--feed", choices=FEEDS, default="varied",
                        help="varied: random courses all over Flanders; uniform: "
                             "bench/refresh.py's feed, where many courses tie")
    parser.add_argument("--cpu", action="store_true",
                        help="time with this process's CPU time, not the wall clock: steadier "
                             "on a machine that is busy with other work")
    args = parser.parse_args()
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time
    print(f"machine: {platform.machine()} {platform.processor() or ''}, "
          f"{os.cpu_count()} cores, Python {platform.python_version()}, "
          f"SQLite {sqlite_utils.Database(memory=True).execute('select sqlite_version()').fetchone()[0]}"
          f", load average {os.getloadavg()[0]:.1f}, {'CPU time' if args.cpu else 'wall clock'}")
    codes = flemish_postcodes()
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            rnd = random.Random(n)
            t0 = time.perf_counter()
            path = build(Path(tmp) / f"cache-{n}", n, rnd, args.feed)
            cat = catalog.open_catalog(path)
            size_mb = path.stat().st_size / 1e6
            print(f"\n{n:,} courses ({args.feed} feed), {cat.counts()['providers']} providers, "
                  f"{size_mb:.1f} MB (built in {time.perf_counter() - t0:.1f} s)")
            scan = timed(lambda cat=cat: cat.db.execute(
                "select count(*), sum(length(title_nl)) from courses").fetchone()[0], args.runs)
            print(f"  floor, one plain scan of courses      median {scan[0]:7.2f} ms   "
                  f"p95 {scan[1]:7.2f} ms")
            slow_runs = max(5, args.runs // 6) if args.slow_runs is None else args.slow_runs
            for label, fn, runs in cases(cat, codes, args.runs, slow_runs):
                median, p95, found = timed(fn, runs)
                print(f"  {label:40s} median {median:7.2f} ms   p95 {p95:7.2f} ms   "
                      f"({found:,.0f} results on average)")
            cat.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
