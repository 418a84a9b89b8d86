"""The `kiosk` command (docs/cli.md): parses the command line and calls the core.

Each command is a small function here that calls one core function and prints its
result; no rule of the kiosk lives in this module.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sqlite3
import sys
from datetime import date

from kiosk.cli.catalog import (
    CATALOG_COMMANDS,
    add_catalog_commands,
    status_text,  # noqa: F401 - part of the module's surface
)
from kiosk.cli.output import fail as _fail
from kiosk.cli.output import say
from kiosk.site import config as config_mod
from kiosk.text.printable import json_text, one_line


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
    add_catalog_commands(sub, common)
    _add_visit_commands(sub, common)
    _add_site_commands(sub, common)
    _add_service_command(sub, common)
    return parser


def _add_visit_commands(sub, common) -> None:
    """What a visit produces: the results, the booking link, what a counsellor reads."""
    match = sub.add_parser("match", parents=[common], help="the results the kiosk would show")
    match.add_argument("--answers", required=True, help="answers JSON file ('-' = stdin)")
    match.add_argument("--today", help="YYYY-MM-DD instead of today's date")
    match.add_argument("--json", action="store_true")
    booking = sub.add_parser("booking-url", parents=[common], help="the text the booking QR encodes")
    booking.add_argument("--answers", required=True, help="answers JSON file ('-' = stdin)")
    booking.add_argument("--course", action="append", default=[], metavar="ID")
    secret = sub.add_parser("booking", parents=[common], help="booking set-up")
    bsub = secret.add_subparsers(dest="booking_command", required=True)
    bsub.add_parser("new-secret", parents=[common], help="a new random booking secret")
    handoff = sub.add_parser("handoff", parents=[common], help="for counsellors")
    hsub = handoff.add_subparsers(dest="handoff_command", required=True)
    show = hsub.add_parser("show", parents=[common], help="what a booking link carries")
    show.add_argument("link", metavar="URL_OR_TOKEN")


def _add_site_commands(sub, common) -> None:
    """For staff and a site's IT person: figures, the device's health, the PIN."""
    stats = sub.add_parser("stats", parents=[common], help="anonymous usage figures")
    stats.add_argument("--days", type=int, default=30, help="the last N days (default 30)")
    stats.add_argument("--json", action="store_true")
    stats.add_argument("--csv", metavar="FILE", help="also write the figures per week as CSV")
    stats.add_argument("--chart", metavar="FILE.png", help="also draw them as a PNG chart")
    doctor = sub.add_parser("doctor", parents=[common], help="check this device, say what to fix")
    doctor.add_argument("--json", action="store_true")
    staff = sub.add_parser("staff", parents=[common], help="staff access")
    ssub = staff.add_subparsers(dest="staff_command", required=True)
    pin = ssub.add_parser("set-pin", parents=[common], help="set the staff PIN (stored hashed)")
    pin.add_argument("--pin", help="the new PIN (digits); asked for when left out")


def _add_service_command(sub, common) -> None:
    install = sub.add_parser("install-service", parents=[common],
                             help="run the kiosk as a systemd service of this checkout")
    install.add_argument("--dry-run", action="store_true", help="print what would be written")
    install.add_argument("--session", choices=("x11", "wayland"),
                         help="also the boot session (autologin, bare X or cage); as root")
    install.add_argument("--user", help="as root: the account that shows the kiosk")



# ---------------------------------------------------------------- kiosk run

def cmd_run(cfg, args) -> int:
    size = args.size or os.environ.get("KIOSK_WINDOW_SIZE") or "1080x1920"
    if not re.fullmatch(r"\d{3,4}x\d{3,4}", size):
        return _fail("--size takes WIDTHxHEIGHT, e.g. 1080x1920.", 2)
    from screens import launch
    return launch.run(cfg, size, args.kiosk)


# ---------------------------------------------------------------- kiosk match

def cmd_match(cfg, args) -> int:
    """`kiosk match --answers FILE [--today YYYY-MM-DD] [--json]`"""
    from kiosk.catalog import db as catalog
    from kiosk.catalog import pipeline
    from kiosk.guidance import matching
    from kiosk.guidance.answers import AnswersError, check_answers, known_languages, read_answers
    try:
        answers = read_answers(args.answers)
        check_answers(answers, known_languages(cfg))
        today = None
        if args.today:
            try:
                today = date.fromisoformat(args.today)
            except ValueError:
                raise AnswersError(f"--today must be a date like 2027-01-31, "
                                   f"not {args.today!r}.") from None
    except AnswersError as exc:
        return _fail(str(exc), 2, "kiosk match")
    try:
        cat = catalog.open_catalog(pipeline.ensure_catalog(cfg))
    except FileNotFoundError:
        return _fail("there is no catalog yet; run 'kiosk catalog refresh' first.", 1,
                     "kiosk match")
    except RuntimeError as exc:
        return _fail(str(exc), 1, "kiosk match")
    try:
        outcome = matching.match(cat, answers, today=today)
        lang = answers.get("language")
        items = [{"id": r.course["id"], "kind": r.kind, "provider": r.course["provider"],
                  "title": matching.course_title(r.course, lang),
                  "distance_km": None if r.distance_km is None else round(r.distance_km, 1),
                  "reasons": r.reasons, "cost": r.cost, "price": r.price,
                  "provider_name": r.provider.get("name")}
                 for r in outcome.results]
    finally:
        cat.close()
    if args.json:
        print(json_text({"results": items, "relaxed": outcome.relaxed,
                          "unknown_postcode": outcome.unknown_postcode,
                          "orientation": outcome.orientation}, indent=1))
        return 0
    say(match_text(outcome, items))
    return 0


def match_text(outcome, items: list[dict]) -> str:
    """The results as `kiosk match` prints them; feed text as one safe, cut line each."""
    lines = []
    if outcome.unknown_postcode:
        lines.append("Postcode not known: distance is not used.")
    if outcome.relaxed:
        lines.append("Nothing fitted all answers; relaxed: " + ", ".join(outcome.relaxed))
    if not items:
        lines.append("No courses fit. A counsellor can help.")
    for n, item in enumerate(items, 1):
        where = "" if item["distance_km"] is None else f" ({item['distance_km']} km)"
        kind = "" if item["kind"] == "course" else f"[{item['kind']}] "
        lines.append(f"{n}. {kind}{one_line(item['title'], 120)} - "
                     f"{one_line(item['provider_name'] or item['provider'], 80)}{where}")
        lines += [f"     {one_line(reason)}" for reason in item["reasons"]]
    return "\n".join(lines)


# ---------------------------------------------------------------- booking and hand-off

def cmd_booking_url(cfg, args) -> int:
    from kiosk.booking import handoff, reference
    from kiosk.guidance.answers import AnswersError, check_answers, known_languages, read_answers
    try:
        bad = [c for c in args.course if not reference.valid_course_id(c)]
        if bad:
            raise handoff.HandoffError(f"'{one_line(bad[0], 40)}' is not a course id (letters, "
                                       "digits, '.', '_' and '-' only).")
        answers = read_answers(args.answers)
        check_answers(answers, known_languages(cfg))
        url = handoff.booking_url(cfg, answers, args.course)
    except (handoff.HandoffError, AnswersError) as exc:
        return _fail(str(exc), 2)
    print(url)          # only URL-encoded ASCII: printed exactly as the QR code holds it
    problem = handoff.secret_problem(cfg)
    if problem:
        say(f"kiosk: warning: {problem}", err=True)
    return 0


def cmd_new_secret(cfg, args) -> int:
    from kiosk.booking import handoff
    say(handoff.new_secret_text(handoff.new_secret()))
    return 0


def _catalog_titles(course_ids: list[str]) -> dict:
    """Dutch titles of these courses in the current catalog; empty when there is none."""
    from kiosk.catalog.db import open_catalog
    try:
        catalog = open_catalog()
    except FileNotFoundError:
        return {}
    try:
        found = {cid: catalog.course(cid) for cid in course_ids}
        return {cid: one_line(row["title_nl"], 120) for cid, row in found.items() if row}
    except sqlite3.Error:
        return {}
    finally:
        catalog.close()


def cmd_handoff_show(cfg, args) -> int:
    """Exit 0: signed by this site. 1: altered, foreign key, unreadable. 3: unsigned."""
    from kiosk.booking import handoff, reference
    try:
        found = reference.read_handoff(cfg, args.link)
    except handoff.HandoffError as exc:
        return _fail(str(exc), 1)
    say(handoff.describe(found, titles=_catalog_titles(found.course_ids)))
    return 0 if found.signed else 3


# ---------------------------------------------------------------- staff and figures

def cmd_set_pin(cfg, args) -> int:
    import getpass
    from pathlib import Path

    from kiosk.site import staff
    path = cfg.path or config_mod.config_path(getattr(args, "config", None))
    if path is None:
        return _fail("name the site config to store the PIN in: --config FILE or KIOSK_CONFIG.", 2)
    pin = args.pin or getpass.getpass("New staff PIN (4 to 12 digits): ")
    if not staff.valid_pin(pin):
        return _fail("a PIN is 4 to 12 digits.", 2)
    staff.write_pin_hash(Path(path), staff.hash_pin(pin))
    say(f"Staff PIN set in {path}.")
    return 0


def cmd_stats(cfg, args) -> int:
    from kiosk.site import stats
    if args.days < 1:
        return _fail("--days must be 1 or more.", 2)
    figures = stats.totals(args.days)
    if args.json:
        print(json.dumps({"days": args.days, **stats.suppressed(figures)}, indent=1))
    else:
        say(stats.report(figures, args.days))
    return _export_stats(cfg, args) if args.csv or args.chart else 0


def _export_stats(cfg, args) -> int:
    """--csv and --chart: the figures per week for partners (kiosk/site/stats_export.py)."""
    from pathlib import Path

    from kiosk.site import stats_chart, stats_export
    weeks = stats_export.weekly(args.days)
    try:
        if args.csv:
            stats_export.write_csv(weeks, Path(args.csv))
            say(f"Figures per week written to {args.csv}.", err=True)
        if args.chart:
            stats_chart.write_chart(weeks, Path(args.chart), title=cfg.site.name)
            say(f"Chart written to {args.chart}.", err=True)
    except OSError as exc:
        return _fail(f"Cannot write {exc.filename}: {exc.strerror}.", 1)
    return 0


def cmd_doctor(cfg, args) -> int:
    from kiosk.site import doctor
    findings = doctor.run_checks(cfg)
    print(json.dumps(doctor.as_json(findings), ensure_ascii=False, indent=1) if args.json
          else doctor.text(findings))
    return doctor.exit_code(findings)


def cmd_install_service(cfg, args) -> int:
    from kiosk import paths
    from kiosk.site import service
    try:
        todo = service.plan(cfg.path, paths.cache_dir(), session=args.session, user=args.user,
                            dry_run=args.dry_run)
        if args.dry_run:
            say(todo.text())
            return 0
        service.apply(todo, owner=args.user)
    except (service.ServiceError, OSError) as exc:
        return _fail(str(exc), 1)
    say("\n".join([*(f"Written: {f.path}" for f in todo.files), todo.next_step]))
    return 0


# command path -> function; each takes (cfg, args) and returns an exit code
COMMANDS = {
    ("run",): cmd_run,
    **CATALOG_COMMANDS,
    ("match",): cmd_match,
    ("booking-url",): cmd_booking_url,
    ("booking", "new-secret"): cmd_new_secret,
    ("handoff", "show"): cmd_handoff_show,
    ("staff", "set-pin"): cmd_set_pin,
    ("stats",): cmd_stats,
    ("doctor",): cmd_doctor,
    ("install-service",): cmd_install_service,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    key = tuple(v for v in (args.command, getattr(args, "catalog_command", None),
                            getattr(args, "handoff_command", None),
                            getattr(args, "booking_command", None),
                            getattr(args, "staff_command", None)) if v)
    try:
        cfg = config_mod.load(args.config)
    except config_mod.ConfigError as exc:
        return _fail(str(exc), 2)
    try:
        return COMMANDS[key](cfg, args) or 0
    except BrokenPipeError:            # output piped into `head` and the like: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
