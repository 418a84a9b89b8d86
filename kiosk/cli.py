"""The `kiosk` command (CONTRACT.md section 5). Each subcommand lives in its module."""
from __future__ import annotations

import argparse
import importlib
import os
import sys

from . import config as config_mod

# command path -> (module, function); each function takes (cfg, args) and returns an exit code
COMMANDS = {
    ("run",): ("screens.launch", "cmd_run"),
    ("catalog", "refresh"): ("kiosk.feed", "cmd_refresh"),
    ("catalog", "status"): ("kiosk.feed", "cmd_status"),
    ("catalog", "rollback"): ("kiosk.feed", "cmd_rollback"),
    ("catalog", "import-csv"): ("kiosk.csv_import", "cmd_import_csv"),
    ("match",): ("kiosk.matching", "cmd_match"),
    ("booking-url",): ("kiosk.handoff", "cmd_booking_url"),
    ("handoff", "show"): ("kiosk.handoff", "cmd_handoff_show"),
    ("staff", "set-pin"): ("kiosk.staff", "cmd_set_pin"),
    ("stats",): ("kiosk.stats", "cmd_stats"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description="Leerwinkel kiosk")
    parser.add_argument("--config", help="site config file (TOML); default $KIOSK_CONFIG")
    # the same option after a subcommand; SUPPRESS keeps it from overwriting the top-level one
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", parents=[common], help="start the kiosk UI")
    run.add_argument("--kiosk", action="store_true", help="fullscreen; leaving needs the staff PIN")
    run.add_argument("--size", help="window size WIDTHxHEIGHT, e.g. 1080x1920")

    catalog = sub.add_parser("catalog", parents=[common], help="the cached course catalog")
    csub = catalog.add_subparsers(dest="catalog_command", required=True)
    refresh = csub.add_parser("refresh", parents=[common], help="fetch, validate and swap in a feed")
    refresh.add_argument("--source", help="feed URL or file; default: the config's catalog.source")
    status = csub.add_parser("status", parents=[common], help="what catalog is loaded")
    status.add_argument("--json", action="store_true")
    csub.add_parser("rollback", parents=[common], help="go back to the previous catalog")
    imp = csub.add_parser("import-csv", parents=[common], help="turn the CSV template into a feed")
    imp.add_argument("file")
    imp.add_argument("--out", required=True, help="feed file to write (JSON)")
    imp.add_argument("--publisher", default=None)

    match = sub.add_parser("match", parents=[common], help="the results the kiosk would show")
    match.add_argument("--answers", required=True, help="answers JSON file ('-' = stdin)")
    match.add_argument("--today", help="YYYY-MM-DD instead of today's date")
    match.add_argument("--json", action="store_true")

    booking = sub.add_parser("booking-url", parents=[common], help="the text the booking QR encodes")
    booking.add_argument("--answers", required=True, help="answers JSON file ('-' = stdin)")
    booking.add_argument("--course", action="append", default=[], metavar="ID")

    handoff = sub.add_parser("handoff", parents=[common], help="for counsellors")
    hsub = handoff.add_subparsers(dest="handoff_command", required=True)
    show = hsub.add_parser("show", parents=[common], help="what a booking link carries")
    show.add_argument("link", metavar="URL_OR_TOKEN")

    stats = sub.add_parser("stats", parents=[common], help="anonymous usage figures")
    stats.add_argument("--days", type=int, default=30, help="the last N days (default 30)")
    stats.add_argument("--json", action="store_true")

    staff = sub.add_parser("staff", parents=[common], help="staff access")
    ssub = staff.add_subparsers(dest="staff_command", required=True)
    pin = ssub.add_parser("set-pin", parents=[common], help="set the staff PIN (stored hashed)")
    pin.add_argument("--pin", help="the new PIN (digits); asked for when left out")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    key = tuple(v for v in (args.command, getattr(args, "catalog_command", None),
                            getattr(args, "handoff_command", None),
                            getattr(args, "staff_command", None)) if v)
    try:
        cfg = config_mod.load(args.config)
    except config_mod.ConfigError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 2
    module, func = COMMANDS[key]
    try:
        return getattr(importlib.import_module(module), func)(cfg, args) or 0
    except BrokenPipeError:            # output piped into `head` and the like: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
