"""Reading a feed file as a stream (ijson), so memory does not grow with its size.

A file may be gzip-compressed and may start with a UTF-8 BOM; reading stops with a
refusal as soon as more than the allowed bytes came out. A first, usually short pass
reads the header and the providers (`read_head`: it stops where the course list starts
when they came first); a second pass yields the courses (`read_courses`).
"""
from __future__ import annotations

import gzip
import math
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import ijson
from ijson.common import ObjectBuilder

from kiosk.catalog.check import FORMAT
from kiosk.catalog.limits import LIMITS, Limits
from kiosk.catalog.report import KEPT, FeedRefused, too_large

CHUNK = 64 * 1024
PARSE_CHUNK = 1024               # bytes the parser turns into events at once (see _events)
BOM = b"\xef\xbb\xbf"
HEADER_KEYS = ("format", "version", "generated_at", "publisher")
_START = ("start_map", "start_array")
_END = ("end_map", "end_array")


class LimitedReader:
    """A binary reader that counts bytes, reports progress and stops past a limit."""

    def __init__(self, raw, limit: int, on_read: Callable[[int], None] | None = None):
        self.raw, self.limit, self.count, self.on_read = raw, limit, 0, on_read

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        data = self.raw.read(size if size > 0 else CHUNK)
        if self.count == 0 and data.startswith(BOM):
            data = data[3:]                      # a UTF-8 BOM some editors write
            self.count = 3
        self.count += len(data)
        if self.count > self.limit:
            raise too_large(self.limit)
        if self.on_read:
            self.on_read(self.count)
        return data


@contextmanager
def _unzipped(path: Path):
    """The file's bytes, gunzipped when it is gzip."""
    with open(path, "rb") as raw:
        gz = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        yield gzip.GzipFile(fileobj=raw) if gz else raw


@contextmanager
def open_feed(path: Path, limit: int, on_read=None):
    """The feed file as a limited byte stream."""
    with _unzipped(path) as stream:
        yield LimitedReader(stream, limit, on_read)


def _first_char(path: Path) -> str:
    with _unzipped(path) as stream:
        try:
            head = stream.read(4096)
        except (OSError, EOFError):
            raise FeedRefused(f"The feed file is damaged (broken gzip). {KEPT}") from None
    head = head.lstrip(BOM + b" \t\r\n")
    return head[:1].decode("latin-1")


def _json_error(exc: Exception) -> FeedRefused:
    text = str(exc)
    if "premature EOF" in text or "Incomplete JSON" in text:
        return FeedRefused("The feed is incomplete: the file was cut off before its end. " + KEPT)
    refused = FeedRefused("The feed is damaged: it is not valid JSON. " + KEPT)
    # NaN, Infinity or a number beyond 64 bits: the builder reads a copy with each of them
    # marked (`mark_bad_numbers`), so only the courses holding one are rejected
    refused.bad_number = any(word in text for word in ("invalid char", "malformed number",
                                                       "overflow"))
    return refused


TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|-?(?:Infinity|NaN)|-?[0-9][0-9.eE+-]*')
MAX_DIGITS = 18                  # integer digits that surely fit in 64 bits


def _marked(token: bytes) -> bytes:
    """A number token as it stays, or the marker that no course check accepts."""
    if token.startswith(b'"'):
        return token
    try:
        number = float(token)
    except ValueError:
        return token               # not a number at all: the parser says so
    digits = len(token.lstrip(b"-").split(b".")[0].split(b"e")[0].split(b"E")[0])
    if math.isfinite(number) and digits <= MAX_DIGITS:
        return token
    return b'["not a usable number: ' + token[:30] + b'"]'


def mark_bad_numbers(path: Path, out: Path, limit: int) -> None:
    """Copy the feed to `out` (unzipped) with every NaN, Infinity and number beyond 64
    bits replaced by a list no field accepts: the course holding one is rejected alone
    (with the reason), the others load. Strings are copied untouched."""
    with open_feed(path, limit) as stream, open(out, "wb") as target:
        carry = b""
        while True:
            chunk = stream.read(1 << 20)
            buf, pos, parts = carry + chunk, 0, []
            for match in TOKEN.finditer(buf):
                if b'"' in buf[pos:match.start()] or (chunk and match.end() == len(buf)):
                    break                  # a string or number that may go on in the next piece
                parts += [buf[pos:match.start()], _marked(match.group(0))]
                pos = match.end()
            target.write(b"".join(parts))
            carry = buf[pos:]
            if not chunk:
                target.write(carry)
                return


def _refused_past(what: str, limit: int, setting: str) -> FeedRefused:
    return FeedRefused(f"The feed has {what} {limit} (limit catalog.{setting}), so nothing "
                       f"was loaded. {KEPT}")


def _events(stream, limits: Limits):
    """The parser's events, guarded. ijson makes all events of one read at once, each
    with its prefix: for 100,000 nested levels in a 64 KB read that took gigabytes before
    the guard saw the first, so it reads small pieces (a few MB at worst)."""
    return _guarded(ijson.parse(stream, buf_size=PARSE_CHUNK, use_float=True), limits)


def _guarded(events, limits: Limits):
    """The parser's events, refusing the feed as soon as it nests deeper than allowed or
    one item of a top-level list (a course, a provider) holds more values than allowed,
    before anything that large is built."""
    depth, deepest, most, count = 0, limits.max_depth, limits.max_item_values, 0
    for item in events:
        event = item[1]
        if event in _START:
            depth += 1
            if depth > deepest:
                raise _refused_past("values nested deeper than", deepest, "max_depth")
        elif event in _END:
            depth -= 1
        if depth > 2:                  # inside one item of a top-level list
            count += 1
            if count > most:
                raise _refused_past("a course or provider with more values than", most,
                                    "max_item_values")
        else:
            count = 0
        yield item


def read_head(path: Path, limit: int, limits: Limits = LIMITS,
              keep=lambda provider: provider) -> tuple[dict, list | None, bool]:
    """The document's top-level fields, its providers (None when there is no list) and
    whether a course list was seen. Raises FeedRefused for what is not a JSON object.
    Each provider is passed through `keep` as soon as it is read (so a checked row, not
    the whole object, can be kept)."""
    first = _first_char(path)
    if first == "":
        raise FeedRefused("The feed is empty. " + KEPT)
    if first == "<":
        raise FeedRefused("The address gave a web page, not a catalog feed. " + KEPT)
    try:
        with open_feed(path, limit) as stream:
            return _scan_head(stream, limits, keep)
    except ijson.JSONError as exc:
        raise _json_error(exc) from None


def read_courses(path: Path, limit: int, on_read=None, limits: Limits = LIMITS) -> Iterator:
    """The feed's courses one by one, as they are read (not checked)."""
    try:
        with open_feed(path, limit, on_read) as stream:
            events = _events(stream, limits)
            for count, course in enumerate(ijson.items(events, "courses.item"), 1):
                if count > limits.max_courses:
                    raise _refused_past("more courses than", limits.max_courses, "max_courses")
                yield course
    except ijson.JSONError as exc:
        raise _json_error(exc) from None


def _scan_head(stream, limits: Limits, keep) -> tuple[dict, list | None, bool]:
    """Top-level fields and the providers list; stops at the course list when all
    that is needed came before it."""
    header: dict = {}
    providers: list | None = None
    saw_courses = False
    builder, depth = None, 0
    events = _events(stream, limits)
    prefix, event, value = next(events)
    if event != "start_map":
        raise FeedRefused("This is not a catalog feed (the file is not a JSON object). " + KEPT)
    for prefix, event, value in events:
        if builder is not None:                    # inside one provider object
            builder.event(event, value)
            if event in _START:
                depth += 1
            elif event in _END:
                depth -= 1
                if depth == 0:
                    providers.append(keep(builder.value))
                    builder = None
            continue
        if prefix == "providers.item" and len(providers) >= limits.max_providers:
            raise _refused_past("more providers than", limits.max_providers, "max_providers")
        if prefix == "providers.item":
            if event in _START:
                builder, depth = ObjectBuilder(), 1
                builder.event(event, value)
            else:
                providers.append(keep(value))
        elif prefix == "providers":
            if event == "start_array":
                providers = []
            elif event in ("start_map", "string", "number", "boolean", "null"):
                raise FeedRefused("The feed's providers are not a list. " + KEPT)
        elif prefix in HEADER_KEYS:
            if event in _START:
                header[prefix] = object()          # not a plain value: never valid
            elif event not in _END and event != "map_key":
                header[prefix] = value
            if prefix == "format" and header.get("format") != FORMAT:
                break
        elif prefix == "courses":
            if event == "start_array":
                saw_courses = True
                if providers is not None and "format" in header and "version" in header:
                    break
            elif event not in _END and event != "map_key":
                raise FeedRefused("The feed's courses are not a list. " + KEPT)
    return header, providers, saw_courses
