"""Web pages read in a child process with a memory cap (catalog.max_memory_mb) and a time
limit per page (catalog.page_parse_s), so that no page, however large or deeply nested,
can take the refresh down with it: a page that needs more is that page's failure, with
its reason, and the next page gets a fresh child.

The child is `python -m kiosk.catalog.page_worker`; it reads one JSON job a line on
stdin ({"path", "url", "own"}) and answers one JSON line each on stdout.
"""
from __future__ import annotations

import json
import resource
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from kiosk import paths

MB = 1024 * 1024


class PageFailed(Exception):
    """The page could not be read; the message is the one line for the report."""


class PageReader:
    """Reads pages one after another in one child, started when first needed."""

    def __init__(self, max_memory_mb: int, time_limit_s: float):
        self.max_memory_mb, self.time_limit_s = max_memory_mb, time_limit_s
        self.proc = None
        self.errors = None
        self.lock = threading.Lock()              # one page at a time in the child

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        if self.proc is not None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc.stdout.close()
            self.proc = None
        if self.errors is not None:
            self.errors.close()
            self.errors = None

    def _start(self) -> None:
        self.errors = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk.catalog.page_worker", str(self.max_memory_mb)],
            cwd=paths.ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors)

    def read(self, path: Path, url: str, own_provider: str | None) -> dict:
        """{"courses", "providers", "notes", "lang", "alternates", "links"} of the page.
        Raises PageFailed."""
        with self.lock:
            return self._read(path, url, own_provider)

    def _read(self, path: Path, url: str, own_provider: str | None) -> dict:
        if self.proc is None:
            self._start()
        try:
            self.proc.stdin.write(json.dumps({"path": str(path), "url": url,
                                              "own": own_provider}).encode() + b"\n")
            self.proc.stdin.flush()
        except OSError:
            raise self._died() from None
        deadline = time.monotonic() + self.time_limit_s
        line = b""
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            ready = select.select([self.proc.stdout], [], [], max(0.0, left))[0] if left > 0 \
                else []
            if not ready:
                self._stop()
                raise PageFailed(f"reading the page took longer than {self.time_limit_s:g} s "
                                 "(limit catalog.page_parse_s)")
            piece = self.proc.stdout.read1(1 << 20)
            if not piece:
                raise self._died()
            line += piece
        answer = json.loads(line)
        if "error" in answer:
            raise PageFailed(answer["error"])
        return answer

    def _stop(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self.close()

    def _died(self) -> PageFailed:
        code = self.proc.wait()
        self.errors.seek(0)
        said = self.errors.read()[-2000:].decode("utf-8", "replace")
        self.close()
        limit = f"{self.max_memory_mb} MB of memory (limit catalog.max_memory_mb)"
        if "MemoryError" in said or code in (-signal.SIGKILL, -signal.SIGSEGV):
            return PageFailed(f"reading the page needed more than {limit}")
        return PageFailed(f"the page reader stopped (exit code {code})")


def _answer(job: dict) -> dict:
    from kiosk.catalog import convert_schema_org, page_markup
    from kiosk.catalog.report import FeedRefused
    raw = Path(job["path"]).read_bytes()
    page = page_markup.read_page(raw, job["url"])
    try:
        courses, providers, notes = convert_schema_org.page_records(page["items"], job["own"])
    except FeedRefused as exc:
        return {"error": str(exc).split(" The current")[0]}
    return {"courses": courses, "providers": providers, "notes": page["notes"] + notes,
            "lang": page["lang"], "alternates": page["alternates"], "links": page["links"],
            "markup": page_markup.has_markup(raw)}


def main() -> int:
    cap = int(sys.argv[1]) * MB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    import extruct  # noqa: F401 - loaded once, before the first page
    for line in sys.stdin:
        answer = _answer(json.loads(line))
        sys.stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
