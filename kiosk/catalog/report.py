"""What a refresh tells staff: the report, and the two ways a feed or a course is refused."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

KEPT = "The current catalog stays in use."

Progress = Callable[[float, str], None]     # (share done 0..1, a Dutch label for N_)


class FeedRefused(Exception):
    """The whole feed is refused; the message is one plain line for staff."""


class Rejected(Exception):
    """One course or provider is rejected; the message is the reason."""


@dataclass
class Report:
    """The outcome of a refresh, import or rollback."""
    ok: bool = False
    unchanged: bool = False
    message: str = ""
    rejected: list[tuple[str, str]] = field(default_factory=list)   # (course id, reason)
    loaded: int = 0
    providers: int = 0
    source: str = ""
    notes: list[str] = field(default_factory=list)                   # e.g. skipped providers
    needs_confirm: bool = False      # refused for shrinking; staff may confirm and retry
    http_status: int | None = None   # the feed server's answer (200, 304), when there was one

    def text(self, max_rejected: int | None = None) -> str:
        """The report for staff; with max_rejected, only that many rejected courses are
        listed (a screen must stay quick with thousands)."""
        lines = [self.message]
        if self.source:
            lines.append(f"Source: {self.source}")
        for note in self.notes:
            lines.append(f"Note: {note}")
        if self.rejected:
            lines.append(f"Rejected courses ({len(self.rejected)}):")
            shown = self.rejected[:max_rejected] if max_rejected is not None else self.rejected
            lines += [f"  - {cid}: {reason}" for cid, reason in shown]
            if len(shown) < len(self.rejected):
                lines.append(f"  … and {len(self.rejected) - len(shown)} more "
                             "(kiosk catalog refresh lists them all)")
        return "\n".join(lines)


class RefusedWithReport(FeedRefused):
    """Refused for too many bad courses; carries the list of them."""

    def __init__(self, report: Report):
        super().__init__(report.message)
        self.report = report


def too_large(limit: int) -> FeedRefused:
    """The refusal of a feed past the size limit (however it was noticed)."""
    return FeedRefused(f"The feed is larger than the allowed {limit / 1_000_000:g} MB "
                       f"(setting catalog.max_bytes). {KEPT}")
