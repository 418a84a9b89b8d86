"""Catalog refresh benchmark: generated feeds of 1k, 10k and 100k courses.

For each size it prints the median wall time, peak memory and courses per second of
`kiosk.catalog.pipeline.refresh` from a feed file, next to a floor: a bare sqlite3 executemany load
of the same file (streamed with ijson, no checks, no indexes). Every measurement runs in
a fresh child process, whose peak memory is read with getrusage(RUSAGE_CHILDREN) by a
small wrapper process, so each figure stands alone.

With --sources N it also loads the same courses split over N sources ([[catalog.sources]],
one feed file per provider) and prints that time and memory against one feed of the same
size (goal: at most 2x the time, memory as one feed).

    python bench/refresh.py [--sizes 1000,10000,100000] [--repeat 3] [--sources 200 [--sources-only]]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

POSTCODES = ["9000", "1000", "2000", "8000", "3000", "3500", "9300", "2800", "8500", "1030"]
GOALS = ["nederlands", "digitaal", "beroep", "talen", "basisvaardigheden", "diploma-secundair"]


def make_course(i: int, rnd: random.Random, providers: int = 40) -> dict:
    fmt = rnd.choice(["klassikaal", "afstand", "combinatie"])
    location = {"name": "Campus", "street": f"Straat {i % 200}", "postcode": rnd.choice(POSTCODES),
                "city": "Gent"}
    if i % 2:
        location.update(lat=51.0 + rnd.random() / 10, lon=3.7 + rnd.random() / 10)
    return {
        "id": f"c-{i:07d}", "provider": f"p-{i % providers}",
        "title": {"nl": f"Cursus {i} voor volwassenen", "en": f"Course {i} for adults"},
        "summary": {"nl": "Een korte beschrijving van wat je leert en hoe de lessen verlopen."},
        "goals": rnd.sample(GOALS, rnd.randint(1, 2)), "outcome": "certificaat",
        "requires": {"dutch_level": rnd.choice(["A1", "A2", "B1"]), "diploma": "geen", "min_age": 18},
        "language": "nl", "format": fmt,
        "times": [] if fmt == "afstand" else [rnd.choice(["dag", "avond", "weekend"])],
        "hours_per_week": 4, "duration_weeks": 20,
        "start_dates": ["2027-02-01", "2027-09-01"], "flexible_start": fmt == "afstand",
        "cost": {"eur": 120.5, "free_for": ["werkzoekend"], "reduced_for": ["inburgeraar"],
                 "opleidingscheques": True, "opleidingsverlof": False},
        "location": location,
        "accessibility": {"wheelchair": True, "childcare": False},
        "url": f"https://aanbod.example/c/{i}",
    }


PROVIDERS = 40


def generate(n: int, path: Path, providers: int = PROVIDERS) -> None:
    """A feed of courses 0..n-1 over `providers` providers."""
    rnd = random.Random(n)
    made = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())     # never stale
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"format": "leerwinkel-catalog", "version": 1, '
                f'"generated_at": "{made}", "publisher": "Bench", "providers": ')
        f.write(json.dumps([{"id": f"p-{k}", "name": f"Aanbieder {k}", "type": "cvo"}
                            for k in range(providers)]) + ', "courses": [')
        for i in range(n):
            if i:
                f.write(",\n")
            f.write(json.dumps(make_course(i, rnd, providers), ensure_ascii=False))
        f.write("]}")


def generate_sources(n: int, folder: Path, sources: int) -> Path:
    """The same n courses as generate(n, …, providers=sources), one feed file per
    provider, and a site config listing them."""
    folder.mkdir(exist_ok=True)
    rnd = random.Random(n)
    made = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    files, first, tables = [], [True] * sources, []
    for k in range(sources):
        path = folder / f"p-{k}.json"
        files.append(open(path, "w", encoding="utf-8"))
        files[k].write('{"format": "leerwinkel-catalog", "version": 1, '
                       f'"generated_at": "{made}", "publisher": "Bench", "providers": '
                       + json.dumps([{"id": f"p-{k}", "name": f"Aanbieder {k}", "type": "cvo"}])
                       + ', "courses": [')
        tables.append({"name": f"Aanbieder {k}", "kind": "feed", "url": str(path),
                       "providers": [f"p-{k}"]})
    for i in range(n):
        k = i % sources
        files[k].write(("" if first[k] else ",\n")
                       + json.dumps(make_course(i, rnd, sources), ensure_ascii=False))
        first[k] = False
    for f in files:
        f.write("]}")
        f.close()
    config_path = folder / "sources.json"
    config_path.write_text(json.dumps(tables), encoding="utf-8")
    return config_path


# ---------------------------------------------------------------- work done in a child

def work_refresh(feed_path: str, workdir: str) -> dict:
    from kiosk.catalog import pipeline
    from kiosk.site import config
    start = time.perf_counter()
    report = pipeline.refresh(config.Config(), source=feed_path, cache_dir=Path(workdir))
    wall = time.perf_counter() - start
    if not report.ok:
        raise SystemExit(report.message)
    return {"wall": wall, "courses": report.loaded,
            "db_bytes": os.path.getsize(Path(workdir) / "catalog.sqlite")}


def work_sources(config_path: str, workdir: str) -> dict:
    from kiosk.catalog import pipeline
    from kiosk.site import config
    cfg = config.from_table({"catalog": {"sources": json.loads(Path(config_path).read_text())}})
    start = time.perf_counter()
    report = pipeline.refresh(cfg, cache_dir=Path(workdir))
    wall = time.perf_counter() - start
    if not report.ok:
        raise SystemExit(report.message)
    return {"wall": wall, "courses": report.loaded,
            "db_bytes": os.path.getsize(Path(workdir) / "catalog.sqlite")}


def work_floor(feed_path: str, workdir: str) -> dict:
    import ijson

    from kiosk.catalog.db import COURSE_COLUMNS
    start = time.perf_counter()
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    columns = list(COURSE_COLUMNS)
    conn = sqlite3.connect(Path(workdir) / "floor.sqlite")
    conn.execute(f"create table courses ({', '.join(columns)})")
    sql = f"insert into courses values ({', '.join('?' * len(columns))})"
    batch, count = [], 0
    with open(feed_path, "rb") as f:
        for c in ijson.items(f, "courses.item", use_float=True):
            loc, cost, acc, req = c["location"], c["cost"], c["accessibility"], c["requires"]
            row = {
                "id": c["id"], "provider": c["provider"], "title": dumps(c["title"]),
                "title_nl": c["title"]["nl"], "summary": dumps(c["summary"]),
                "summary_nl": c["summary"].get("nl"), "goals": dumps(c["goals"]),
                "outcome": c["outcome"], "min_age": req["min_age"], "language": c["language"],
                "format": c["format"], "times": dumps(c["times"]),
                "hours_per_week": c["hours_per_week"], "duration_weeks": c["duration_weeks"],
                "start_dates": dumps(c["start_dates"]), "last_start": max(c["start_dates"]),
                "flexible_start": c["flexible_start"], "cost_eur": cost["eur"],
                "free_for": dumps(cost["free_for"]), "reduced_for": dumps(cost["reduced_for"]),
                "opleidingscheques": cost["opleidingscheques"],
                "opleidingsverlof": cost["opleidingsverlof"], "location_name": loc["name"],
                "street": loc["street"], "postcode": loc["postcode"], "city": loc["city"],
                "lat": loc.get("lat"), "lon": loc.get("lon"), "wheelchair": acc["wheelchair"],
                "childcare": acc["childcare"], "url": c["url"]}
            batch.append(tuple(row.get(name, 0) for name in columns))   # by name: columns may grow
            if len(batch) >= 2000:
                conn.executemany(sql, batch)
                count += len(batch)
                batch.clear()
    conn.executemany(sql, batch)
    count += len(batch)
    conn.commit()
    conn.close()
    return {"wall": time.perf_counter() - start, "courses": count,
            "db_bytes": os.path.getsize(Path(workdir) / "floor.sqlite")}


def measure(mode: str, feed_path: Path) -> dict:
    """Run one measurement in a child; peak memory from RUSAGE_CHILDREN of a wrapper."""
    out = subprocess.run([sys.executable, __file__, "--_wrap", mode, str(feed_path)],
                         capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"{mode} failed: {out.stderr.strip()[-500:]}")
    return json.loads(out.stdout)


def wrap(mode: str, feed_path: str) -> None:
    with tempfile.TemporaryDirectory() as workdir:
        out = subprocess.run([sys.executable, __file__, "--_work", mode, feed_path, workdir],
                             capture_output=True, text=True, check=False)
        if out.returncode:
            print(out.stderr, file=sys.stderr)
            raise SystemExit(out.returncode)
        result = json.loads(out.stdout)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(result))


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sources", type=int, default=0,
                        help="also compare N sources against one feed of the same courses")
    parser.add_argument("--sources-only", action="store_true",
                        help="with --sources: only that comparison")
    parser.add_argument("--_wrap", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--_work", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._work:
        mode, feed_path, workdir = args._work
        work = {"refresh": work_refresh, "floor": work_floor, "sources": work_sources}[mode]
        print(json.dumps(work(feed_path, workdir)))
        return
    if args._wrap:
        wrap(*args._wrap)
        return
    print(f"machine: {os.cpu_count()} CPUs, {cpu_model()}, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}")
    print(f"medians of {args.repeat} runs; each run in a fresh process\n")
    if args.sources and args.sources_only:
        compare_sources(args)
        return
    print(f"{'courses':>8} {'feed MB':>8} {'catalog MB':>10} {'refresh s':>10} {'floor s':>8} "
          f"{'ratio':>6} {'courses/s':>10} {'peak MB':>8} {'floor peak MB':>13}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            path = Path(tmp) / f"feed-{n}.json"
            generate(n, path)
            runs = {"refresh": [], "floor": []}
            for _ in range(args.repeat):
                for mode in runs:
                    runs[mode].append(measure(mode, path))
            med = {m: {k: statistics.median(r[k] for r in rs) for k in ("wall", "peak_mb")}
                   for m, rs in runs.items()}
            assert runs["refresh"][0]["courses"] == n
            r, f = med["refresh"], med["floor"]
            print(f"{n:>8} {path.stat().st_size / 1e6:>8.1f} "
                  f"{runs['refresh'][0]['db_bytes'] / 1e6:>10.1f} {r['wall']:>10.2f} "
                  f"{f['wall']:>8.2f} {r['wall'] / f['wall']:>6.2f} {n / r['wall']:>10.0f} "
                  f"{r['peak_mb']:>8.0f} {f['peak_mb']:>13.0f}", flush=True)
    print("\nfloor = ijson stream + sqlite3 executemany of the same courses, no checks, "
          "no indexes; goal at 100k: ratio <= 3, peak <= 250 MB")
    if args.sources:
        compare_sources(args)


def compare_sources(args) -> None:
    """One feed against the same courses from args.sources sources, per size."""
    print(f"\n{'courses':>8} {'sources':>8} {'one feed s':>10} {'sources s':>10} {'ratio':>6} "
          f"{'one peak MB':>11} {'sources peak MB':>15} {'catalog MB':>10}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            one = Path(tmp) / f"one-{n}.json"
            generate(n, one, providers=args.sources)
            many = generate_sources(n, Path(tmp) / f"many-{n}", args.sources)
            runs = {"refresh": [], "sources": []}
            for _ in range(args.repeat):
                runs["refresh"].append(measure("refresh", one))
                runs["sources"].append(measure("sources", many))
            assert runs["sources"][0]["courses"] == runs["refresh"][0]["courses"] == n
            med = {m: {k: statistics.median(r[k] for r in rs) for k in ("wall", "peak_mb")}
                   for m, rs in runs.items()}
            r, s = med["refresh"], med["sources"]
            print(f"{n:>8} {args.sources:>8} {r['wall']:>10.2f} {s['wall']:>10.2f} "
                  f"{s['wall'] / r['wall']:>6.2f} {r['peak_mb']:>11.0f} {s['peak_mb']:>15.0f} "
                  f"{runs['sources'][0]['db_bytes'] / 1e6:>10.1f}", flush=True)
    print("goal: sources within 2x the time of one feed, peak memory as one feed")


if __name__ == "__main__":
    main()
