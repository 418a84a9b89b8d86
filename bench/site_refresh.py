"""Website source benchmark: a provider's site of N course pages (JSON-LD, one course
each, behind a sitemap) served on 127.0.0.1, against one feed of the same courses.

The site is served by a process of its own (as a real site is), with one page per
course and `--groups` course instances (groups) on each page. It prints the median wall
time of
- the site's first refresh (every page fetched and read),
- the site's refresh when nothing changed (one conditional request per page, answered
  304: nothing is read or built),
- one feed of the same courses loaded from scratch, and the same feed unchanged (304),
and the ratio "site unchanged / feed loaded" (goal: at most 2); beside each, the CPU time
of the refreshing process (the site's own work is not in it), which a busy machine
disturbs less than wall time.

    python bench/site_refresh.py [--pages 500] [--groups 3] [--repeat 5]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from provider_site import Site, json_ld_page, sitemap  # noqa: E402

from kiosk import clock  # noqa: E402
from kiosk.catalog import pipeline  # noqa: E402
from kiosk.site import config  # noqa: E402

TODAY = date(2026, 11, 28)
PROVIDER = "cvo-bench"


def starts(groups: int) -> list[str]:
    return [f"2027-{month:02d}-01" for month in range(2, 2 + groups)]


def feed_course(i: int, start: str) -> dict:
    """A course a page of the site gives, written as a feed course."""
    return {"id": f"C{i:05d}-{start}", "provider": PROVIDER,
            "title": {"nl": f"Nederlands {i}"}, "summary": {"nl": "Een cursus voor volwassenen."},
            "goals": ["nederlands"], "format": "klassikaal", "times": ["avond"],
            "start_dates": [start],
            "location": {"name": "Campus", "street": "Voskenslaan 1", "postcode": "9000",
                         "city": "Gent"}}


def build_site(pages: int, groups: int) -> Site:
    site = Site()
    site.put("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    urls = []
    for i in range(pages):
        path = f"/opleiding/{i}"
        site.put(path, json_ld_page(f"C{i:05d}", f"Nederlands {i}", start=starts(groups)))
        urls.append(site.url(path))
    site.put("/sitemap.xml", sitemap(urls), "application/xml")
    feed = {"format": "leerwinkel-catalog", "version": 1, "generated_at": "2026-11-20T08:00:00Z",
            "publisher": "Bench", "providers": [{"id": PROVIDER, "name": "CVO Bench",
                                                 "type": "cvo"}],
            "courses": [feed_course(i, s) for i in range(pages) for s in starts(groups)]}
    site.put("/feed.json", json.dumps(feed), "application/json")
    return site


def serve(pages: int, groups: int, pipe) -> None:
    """The site in a process of its own: sends its address, then on each message the
    number of requests answered 304 so far."""
    site = build_site(pages, groups)
    pipe.send(site.base)
    while pipe.recv():
        pipe.send(len(site.requests(304)))


def cpu_s() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def timed(cfg, cache: Path) -> tuple[float, float]:
    """(wall time, CPU time) of one refresh."""
    start, cpu = time.perf_counter(), cpu_s()
    report = pipeline.refresh(cfg, cache_dir=cache)
    took = time.perf_counter() - start, cpu_s() - cpu
    if not report.ok:
        raise SystemExit(f"refresh failed: {report.message}")
    return took


def site_config(base: str, kind: str) -> config.Config:
    url = base + ("/sitemap.xml" if kind == "schema.org" else "/feed.json")
    return config.from_table({"catalog": {"retries": 0, "sources": [
        {"name": "Bench", "kind": kind, "url": url, "providers": [PROVIDER],
         "requests_per_s": 10_000, "max_pages": 10_000, "allow_private": True}]}})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--groups", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    clock.today = lambda: TODAY
    ours, theirs = multiprocessing.Pipe()
    server = multiprocessing.get_context("fork").Process(
        target=serve, args=(args.pages, args.groups, theirs), daemon=True)
    server.start()
    base = ours.recv()
    figures: dict[str, list] = {k: [] for k in ("site first", "site unchanged", "feed loaded",
                                                "feed unchanged")}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.repeat):
            for kind, label in (("schema.org", "site"), ("feed", "feed")):
                cache = Path(tmp) / f"{label}-{n}"
                cache.mkdir()
                cfg = site_config(base, kind)
                first = timed(cfg, cache)
                figures[f"{label} {'first' if label == 'site' else 'loaded'}"].append(first)
                figures[f"{label} unchanged"].append(timed(cfg, cache))
    ours.send(True)
    conditional = ours.recv()
    ours.send(False)
    server.join()
    print(f"site of {args.pages} pages with {args.groups} groups each "
          f"({args.pages * args.groups} courses), {args.repeat} runs (medians):")
    for label, values in figures.items():
        wall, cpu = (statistics.median(v) for v in zip(*values))
        print(f"  {label:15s} {wall:8.3f} s   CPU {cpu:7.3f} s")
    site_wall, site_cpu = (statistics.median(v) for v in zip(*figures["site unchanged"]))
    feed_wall, feed_cpu = (statistics.median(v) for v in zip(*figures["feed loaded"]))
    print(f"  ratio site unchanged / feed loaded: {site_wall / feed_wall:.2f} "
          f"(CPU {site_cpu / feed_cpu:.2f}; goal: at most 2)")
    print(f"  conditional requests answered 304: {conditional}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
