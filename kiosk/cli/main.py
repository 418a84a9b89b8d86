"""The `kiosk` command (docs/cli.md): one parser, one module per group of commands.

Each group module (catalog, visit, site) has `register(sub, common)`, which adds its
sub-parsers with `set_defaults(func=...)`; a command function takes (cfg, args), calls
the core and returns an exit code. No rule of the kiosk lives in the command line.
"""
from __future__ import annotations

import argparse
import os
import re
import sys

from kiosk.cli import catalog, counsellor, site, visit
from kiosk.cli.output import fail as _fail
from kiosk.site import config as config_mod

GROUPS = (catalog, visit, site, counsellor)


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
    run.set_defaults(func=cmd_run)
    for group in GROUPS:
        group.register(sub, common)
    return parser


def commands(parser: argparse.ArgumentParser | None = None, path: tuple = ()):
    """Every command as (words, function), e.g. (("catalog", "refresh"), cmd_refresh)."""
    parser = parser or build_parser()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                func = child.get_default("func")
                if func is not None:
                    yield (*path, name), func
                yield from commands(child, (*path, name))


def cmd_run(cfg, args) -> int:
    size = args.size or os.environ.get("KIOSK_WINDOW_SIZE") or "1080x1920"
    if not re.fullmatch(r"\d{3,4}x\d{3,4}", size):
        return _fail("--size takes WIDTHxHEIGHT, e.g. 1080x1920.", 2)
    from screens import launch
    return launch.run(cfg, size, args.kiosk)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        cfg = config_mod.load(args.config)
    except config_mod.ConfigError as exc:
        path = config_mod.config_path(args.config)
        if not (getattr(args, "config_may_be_missing", False) and path
                and not os.path.lexists(path)):
            return _fail(str(exc), 2)
        cfg = config_mod.Config(path=path)      # `staff set-pin` makes the file
    try:
        return args.func(cfg, args) or 0
    except BrokenPipeError:            # output piped into `head` and the like: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
