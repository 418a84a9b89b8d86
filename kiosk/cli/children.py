"""The kiosk's child processes, the only entry point besides `kiosk` itself:

    python -m kiosk.cli.children refresh    a catalog refresh under a memory cap; the job
                                            (site config, source, day) as JSON on stdin
    python -m kiosk.cli.children chart …    the usage chart as PNG bytes on stdout

The kiosk starts them (kiosk/catalog/child.py, kiosk/site/stats_chart.py) so that a feed
cannot take the kiosk down and matplotlib never loads in the kiosk's own process.
"""
from __future__ import annotations

import argparse
import json
import sys


def refresh(args) -> int:
    from kiosk.catalog import child
    return child.run_job(json.loads(sys.stdin.read()))


def chart(args) -> int:
    from kiosk.site import stats_chart, stats_export
    width, height = (int(n) for n in args.size.split("x"))
    weeks = stats_export.weekly(max(1, args.days), args.cache_dir)
    sys.stdout.buffer.write(stats_chart.chart_png(weeks, args.title, (width, height)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kiosk.cli.children")
    sub = parser.add_subparsers(dest="child", required=True)
    sub.add_parser("refresh").set_defaults(func=refresh)
    drawing = sub.add_parser("chart")
    drawing.add_argument("--days", type=int, default=90)
    drawing.add_argument("--size", default="1200x800", help="WIDTHxHEIGHT in pixels")
    drawing.add_argument("--title", default="Leerwinkel kiosk")
    drawing.add_argument("--cache-dir")
    drawing.set_defaults(func=chart)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
