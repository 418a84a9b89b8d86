"""What every command prints through: untrusted text made safe, failures as one line."""
from __future__ import annotations

import dataclasses
import sys

from kiosk.text.printable import one_line, printable


def say(text: str, err: bool = False) -> None:
    """Every human-readable line goes out here: untrusted text in it (feed ids, titles,
    names, answers, links) is escaped and cut to a sane length (kiosk/text/printable.py)."""
    print(printable(text, 1000), file=sys.stderr if err else sys.stdout)


def fail(message: str, code: int, prefix: str = "kiosk") -> int:
    say(f"{prefix}: {one_line(message, 500)}", err=True)
    return code


def safe_report(report):
    """The report with every field that can hold feed text made one safe line, so an id
    cannot start a line of its own in the report."""
    return dataclasses.replace(
        report, message=one_line(report.message, 500), source=one_line(report.source),
        notes=[one_line(n) for n in report.notes],
        rejected=[(one_line(cid, 80), one_line(reason)) for cid, reason in report.rejected])


def report(report) -> int:
    say(safe_report(report).text(), err=not report.ok)
    return 0 if report.ok else 1
