"""The `kiosk catalog …` commands (docs/cli.md): refresh, status, rollback, import-csv,
report and check. Each calls one core function and prints its result."""
from __future__ import annotations

from kiosk.cli.output import fail as _fail
from kiosk.cli.output import report as _report
from kiosk.cli.output import say
from kiosk.text.printable import json_text, one_line


def register(sub, common) -> None:
    catalog = sub.add_parser("catalog", parents=[common], help="the cached course catalog")
    csub = catalog.add_subparsers(dest="catalog_command", required=True)
    refresh = csub.add_parser("refresh", parents=[common], help="fetch, validate and swap in a feed")
    refresh.add_argument("--source", help="feed URL or file; default: the config's catalog.source")
    refresh.add_argument("--allow-shrink", action="store_true", help="load it even when the "
                         "catalog shrinks by more than catalog.max_shrink")
    refresh.set_defaults(func=cmd_refresh)
    status = csub.add_parser("status", parents=[common], help="what catalog is loaded")
    status.add_argument("--json", action="store_true")
    status.set_defaults(func=cmd_status)
    csub.add_parser("rollback", parents=[common],
                    help="go back to the previous catalog").set_defaults(func=cmd_rollback)
    imp = csub.add_parser("import-csv", parents=[common], help="turn the CSV template into a feed")
    imp.add_argument("file")
    imp.add_argument("--out", required=True, help="feed file to write (JSON)")
    imp.add_argument("--publisher", default=None)
    imp.set_defaults(func=cmd_import_csv)
    add_quality_commands(csub, common)


def cmd_refresh(cfg, args) -> int:
    from kiosk.catalog import pipeline
    from kiosk.site import metrics
    report = pipeline.refresh(cfg, source=getattr(args, "source", None),
                          allow_shrink=getattr(args, "allow_shrink", False))
    metrics.write_quietly(cfg)
    return _report(report)


def cmd_rollback(cfg, args) -> int:
    from kiosk.catalog import store
    report = store.rollback()
    say(one_line(report.message, 500), err=not report.ok)
    return 0 if report.ok else 1


def status_text(info: dict) -> str:
    if info.get("problem"):
        return f"The catalog cannot be used: {one_line(info['problem'], 300)}"
    if not info["present"]:
        return ("No catalog is loaded yet. Run: kiosk catalog refresh "
                "(the kiosk starts on the bundled sample catalog).")
    lines = [
        f"Source:        {one_line(info['source'] or 'unknown')}",
        f"Publisher:     {one_line(info['publisher'] or 'unknown')}",
        f"Feed made at:  {info['feed_generated_at'] or 'unknown'}",
        f"Refreshed at:  {info['refreshed_at']}",
        f"Last checked:  {info['checked_at'] or info['refreshed_at']}",
        f"Providers:     {info['providers']}",
        f"Courses:       {info['courses']}"
        + (f" ({info['rejected']} rejected at refresh)" if info["rejected"] else ""),
        "Age:           " + (f"{info['age_days']} days" if info["age_days"] is not None
                              else "unknown (a refresh time in the future: was the clock "
                                   "ahead?)"),
        f"Rollback:      {'possible' if info['previous_available'] else 'no previous catalog'}",
    ]
    if info.get("last_ok") is False:
        lines.append(f"Last refresh FAILED ({info['last_attempt_at']}): "
                     f"{one_line(info['last_message'], 500)}")
    if info["stale"]:
        lines.append(f"WARNING: the catalog is older than {info['max_age_days']} days. "
                     "Run: kiosk catalog refresh")
    return "\n".join(lines)


def cmd_status(cfg, args) -> int:
    from kiosk.catalog import status
    info = status.status(cfg)
    if getattr(args, "json", False):
        print(json_text(info, indent=2))
    else:
        say(status_text(info))
    return 0


def cmd_import_csv(cfg, args) -> int:
    import tempfile
    from pathlib import Path

    from kiosk.catalog import convert_csv as csv_import
    try:
        with tempfile.TemporaryDirectory() as scratch:
            source = input_file(args.file, scratch, csv_import.MAX_BYTES)
            doc, report = csv_import.csv_to_feed(source, args.publisher or cfg.site.name)
        if doc is not None:
            csv_import.write_feed(doc, Path(args.out))
    except (csv_import.CsvError, InputRefused) as exc:
        return _fail(str(exc), 1)
    except OSError as exc:
        return _fail(f"the feed file {args.out} cannot be written ({exc.strerror}).", 1)
    if doc is not None:
        report.message += f" Written to {args.out}."
    return _report(report)




def cmd_report(cfg, args) -> int:
    """`kiosk catalog report [--html FILE] [--json]`: data quality per source and provider."""
    from pathlib import Path

    from kiosk.catalog import quality
    from kiosk.files import write_atomically
    report = quality.build(cfg)
    if args.html:
        try:
            write_atomically(Path(args.html), quality.as_html(report))
        except OSError as exc:
            return _fail(f"Cannot write {args.html}: {exc.strerror}.", 1)
        say(f"Report written to {args.html}.", err=True)
    if args.json:
        print(json_text(report, indent=1))
    elif not args.html:
        say(quality.text(report))
    return 0


def cmd_check(cfg, args) -> int:
    """`kiosk catalog check FILE`: a provider checks its own file; nothing is loaded.
    Exit 0 when it would load, 1 when it would be refused."""
    import tempfile
    from pathlib import Path

    from kiosk.catalog import gather, quality
    from kiosk.catalog import schema as feed_schema
    from kiosk.catalog.report import KEPT, FeedRefused
    kind = args.kind or _kind_of(Path(args.file))
    with tempfile.TemporaryDirectory() as scratch:
        try:
            path = input_file(args.file, Path(scratch), cfg.catalog.max_bytes)
        except InputRefused as exc:
            return _fail(str(exc), 1, "kiosk catalog check")
        problems = feed_schema.problems_in_file(path, cfg.catalog.max_bytes) \
            if kind == "feed" else []
        try:
            gather.check_file(cfg, path, kind, Path(scratch), args.provider)
            refused = None
        except FeedRefused as exc:
            refused = str(exc).replace(f" {KEPT}", "")
        found = quality.build(cfg, Path(scratch))
    if args.json:
        print(json_text({"schema": problems, "refused": refused, **found}, indent=1))
    else:
        say("\n".join([f"schema: {p}" for p in problems] + [quality.text(found)]))
    if refused:
        return _fail(refused, 1, "kiosk catalog check")
    return 0


class InputRefused(Exception):
    """An input file that is not read: the message says why in one line."""


def input_file(name: str, scratch, max_bytes: int):
    """The path of an input FILE: `-` is standard input, kept in `scratch` (at most
    `max_bytes`); a folder, FIFO or device is refused (reading /dev/zero never ends)."""
    import shutil
    import sys
    from pathlib import Path
    if name != "-":
        path = Path(name)
        if path.exists() and not path.is_file():
            raise InputRefused(f"{name} is not a plain file (a folder, a pipe or a device).")
        return path
    kept = Path(scratch) / "standard-input"
    with open(kept, "wb") as out:
        shutil.copyfileobj(_Limited(sys.stdin.buffer, max_bytes), out)
    return kept


class _Limited:
    """A binary stream that refuses to give more than `limit` bytes."""

    def __init__(self, raw, limit: int):
        self.raw, self.left = raw, limit

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(min(size if size > 0 else 1 << 16, self.left + 1))
        self.left -= len(data)
        if self.left < 0:
            raise InputRefused("standard input is larger than catalog.max_bytes.")
        return data


def _kind_of(path) -> str:
    name = path.name.lower()
    if name.endswith(".csv"):
        return "csv"
    return "schema.org" if name.endswith((".html", ".htm")) else "feed"


def add_quality_commands(csub, common) -> None:
    report = csub.add_parser("report", parents=[common],
                             help="data quality per source and provider")
    report.add_argument("--html", metavar="FILE", help="also write it as an HTML page")
    report.add_argument("--json", action="store_true")
    report.set_defaults(func=cmd_report)
    check = csub.add_parser("check", parents=[common],
                            help="check a feed, CSV or web page; nothing is loaded")
    check.add_argument("file")
    check.add_argument("--kind", choices=["feed", "csv", "schema.org"],
                       help="default: from the file name (.csv, .html, else feed)")
    check.add_argument("--provider", metavar="ID",
                       help="the provider the file speaks for (default: any it names)")
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=cmd_check)

