"""The commands of a visit (docs/cli.md): `kiosk match`, `kiosk booking-url`,
`kiosk booking new-secret` and `kiosk handoff show`. Each calls the core and prints."""
from __future__ import annotations

import sqlite3
from datetime import date

from kiosk.cli.output import fail as _fail
from kiosk.cli.output import say
from kiosk.text.printable import json_text, one_line


def register(sub, common) -> None:
    """What a visit produces: the results, the booking link, what a counsellor reads."""
    match = sub.add_parser("match", parents=[common], help="the results the kiosk would show")
    match.add_argument("--answers", required=True, help="answers JSON file ('-' = stdin)")
    match.add_argument("--today", help="YYYY-MM-DD instead of today's date")
    match.add_argument("--json", action="store_true")
    match.set_defaults(func=cmd_match)
    booking = sub.add_parser("booking-url", parents=[common], help="the text the booking QR encodes")
    booking.add_argument("--answers", required=True, help="answers JSON file ('-' = stdin)")
    booking.add_argument("--course", action="append", default=[], metavar="ID")
    booking.set_defaults(func=cmd_booking_url)
    secret = sub.add_parser("booking", parents=[common], help="booking set-up")
    bsub = secret.add_subparsers(dest="booking_command", required=True)
    bsub.add_parser("new-secret", parents=[common],
                    help="a new random booking secret").set_defaults(func=cmd_new_secret)
    handoff = sub.add_parser("handoff", parents=[common], help="for counsellors")
    hsub = handoff.add_subparsers(dest="handoff_command", required=True)
    show = hsub.add_parser("show", parents=[common], help="what a booking link carries")
    show.add_argument("link", metavar="URL_OR_TOKEN")
    show.set_defaults(func=cmd_handoff_show)


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
    except sqlite3.Error as exc:
        return _fail(f"the catalog cannot be read ({exc}).", 1, "kiosk match")
    try:
        outcome = matching.match(cat, answers, today=today)
        lang = answers.get("language")
        items = [{"id": r.course["id"], "kind": r.kind, "provider": r.course["provider"],
                  "title": matching.course_title(r.course, lang),
                  "distance_km": None if r.distance_km is None else round(r.distance_km, 1),
                  "reasons": r.reasons, "cost": r.cost, "price": r.price,
                  "provider_name": r.provider.get("name")}
                 for r in outcome.results]
    except sqlite3.Error as exc:
        return _fail(f"the catalog is damaged or not a kiosk catalog ({exc}); run "
                     "'kiosk catalog refresh' or 'kiosk catalog rollback'.", 1, "kiosk match")
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
        lines.append("Nothing fitted all answers (or only practice groups did); relaxed: "
                     + ", ".join(outcome.relaxed))
    if not items:
        lines.append("No courses fit. A counsellor can help.")
    for n, item in enumerate(items, 1):
        where = "" if item["distance_km"] is None else f" ({item['distance_km']} km)"
        kind = "" if item["kind"] == "course" else f"[{item['kind']}] "
        lines.append(f"{n}. {kind}{one_line(item['title'], 120)} - "
                     f"{one_line(item['provider_name'] or item['provider'], 80)}{where}")
        lines += [f"     {one_line(reason)}" for reason in item["reasons"]]
    return "\n".join(lines)


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
    except (FileNotFoundError, sqlite3.Error):
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
