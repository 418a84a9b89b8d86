"""The counsellor's commands (docs/counsellor.md): `kiosk counsellor add-user NAME` and
`kiosk counsellor serve [--host H] [--port P]`."""
from __future__ import annotations

import sys

from kiosk.cli.output import fail as _fail
from kiosk.cli.output import say


def register(sub, common) -> None:
    """The counsellor's web page and who may log in to it."""
    group = sub.add_parser("counsellor", parents=[common], help="the counsellor's web page")
    csub = group.add_subparsers(dest="counsellor_command", required=True)
    add = csub.add_parser("add-user", parents=[common],
                          help="add a counsellor or set a new password (asked, or read from stdin)")
    add.add_argument("name")
    add.set_defaults(func=cmd_add_user)
    serve = csub.add_parser("serve", parents=[common], help="run the counsellor page")
    serve.add_argument("--host", help="address to listen on (default counsellor.host)")
    serve.add_argument("--port", type=int, help="port (default counsellor.port)")
    serve.set_defaults(func=cmd_serve)


def _password() -> str | None:
    """Asked twice on a terminal; else the first line of standard input."""
    if sys.stdin.isatty():
        import getpass
        first = getpass.getpass("Password: ")
        return first if getpass.getpass("Again: ") == first else None
    return sys.stdin.readline(1000).rstrip("\r\n")


def cmd_add_user(cfg, args) -> int:
    from kiosk.counsellor import users
    password = _password()
    if password is None:
        return _fail("the two passwords differ; nothing changed.", 2)
    people = users.for_site(cfg)
    try:
        new = people.add(args.name, password)
    except users.UserError as exc:
        return _fail(str(exc), 2)
    say(f"{'Added' if new else 'New password for'} {args.name} in {people.path}.")
    return 0


def cmd_serve(cfg, args) -> int:
    from kiosk.counsellor import app, users
    port = args.port if args.port is not None else cfg.counsellor.port
    if not 1 <= port <= 65535:
        return _fail("--port must be from 1 to 65535.", 2)
    try:
        if not users.for_site(cfg).names():
            return _fail("no counsellor can log in yet; add one with "
                         "'kiosk counsellor add-user NAME'.", 2)
    except users.UserError as exc:
        return _fail(str(exc), 2)
    if not cfg.booking.secret:
        say("kiosk: warning: no booking.secret: only unsigned references (goal and courses) "
            "can be read.", err=True)
    try:
        app.serve(cfg, args.host or cfg.counsellor.host, port)
    except OSError as exc:
        return _fail(f"cannot listen there ({exc.strerror}).", 1)
    except KeyboardInterrupt:
        pass
    return 0
