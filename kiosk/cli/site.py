"""The commands for staff and a site's IT person (docs/cli.md): `kiosk staff set-pin`,
`kiosk stats`, `kiosk doctor` and `kiosk install-service`."""
from __future__ import annotations

import json
import sqlite3
import sys

from kiosk.cli.output import fail as _fail
from kiosk.cli.output import say
from kiosk.site import config as config_mod


def register(sub, common) -> None:
    """Figures, the device's health, the PIN, the service."""
    stats = sub.add_parser("stats", parents=[common], help="anonymous usage figures")
    stats.add_argument("--days", type=int, default=30, help="the last N days (default 30)")
    stats.add_argument("--json", action="store_true")
    stats.add_argument("--csv", metavar="FILE", help="also write the figures per week as CSV")
    stats.add_argument("--chart", metavar="FILE.png", help="also draw them as a PNG chart")
    stats.set_defaults(func=cmd_stats)
    doctor = sub.add_parser("doctor", parents=[common], help="check this device, say what to fix")
    doctor.add_argument("--json", action="store_true")
    doctor.set_defaults(func=cmd_doctor)
    staff = sub.add_parser("staff", parents=[common], help="staff access")
    ssub = staff.add_subparsers(dest="staff_command", required=True)
    pin = ssub.add_parser("set-pin", parents=[common], help="set the staff PIN (stored hashed)")
    pin.add_argument("--pin", help="the new PIN (digits); asked for when left out")
    pin.set_defaults(func=cmd_set_pin, config_may_be_missing=True)
    install = sub.add_parser("install-service", parents=[common],
                             help="run the kiosk as a systemd service of this checkout")
    install.add_argument("--dry-run", action="store_true", help="print what would be written")
    install.add_argument("--session", choices=("x11", "wayland"),
                         help="also the boot session (autologin, bare X or cage); as root")
    install.add_argument("--user", help="as root: the account that shows the kiosk")
    install.set_defaults(func=cmd_install_service)


def cmd_set_pin(cfg, args) -> int:
    import getpass
    from pathlib import Path

    from kiosk.site import staff
    path = cfg.path or config_mod.config_path(getattr(args, "config", None))
    if path is None:
        return _fail("name the site config to store the PIN in: --config FILE or KIOSK_CONFIG.", 2)
    try:
        pin = args.pin or (getpass.getpass("New staff PIN (4 to 12 digits): ")
                           if sys.stdin.isatty() else sys.stdin.readline(100).strip())
    except (EOFError, KeyboardInterrupt):
        pin = ""
    if not pin:
        return _fail("no PIN given: type it at the prompt, or pass it on standard input "
                     "or with --pin.", 2)
    if not staff.valid_pin(pin):
        return _fail("a PIN is 4 to 12 of the digits 0-9.", 2)
    try:
        staff.write_pin_hash(Path(path), staff.hash_pin(pin))
    except (OSError, ValueError) as exc:
        return _fail(f"cannot write {path}: {getattr(exc, 'strerror', None) or exc}.", 1)
    say(f"Staff PIN set in {path}.")
    return 0


def cmd_stats(cfg, args) -> int:
    from kiosk.site import stats
    if not 1 <= args.days <= stats.MAX_DAYS:
        return _fail(f"--days must be from 1 to {stats.MAX_DAYS}.", 2)
    try:
        figures = stats.totals(args.days)
    except (sqlite3.Error, OSError) as exc:
        return _fail(f"the usage figures cannot be read ({getattr(exc, 'strerror', None) or exc}).", 1)
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
    from kiosk.site import doctor, metrics
    findings = doctor.run_checks(cfg)
    metrics.record_doctor(findings)            # the fleet sees the findings as figures
    metrics.write_quietly(cfg)
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
