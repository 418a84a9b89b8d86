"""Catalog refresh: fetch a feed (CONTRACT.md section 2), check it, build a new catalog
file beside the current one and swap it in whole.

What visitors see is never damaged: the new file is built under a temporary name and
put in place with os.replace, so at every moment `catalog.sqlite` is either the old or
the new catalog, also when the refresh is killed. Readers that already opened the old
file keep reading it; the next visit opens the new one. The previous catalog is kept as
`catalog.previous.sqlite` for rollback. A lock file keeps two refreshes apart.

The feed is read as a stream (ijson) and written in batches, so memory does not grow
with the size of the feed. A first, usually short pass reads the header and providers
(it stops where the course list starts when they come first); a second pass reads the
courses.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import gzip
import hashlib
import json
import os
import re
import shutil
import sqlite3
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import ijson
import requests
import sqlite_utils
from ijson.common import ObjectBuilder

from . import catalog as catalog_mod
from . import paths, vocab
from .i18n import N_

FORMAT = "leerwinkel-catalog"
VERSION = 1
MAX_REJECTED_SHARE = 0.20        # more than this share of bad courses refuses the feed
BATCH = 2000                     # rows per insert
BACKOFF_S = 0.5                  # first wait between tries; doubles each time
CHUNK = 64 * 1024
LOCK_FILE = "refresh.lock"
STATE_FILE = "refresh-state.json"
TMP_PREFIX = "catalog.new-"
KEPT = "The current catalog stays in use."

Progress = Callable[[float, str], None]


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

    def text(self) -> str:
        lines = [self.message]
        if self.source:
            lines.append(f"Source: {self.source}")
        for note in self.notes:
            lines.append(f"Note: {note}")
        if self.rejected:
            lines.append(f"Rejected courses ({len(self.rejected)}):")
            lines += [f"  - {cid}: {reason}" for cid, reason in self.rejected]
        return "\n".join(lines)


# ---------------------------------------------------------------- checking one course

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_POSTCODE = re.compile(r"\d{4}")
_HEADER_KEYS = ("format", "version", "generated_at", "publisher")


def _is_num(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _texts(value, name: str, need_nl: bool) -> dict:
    if value is None and not need_nl:
        return {}
    if not isinstance(value, dict):
        raise Rejected(f'{name} must be texts per language, like {{"nl": "..."}}')
    for v in value.values():
        if not isinstance(v, str):
            raise Rejected(f'{name} must be texts per language, like {{"nl": "..."}}')
    if need_nl and not value.get("nl", "").strip():
        raise Rejected(f"the Dutch {name} ({name}.nl) is missing")
    return value


def _choices(value, allowed: tuple, name: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Rejected(f"{name} must be a list")
    for item in value:
        if not isinstance(item, str) or item not in allowed:
            raise Rejected(f"{name} has unknown value {item!r} (allowed: {', '.join(allowed)})")
    return value


def _one_of(value, allowed: tuple, name: str, required: bool = False):
    if value is None and not required:
        return None
    if value not in allowed:
        if value is None:
            raise Rejected(f"{name} is missing")
        raise Rejected(f"{name} {value!r} is unknown (allowed: {', '.join(allowed)})")
    return value


def _flag(value, name: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, bool):
        raise Rejected(f"{name} must be true or false")
    return int(value)


def _number(value, name: str, whole: bool = False):
    if value is None:
        return None
    if not _is_num(value) or value < 0 or (whole and value != int(value)):
        raise Rejected(f"{name} must be a {'whole ' if whole else ''}number of 0 or more")
    return int(value) if whole else float(value)


def _text(value, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Rejected(f"{name} must be text")
    return value


def _dict(value, name: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise Rejected(f"{name} must be an object")
    return value


_dumps = json.JSONEncoder(ensure_ascii=False).encode   # one encoder: much faster than dumps


def _words(values: list) -> str:
    """JSON of a list of checked words (vocabulary values, ISO dates): nothing to escape."""
    return '["' + '", "'.join(values) + '"]' if values else "[]"


def _bits(values: tuple) -> dict:
    return {v: 1 << i for i, v in enumerate(values)}


_GOAL_BITS, _TIME_BITS = _bits(vocab.GOALS), _bits(vocab.TIMES)


def check_course(course) -> dict:
    """The catalog row of one feed course; raises Rejected with the reason when it
    breaks the contract. The provider's existence and coordinates from the postcode
    are not checked here (the caller knows the providers)."""
    if not isinstance(course, dict):
        raise Rejected("a course must be an object")
    cid = course.get("id")
    if not isinstance(cid, str) or not cid.strip():
        raise Rejected("the course has no id")
    provider = course.get("provider")
    if not isinstance(provider, str) or not provider.strip():
        raise Rejected("provider is missing")
    title = _texts(course.get("title"), "title", need_nl=True)
    summary = _texts(course.get("summary"), "summary", need_nl=False)
    goals = _choices(course.get("goals"), vocab.GOALS, "goals")
    if not goals:
        raise Rejected("goals needs at least one goal")
    outcome = _one_of(course.get("outcome"), vocab.OUTCOMES, "outcome")
    requires = _dict(course.get("requires"), "requires")
    dutch = _one_of(requires.get("dutch_level"), vocab.DUTCH_LEVELS, "requires.dutch_level")
    diploma = _one_of(requires.get("diploma"), vocab.DIPLOMAS, "requires.diploma")
    min_age = _number(requires.get("min_age"), "requires.min_age", whole=True)
    fmt = _one_of(course.get("format"), vocab.FORMATS, "format", required=True)
    if "times" not in course or not isinstance(course["times"], list):
        raise Rejected("times must be a list (empty only for 'afstand')")
    times = _choices(course["times"], vocab.TIMES, "times")
    if not times and fmt != "afstand":
        raise Rejected("times is empty; only 'afstand' courses may have no times")
    flexible = _flag(course.get("flexible_start"), "flexible_start")
    dates = course.get("start_dates")
    if dates is None:
        dates = []
    if not isinstance(dates, list):
        raise Rejected("start_dates must be a list of dates")
    for day in dates:
        try:
            if not isinstance(day, str) or not _DATE.fullmatch(day):
                raise ValueError
            dt.date.fromisoformat(day)
        except ValueError:
            raise Rejected(f"start date {day!r} is not a date like 2027-02-01") from None
    if not dates and not flexible:
        raise Rejected("no start_dates and no flexible_start: true")
    cost = _dict(course.get("cost"), "cost")
    location = _dict(course.get("location"), "location")
    postcode = location.get("postcode")
    if isinstance(postcode, int) and not isinstance(postcode, bool):
        postcode = str(postcode)
    if not isinstance(postcode, str) or not _POSTCODE.fullmatch(postcode.strip()):
        raise Rejected("location.postcode must be a Belgian postcode of 4 digits")
    postcode = postcode.strip()
    lat, lon = location.get("lat"), location.get("lon")
    if (lat is None) != (lon is None):
        raise Rejected("location has lat without lon or lon without lat")
    if lat is not None and not (_is_num(lat) and _is_num(lon)
                                and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise Rejected("location.lat/lon are not valid coordinates")
    access = _dict(course.get("accessibility"), "accessibility")
    url = _text(course.get("url"), "url")
    if url and not url.startswith(("https://", "http://")):
        raise Rejected("url must start with https:// or http://")
    return {
        "id": cid, "provider": provider,
        "title": _dumps(title), "title_nl": title["nl"],
        "summary": _dumps(summary), "summary_nl": summary.get("nl"),
        "goals": _words(goals), "goals_mask": sum(_GOAL_BITS[g] for g in set(goals)),
        "outcome": outcome,
        "req_dutch": vocab.rank(vocab.DUTCH_LEVELS, dutch),
        "req_diploma": vocab.rank(vocab.DIPLOMAS, diploma),
        "min_age": min_age,
        "language": _text(course.get("language"), "language"),
        "format": fmt,
        "times": _words(times), "times_mask": sum(_TIME_BITS[t] for t in set(times)),
        "hours_per_week": _number(course.get("hours_per_week"), "hours_per_week"),
        "duration_weeks": _number(course.get("duration_weeks"), "duration_weeks", whole=True),
        "start_dates": _words(sorted(dates)), "last_start": max(dates) if dates else None,
        "flexible_start": flexible or 0,
        "cost_eur": _number(cost.get("eur"), "cost.eur"),
        "free_for": _words(_choices(cost.get("free_for"), vocab.STATUSES, "cost.free_for")),
        "reduced_for": _words(_choices(cost.get("reduced_for"), vocab.STATUSES,
                                       "cost.reduced_for")),
        "opleidingscheques": _flag(cost.get("opleidingscheques"), "cost.opleidingscheques"),
        "opleidingsverlof": _flag(cost.get("opleidingsverlof"), "cost.opleidingsverlof"),
        "location_name": _text(location.get("name"), "location.name"),
        "street": _text(location.get("street"), "location.street"),
        "postcode": postcode,
        "city": _text(location.get("city"), "location.city"),
        "lat": float(lat) if lat is not None else None,
        "lon": float(lon) if lon is not None else None,
        "coords_from_postcode": 0,
        "wheelchair": _flag(access.get("wheelchair"), "accessibility.wheelchair"),
        "childcare": _flag(access.get("childcare"), "accessibility.childcare"),
        "url": url,
    }


def check_provider(provider) -> dict:
    """The providers row of one feed provider; raises Rejected with the reason."""
    if not isinstance(provider, dict):
        raise Rejected("a provider must be an object")
    pid = provider.get("id")
    if not isinstance(pid, str) or not pid.strip():
        raise Rejected("the provider has no id")
    name = provider.get("name")
    if not isinstance(name, str) or not name.strip():
        raise Rejected("the provider has no name")
    ptype = provider.get("type") or "andere"
    _one_of(ptype, vocab.PROVIDER_TYPES, "type", required=True)
    return {"id": pid, "name": name, "type": ptype,
            "website": _text(provider.get("website"), "website"),
            "phone": _text(provider.get("phone"), "phone")}


def too_many_rejected(rejected: int, total: int) -> bool:
    return total > 0 and rejected / total > MAX_REJECTED_SHARE


def refused_share_message(rejected: int, total: int) -> str:
    return (f"Too many courses have errors ({rejected} of {total}, more than "
            f"{int(MAX_REJECTED_SHARE * 100)}%), so nothing was loaded.")


def _coordinates_lookup() -> Callable[[str], tuple[float, float] | None]:
    try:
        from .places import postcode_coordinates
    except ImportError:
        return lambda postcode: None
    cache: dict[str, tuple[float, float] | None] = {}

    def lookup(postcode: str):
        if postcode not in cache:
            try:
                cache[postcode] = postcode_coordinates(postcode)
            except Exception:          # missing postcode data must not stop a refresh
                cache[postcode] = None
        return cache[postcode]
    return lookup


# ---------------------------------------------------------------- reading a feed stream

class _Limited:
    """A binary reader that counts bytes, reports progress and stops past a limit."""

    def __init__(self, raw, limit: int, on_read: Callable[[int], None] | None = None):
        self.raw, self.limit, self.count, self.on_read = raw, limit, 0, on_read

    def read(self, size: int = -1) -> bytes:
        if size == 0:
            return b""
        data = self.raw.read(size if size > 0 else CHUNK)
        if self.count == 0 and data.startswith(b"\xef\xbb\xbf"):
            data = data[3:]                      # a UTF-8 BOM some editors write
            self.count = 3
        self.count += len(data)
        if self.count > self.limit:
            raise FeedRefused(f"The feed is larger than the allowed {_mb(self.limit)} "
                              f"(setting catalog.max_bytes). {KEPT}")
        if self.on_read:
            self.on_read(self.count)
        return data


def _mb(n: int) -> str:
    return f"{n / 1_000_000:g} MB"


@contextmanager
def _open_feed(path: Path, limit: int, on_read=None):
    """The feed file as a limited byte stream, gunzipped when it is gzip."""
    with open(path, "rb") as raw:
        gz = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        inner = gzip.GzipFile(fileobj=raw) if gz else raw
        yield _Limited(inner, limit, on_read)


def _first_char(path: Path) -> str:
    with open(path, "rb") as raw:
        gz = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        stream = gzip.GzipFile(fileobj=raw) if gz else raw
        try:
            head = stream.read(4096)
        except (OSError, EOFError):
            raise FeedRefused(f"The feed file is damaged (broken gzip). {KEPT}") from None
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1].decode("latin-1")


def _json_error(exc: Exception) -> FeedRefused:
    text = str(exc)
    if "premature EOF" in text or "Incomplete JSON" in text:
        return FeedRefused("The feed is incomplete: the file was cut off before its end. " + KEPT)
    return FeedRefused("The feed is damaged: it is not valid JSON. " + KEPT)


_START = ("start_map", "start_array")
_END = ("end_map", "end_array")


def _read_header(stream) -> tuple[dict, list | None, bool]:
    """Top-level fields and the providers list; stops at the course list when all
    that is needed came before it."""
    header: dict = {}
    providers: list | None = None
    saw_courses = False
    builder, depth = None, 0
    events = ijson.parse(stream, use_float=True)
    prefix, event, value = next(events)
    if event != "start_map":
        raise FeedRefused("This is not a catalog feed (the file is not a JSON object). " + KEPT)
    for prefix, event, value in events:
        if builder is not None:
            builder.event(event, value)
            if event in _START:
                depth += 1
            elif event in _END:
                depth -= 1
                if depth == 0:
                    providers.append(builder.value)
                    builder = None
            continue
        if prefix == "providers.item":
            if event in _START:
                builder, depth = ObjectBuilder(), 1
                builder.event(event, value)
            else:
                providers.append(value)
        elif prefix == "providers":
            if event == "start_array":
                providers = []
            elif event in ("start_map", "string", "number", "boolean", "null"):
                raise FeedRefused("The feed's providers are not a list. " + KEPT)
        elif prefix in _HEADER_KEYS:
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


def _check_header(header: dict, providers, saw_courses: bool) -> None:
    fmt = header.get("format")
    if fmt != FORMAT:
        what = f"format {fmt!r}" if isinstance(fmt, str) else "no format field"
        raise FeedRefused(f"This is not a Leerwinkel catalog feed ({what}). {KEPT}")
    version = header.get("version")
    if version != VERSION or isinstance(version, bool):
        raise FeedRefused(f"This feed is version {version!r}; this kiosk reads version "
                          f"{VERSION}. {KEPT}")
    if providers is None:
        raise FeedRefused("The feed has no list of providers. " + KEPT)
    if not saw_courses:
        raise FeedRefused("The feed has no list of courses. " + KEPT)


# ---------------------------------------------------------------- building a catalog file

def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def build_catalog(feed_path: Path, out: Path, meta: dict, limit: int,
                  progress: Progress | None = None) -> Report:
    """Check the feed file and write a complete catalog file at `out`.
    Raises FeedRefused when the whole feed is refused; `out` is then left unfinished."""
    size = max(1, os.path.getsize(feed_path))
    first = _first_char(feed_path)
    if first == "":
        raise FeedRefused("The feed is empty. " + KEPT)
    if first == "<":
        raise FeedRefused("The address gave a web page, not a catalog feed. " + KEPT)
    try:
        with _open_feed(feed_path, limit) as stream:
            header, raw_providers, saw_courses = _read_header(stream)
    except ijson.JSONError as exc:
        raise _json_error(exc) from None
    _check_header(header, raw_providers, saw_courses)

    report = Report()
    providers: dict[str, dict] = {}
    for item in raw_providers:
        try:
            row = check_provider(item)
        except Rejected as exc:
            pid = item.get("id") if isinstance(item, dict) else None
            report.notes.append(f"provider {pid or '(no id)'} skipped: {exc}")
            continue
        if row["id"] in providers:
            report.notes.append(f"provider {row['id']} appears twice; the first one is used")
            continue
        providers[row["id"]] = row

    conn = sqlite3.connect(out)
    try:
        conn.execute("pragma journal_mode=off")
        conn.execute("pragma synchronous=off")
        db = sqlite_utils.Database(conn)
        catalog_mod.create_schema(db)
        conn.executemany("insert into providers values (?, ?, ?, ?, ?)",
                         [tuple(p[c] for c in catalog_mod.PROVIDER_COLUMNS)
                          for p in providers.values()])
        columns = list(catalog_mod.COURSE_COLUMNS)
        insert = (f"insert into courses ({', '.join(columns)}) "
                  f"values ({', '.join('?' * len(columns))})")
        coords = _coordinates_lookup()
        seen: set[str] = set()
        batch: list[tuple] = []
        total = 0
        on_read = None
        if progress:
            def on_read(count: int) -> None:
                progress(0.1 + 0.75 * min(1.0, count / size), N_("Opleidingen lezen"))
        try:
            with _open_feed(feed_path, limit, on_read) as stream:
                for item in ijson.items(stream, "courses.item", use_float=True):
                    total += 1
                    try:
                        row = check_course(item)
                        if row["provider"] not in providers:
                            raise Rejected(f"provider {row['provider']!r} is not in the "
                                           "feed's providers (or was skipped)")
                        if row["id"] in seen:
                            raise Rejected("the same id appears more than once; "
                                           "the first one is used")
                    except Rejected as exc:
                        cid = item.get("id") if isinstance(item, dict) else None
                        if not isinstance(cid, str) or not cid.strip():
                            cid = f"(course {total}, no id)"
                        report.rejected.append((cid, str(exc)))
                        continue
                    seen.add(row["id"])
                    if row["lat"] is None:
                        found = coords(row["postcode"])
                        if found:
                            row["lat"], row["lon"] = found
                            row["coords_from_postcode"] = 1
                    batch.append(tuple(row[c] for c in columns))
                    if len(batch) >= BATCH:
                        conn.executemany(insert, batch)
                        batch.clear()
        except ijson.JSONError as exc:
            raise _json_error(exc) from None
        if batch:
            conn.executemany(insert, batch)
        loaded = total - len(report.rejected)
        if total == 0:
            raise FeedRefused("The feed has no courses, so nothing was loaded. " + KEPT)
        if too_many_rejected(len(report.rejected), total):
            report.message = refused_share_message(len(report.rejected), total) + " " + KEPT
            raise _RefusedWithReport(report)
        if progress:
            progress(0.88, N_("Zoekindex maken"))
        catalog_mod.create_indexes(db)
        info = {"format": FORMAT, "version": str(VERSION),
                "publisher": header.get("publisher") if isinstance(header.get("publisher"), str) else "",
                "generated_at": header.get("generated_at") if isinstance(header.get("generated_at"), str) else "",
                "rejected": str(len(report.rejected)),
                "rejected_list": _dumps(report.rejected[:1000]),
                **{k: ("" if v is None else str(v)) for k, v in meta.items()}}
        conn.executemany("insert into meta (key, value) values (?, ?)", list(info.items()))
        conn.commit()
    finally:
        conn.close()
    _fsync(out)
    report.loaded, report.providers = loaded, len(providers)
    return report


class _RefusedWithReport(FeedRefused):
    """Refused for too many bad courses; carries the list of them."""

    def __init__(self, report: Report):
        super().__init__(report.message)
        self.report = report


# ---------------------------------------------------------------- fetching

def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _local_path(source: str) -> Path:
    return Path(source[len("file://"):] if source.startswith("file://") else source)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _http_message(status: int, url: str) -> str:
    if status == 404:
        return f"The feed address was not found (HTTP 404): {url}. Check catalog.source. {KEPT}"
    if status in (401, 403):
        return f"The feed server refused access (HTTP {status}). {KEPT}"
    if status >= 500:
        return f"The feed server has a problem (HTTP {status}), also after retrying. {KEPT}"
    return f"The feed server answered with HTTP {status} instead of the feed. {KEPT}"


class _Retry(Exception):
    pass


def _download(url: str, cfg, dest: Path, previous: dict, progress: Progress | None) -> dict | None:
    """Fetch url into dest. Returns the response's validators, or None when the server
    says the feed has not changed (HTTP 304). Raises FeedRefused."""
    c = cfg.catalog
    headers = {"Accept": "application/json", "Accept-Encoding": "gzip"}
    if previous.get("etag"):
        headers["If-None-Match"] = previous["etag"]
    if previous.get("last_modified"):
        headers["If-Modified-Since"] = previous["last_modified"]
    attempts = 1 + max(0, int(c.retries))
    last = ""
    with requests.Session() as session:
        for attempt in range(attempts):
            if attempt:
                time.sleep(BACKOFF_S * 2 ** (attempt - 1))
            try:
                return _fetch_once(session, url, headers, c, dest, progress)
            except _Retry as exc:
                last = str(exc)
    raise FeedRefused(last)


def _fetch_once(session, url, headers, c, dest: Path, progress) -> dict | None:
    try:
        resp = session.get(url, headers=headers, stream=True,
                           timeout=(c.connect_timeout_s, c.read_timeout_s))
    except requests.exceptions.ConnectTimeout:
        raise _Retry(f"Could not reach the feed server in time ({url}). {KEPT}") from None
    except requests.exceptions.ReadTimeout:
        raise _Retry(f"The feed server did not answer in time ({url}). {KEPT}") from None
    except requests.exceptions.ConnectionError:
        raise _Retry(f"Could not connect to the feed server ({url}); check the network "
                     f"and the address. {KEPT}") from None
    except requests.exceptions.RequestException:
        raise FeedRefused(f"The feed address {url!r} cannot be used. {KEPT}") from None
    with resp:
        if resp.status_code == 304:
            return None
        if resp.status_code >= 500:
            raise _Retry(_http_message(resp.status_code, url))
        if resp.status_code != 200:
            raise FeedRefused(_http_message(resp.status_code, url))
        length = resp.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > c.max_bytes:
            raise FeedRefused(f"The feed is larger than the allowed {_mb(c.max_bytes)} "
                              f"(setting catalog.max_bytes). {KEPT}")
        expected = int(length) if length.isdigit() else 0
        count = 0
        try:
            with open(dest, "wb") as out:
                for chunk in resp.iter_content(CHUNK):
                    count += len(chunk)
                    if count > c.max_bytes:
                        raise FeedRefused(f"The feed is larger than the allowed "
                                          f"{_mb(c.max_bytes)} (setting catalog.max_bytes). {KEPT}")
                    out.write(chunk)
                    if progress and expected:
                        progress(0.1 * min(1.0, count / expected), N_("Downloaden"))
        except requests.exceptions.ContentDecodingError:
            raise FeedRefused(f"The feed download is damaged (broken gzip). {KEPT}") from None
        except (requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ConnectionError):
            raise _Retry(f"The download was cut off before the end. {KEPT}") from None
        return {"etag": resp.headers.get("ETag"),
                "last_modified": resp.headers.get("Last-Modified")}


# ---------------------------------------------------------------- files in the cache folder

def _cache(cache_dir: Path | None) -> Path:
    path = paths.cache_dir(cache_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def _lock(cache: Path):
    """Only one refresh or rollback at a time; the lock goes with the process."""
    fd = os.open(cache / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FeedRefused("Another catalog refresh is running; try again in a minute. "
                              + KEPT) from None
        yield
    finally:
        os.close(fd)


def _clean_leftovers(cache: Path) -> None:
    """Remove files of a refresh that was killed (we hold the lock)."""
    for path in cache.glob(TMP_PREFIX + "*"):
        path.unlink(missing_ok=True)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.unlink(missing_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _swap_in(new: Path, cache: Path) -> None:
    """Make `new` the current catalog; the current one becomes the previous one.
    catalog.sqlite exists at every step."""
    current, previous = cache / catalog_mod.CURRENT, cache / catalog_mod.PREVIOUS
    if current.exists():
        keep = cache / f"{TMP_PREFIX}{os.getpid()}.keep"
        _link_or_copy(current, keep)
        os.replace(keep, previous)
    os.replace(new, current)
    _fsync_dir(cache)


def _read_meta(path: Path) -> dict:
    try:
        cat = catalog_mod.open_catalog(path)
    except FileNotFoundError:
        return {}
    try:
        return cat.meta()
    except sqlite3.Error:
        return {}
    finally:
        cat.close()


def _read_state(cache: Path) -> dict:
    try:
        return json.loads((cache / STATE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_state(cache: Path, **changes) -> None:
    state = _read_state(cache)
    state.update(changes)
    tmp = cache / f"{TMP_PREFIX}{os.getpid()}.state"
    tmp.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, cache / STATE_FILE)


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------- public functions

def refresh(cfg, source: str | None = None, cache_dir: Path | None = None,
            progress: Progress | None = None) -> Report:
    """Fetch, check and swap in a catalog. Never raises for a bad feed or network:
    the report says what happened, and on failure the current catalog stays."""
    source = source or cfg.catalog.source or str(paths.SAMPLE_CATALOG)
    if not _is_url(source):
        source = str(_local_path(source).absolute())
    try:
        cache = _cache(cache_dir)
    except OSError as exc:
        return Report(message=f"The catalog folder cannot be used: {exc.strerror}.", source=source)
    try:
        with _lock(cache):
            _clean_leftovers(cache)
            try:
                report = _refresh_locked(cfg, source, cache, progress)
            finally:
                _clean_leftovers(cache)
    except _RefusedWithReport as exc:
        report = exc.report
    except FeedRefused as exc:
        report = Report(message=str(exc))
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        report = Report(message=f"The new catalog could not be written ({reason}). {KEPT}")
    report.source = source
    try:
        _write_state(cache, last_attempt_at=_now(), last_ok=report.ok,
                     last_message=report.message)
    except OSError:
        pass
    return report


def _refresh_locked(cfg, source: str, cache: Path, progress: Progress | None) -> Report:
    current = cache / catalog_mod.CURRENT
    meta_now = _read_meta(current)
    same_source = meta_now.get("source") == source
    previous = {k: meta_now.get(k) for k in ("etag", "last_modified")} if same_source else {}
    if progress:
        progress(0.0, N_("Feed ophalen"))
    validators: dict = {}
    if _is_url(source):
        feed_path = cache / f"{TMP_PREFIX}{os.getpid()}.download"
        validators = _download(source, cfg, feed_path, previous, progress)
        if validators is None:
            return _unchanged(cache, source)
    else:
        feed_path = _local_path(source)
        if not feed_path.is_file():
            raise FeedRefused(f"The feed file {feed_path} does not exist. {KEPT}")
        if feed_path.stat().st_size > cfg.catalog.max_bytes:
            raise FeedRefused(f"The feed is larger than the allowed {_mb(cfg.catalog.max_bytes)} "
                              f"(setting catalog.max_bytes). {KEPT}")
    digest = _sha256(feed_path)
    if same_source and meta_now.get("sha256") == digest:
        return _unchanged(cache, source)
    out = cache / f"{TMP_PREFIX}{os.getpid()}.sqlite"
    meta = {"source": source, "refreshed_at": _now(), "sha256": digest,
            "etag": validators.get("etag"), "last_modified": validators.get("last_modified")}
    report = build_catalog(feed_path, out, meta, cfg.catalog.max_bytes, progress)
    if progress:
        progress(0.97, N_("Nieuwe catalogus in gebruik nemen"))
    _swap_in(out, cache)
    _write_state(cache, checked_at=meta["refreshed_at"])
    report.ok = True
    bad = len(report.rejected)
    report.message = (f"Loaded {report.loaded} courses from {report.providers} providers"
                      + (f"; {bad} course{'s' if bad != 1 else ''} rejected (listed below)."
                         if bad else "."))
    if progress:
        progress(1.0, N_("Klaar"))
    return report


def _unchanged(cache: Path, source: str) -> Report:
    _write_state(cache, checked_at=_now())
    return Report(ok=True, unchanged=True,
                  message="The feed has not changed since the last refresh; "
                          "the current catalog stays.")


def rollback(cache_dir: Path | None = None) -> Report:
    """Swap the current and the previous catalog (a second rollback undoes the first)."""
    try:
        cache = _cache(cache_dir)
        with _lock(cache):
            current, previous = cache / catalog_mod.CURRENT, cache / catalog_mod.PREVIOUS
            if not previous.exists():
                return Report(message="There is no previous catalog to go back to.")
            meta = _read_meta(previous)
            if not meta:
                return Report(message="The previous catalog is damaged; it cannot be used.")
            if current.exists():
                keep = cache / f"{TMP_PREFIX}{os.getpid()}.keep"
                _link_or_copy(current, keep)
                os.replace(previous, current)
                os.replace(keep, previous)
            else:
                os.replace(previous, current)
            _fsync_dir(cache)
    except FeedRefused as exc:
        return Report(message=str(exc))
    except OSError as exc:
        return Report(message=f"Rollback failed: {exc.strerror}.")
    counts = status_counts(current)
    return Report(ok=True, loaded=counts["courses"], providers=counts["providers"],
                  source=meta.get("source", ""),
                  message=f"Went back to the previous catalog: {counts['courses']} courses "
                          f"(feed of {meta.get('generated_at') or 'unknown date'}).")


def status_counts(path: Path) -> dict:
    cat = catalog_mod.open_catalog(path)
    try:
        return cat.counts()
    finally:
        cat.close()


def ensure_catalog(cfg, cache_dir: Path | None = None) -> Path:
    """The current catalog's path. On first start (no catalog yet) it loads the configured
    source, or the bundled sample when there is none or it cannot be loaded now.
    Raises RuntimeError (with a plain message) when even the sample fails."""
    cache = _cache(cache_dir)
    current = cache / catalog_mod.CURRENT
    for source in (cfg.catalog.source, str(paths.SAMPLE_CATALOG)):
        if current.exists():
            return current
        if source:
            report = refresh(cfg, source=source, cache_dir=cache)
    if not current.exists():
        raise RuntimeError(report.message)
    return current


def _parse_time(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def status(cfg, cache_dir: Path | None = None) -> dict:
    """What catalog is loaded, how old it is and whether staff should refresh it."""
    cache = paths.cache_dir(cache_dir)
    current = cache / catalog_mod.CURRENT
    state = _read_state(cache) if cache.exists() else {}
    out = {"present": False, "providers": 0, "courses": 0, "source": None,
           "feed_generated_at": None, "refreshed_at": None, "checked_at": state.get("checked_at"),
           "age_days": None, "stale": True, "max_age_days": cfg.catalog.max_age_days,
           "previous_available": (cache / catalog_mod.PREVIOUS).exists(),
           "publisher": None, "rejected": 0, "path": str(current),
           "last_attempt_at": state.get("last_attempt_at"), "last_ok": state.get("last_ok"),
           "last_message": state.get("last_message")}
    meta = _read_meta(current)
    if not meta:
        return out
    counts = status_counts(current)
    out.update(present=True, **counts, source=meta.get("source") or None,
               feed_generated_at=meta.get("generated_at") or None,
               refreshed_at=meta.get("refreshed_at") or None,
               publisher=meta.get("publisher") or None,
               rejected=int(meta.get("rejected") or 0))
    times = [t for t in (_parse_time(out["refreshed_at"]), _parse_time(out["checked_at"])) if t]
    if times:
        newest = max(t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc) for t in times)
        age = dt.datetime.now(dt.timezone.utc) - newest
        out["age_days"] = round(age.total_seconds() / 86400, 1)
        out["stale"] = out["age_days"] > cfg.catalog.max_age_days
    return out


def last_attempt(cache_dir: Path | None = None) -> str | None:
    """When a refresh last ran, successful or not (from the small state file: cheap)."""
    state = _read_state(paths.cache_dir(cache_dir))
    return state.get("last_attempt_at") or state.get("checked_at")


def due_for_refresh(cfg, now: dt.datetime, last_refreshed_at) -> bool:
    """True when the daily refresh (catalog.refresh_at, "HH:MM" local time) is due:
    its latest moment at or before `now` came after the last refresh."""
    spec = (cfg.catalog.refresh_at or "").strip()
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", spec)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return False
    slot = now.replace(hour=int(match[1]), minute=int(match[2]), second=0, microsecond=0)
    if slot > now:
        slot -= dt.timedelta(days=1)
    last = _parse_time(last_refreshed_at)
    if last is None:
        return True
    if last.tzinfo and not now.tzinfo:
        last = last.astimezone().replace(tzinfo=None)
    elif now.tzinfo and not last.tzinfo:
        last = last.replace(tzinfo=now.tzinfo)
    return last < slot
