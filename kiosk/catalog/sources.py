"""One source of several ([[catalog.sources]], docs/sources.md): fetched, converted to a
feed when it is a CSV or a web page, and checked into a file of its own.

Each source keeps its last good file in `sources/` of the cache folder. A source that
fails or is refused this time keeps that file, so its courses stay; a source that loads
replaces it. The files are merged into the catalog by kiosk/catalog/merge.py. The download
and build code load with the first source fetched; reading the states (the kiosk's
figures) needs neither.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from kiosk import clock
from kiosk.catalog import store
from kiosk.catalog.addresses import redact, redact_text
from kiosk.catalog.limits import limits_of
from kiosk.catalog.report import KEPT, FeedRefused, RefusedWithReport
from kiosk.files import write_atomically
from kiosk.site import source_settings
from kiosk.text.printable import one_line

FOLDER = "sources"
STATE = "state.json"
KEEP_REJECTED = 1000             # rejected courses remembered per source for the report
CATALOG_SOURCE = "catalog.source"
SOURCE_KEPT = "The source's last good courses stay in use."


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    url: str
    providers: tuple
    allow_private: bool = False    # the site allows an address on this machine or network
    defaults: dict | None = None         # feed fields where a page or file does not say
    include: tuple = ()                  # a website: address patterns of the pages to read
    exclude: tuple = ()
    max_pages: int | None = None
    requests_per_s: float | None = None

    @property
    def aggregate(self) -> bool:
        return source_settings.ANY_PROVIDER in self.providers

    def rules(self):
        from kiosk.catalog.build import SourceRules
        allowed = None if self.aggregate else frozenset(self.providers)
        return SourceRules(self.name, allowed, clock.today().isoformat())


@dataclass
class Outcome:
    """What happened to one source in one refresh."""
    source: Source
    ok: bool = False
    unchanged: bool = False
    message: str = ""
    http_status: int | None = None
    rejected: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    fetched: dict = field(default_factory=dict)     # sha256, etag, last_modified
    site: dict | None = None                        # a website's figures (site_crawl.py)


def configured(cfg) -> list[Source]:
    """The sources in merge order: a provider's own sources before the aggregates (so
    the provider's own data wins a duplicate), each group in the config's order. A
    `catalog.source` set beside them is one more aggregate, named "catalog.source"."""
    tables = list(cfg.catalog.sources)
    if cfg.catalog.source and tables:
        tables.append({"name": CATALOG_SOURCE, "url": cfg.catalog.source, "providers": ["*"],
                       "allow_private": cfg.catalog.allow_private})
    sources = [Source(t["name"], t.get("kind", "feed"), t["url"].strip(),
                      tuple(p.strip() for p in t["providers"]),
                      bool(t.get("allow_private", False)), t.get("defaults"),
                      tuple(t.get("include", ())), tuple(t.get("exclude", ())),
                      t.get("max_pages"), t.get("requests_per_s")) for t in tables]
    return sorted(sources, key=lambda s: s.aggregate)       # stable: config order kept


def folder(cache: Path) -> Path:
    path = cache / FOLDER
    path.mkdir(exist_ok=True)
    return path


def kept_file(cache: Path, source: Source) -> Path:
    """The source's last good file (a name that is safe whatever the source is called)."""
    slug = re.sub(r"[^a-z0-9]+", "-", source.name.lower()).strip("-")[:40] or "source"
    digest = hashlib.sha256(source.name.encode()).hexdigest()[:10]
    return folder(cache) / f"{slug}-{digest}.sqlite"


def read_states(cache: Path) -> dict:
    try:
        return json.loads((cache / FOLDER / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_states(cache: Path, states: dict) -> None:
    write_atomically(folder(cache) / STATE, json.dumps(states, ensure_ascii=False),
                     tmp=store.temporary(cache, "sources-state"))


# ---------------------------------------------------------------- fetch and check one

def load(source: Source, cfg, cache: Path, before: dict) -> Outcome:
    """Fetch and check one source into its kept file; never raises. On failure the kept
    file (its last good courses) stays as it was."""
    outcome = Outcome(source)
    tag = hashlib.sha256(source.name.encode()).hexdigest()[:10]
    download = store.temporary(cache, f"{tag}.download")
    converted = store.temporary(cache, f"{tag}.json")
    built = store.temporary(cache, f"{tag}.sqlite")
    kept = kept_file(cache, source)
    try:
        if source.kind == "schema.org" and _is_url(source.url):
            _site(source, cfg, (download, converted, built, kept), before, outcome)
            return _finish(outcome)
        path = _fetch(source, cfg, download, before if kept.exists() else {}, outcome)
        if path is not None:
            _check(source, cfg, path, (converted, built, kept), before, outcome)
    except RefusedWithReport as exc:
        outcome.message, outcome.rejected = str(exc), exc.report.rejected[:KEEP_REJECTED]
    except FeedRefused as exc:
        outcome.message = str(exc)
        outcome.http_status = getattr(exc, "http_status", outcome.http_status)
    except (OSError, sqlite3.Error) as exc:
        outcome.message = f"The source could not be read or kept ({redact_text(str(exc))})."
    finally:
        for path in (download, converted, built, download.with_suffix(".state")):
            path.unlink(missing_ok=True)
    return _finish(outcome)


def _finish(outcome: Outcome) -> Outcome:
    outcome.message = one_line(outcome.message.replace(KEPT, SOURCE_KEPT).strip(), 500)
    return outcome


def _is_url(url: str) -> bool:
    from kiosk.catalog import fetch
    return fetch.is_url(url)


def _site(source: Source, cfg, files: tuple, before: dict, outcome: Outcome) -> None:
    """A website: its pages crawled into one feed document, checked as a feed. A page
    that fails keeps its last good courses; the site as a whole fails only when it
    cannot be read at all."""
    from kiosk.catalog import site_crawl
    download, converted, built, kept = files
    outcome.site, notes = site_crawl.gather(source, cfg, kept, download, converted,
                                            _own_provider(source))
    outcome.http_status = 200
    outcome.notes += notes
    _check(source, cfg, converted, (None, built, kept), before, outcome, ready=True)
    site = outcome.site
    outcome.message += (f" Pages: {site['pages_found']} found, {site['fetched']} fetched, "
                        f"{site['unchanged']} unchanged, {len(site['failed'])} failed.")

def _fetch(source: Source, cfg, download: Path, before: dict, outcome: Outcome) -> Path | None:
    """The source's file on this machine; None when the server says it has not changed."""
    from kiosk.catalog import fetch
    if not fetch.is_url(source.url):
        return fetch.local_feed(source.url, cfg.catalog.max_bytes)
    previous = {k: before.get(k) for k in ("etag", "last_modified")} \
        if before.get("url") == redact(source.url) else {}
    got = fetch.download(source.url, cfg.catalog, download, previous, None,
                         allow_private=source.allow_private)
    if got is None:
        outcome.ok, outcome.unchanged, outcome.http_status = True, True, 304
        outcome.message = "Not changed since the last refresh (HTTP 304)."
        outcome.fetched = {k: before.get(k) for k in ("sha256", "etag", "last_modified")}
        return None
    outcome.http_status = got.get("http_status")
    outcome.fetched = {"etag": got.get("etag"), "last_modified": got.get("last_modified")}
    return download


def _check(source: Source, cfg, path: Path, files: tuple, before: dict,
           outcome: Outcome, ready: bool = False) -> None:
    """Convert (CSV, web page) and check the file; the kept file is replaced only when
    the source loads."""
    from kiosk.catalog import fetch
    from kiosk.catalog.build import build_catalog
    converted, built, kept = files
    digest = fetch.file_digest(path)
    outcome.fetched["sha256"] = digest
    if kept.exists() and before.get("sha256") == digest \
            and before.get("url") == redact(source.url):
        outcome.ok, outcome.unchanged = True, True
        outcome.message = "Not changed since the last refresh."
        return
    if source.kind != "feed" and not ready:
        path = _as_feed(source, cfg, path, converted, outcome)
    report = build_catalog(path, built, {"source": redact(source.url)}, cfg.catalog.max_bytes,
                           None, limits_of(cfg.catalog), source.rules())
    os.replace(built, kept)
    outcome.ok = True
    outcome.rejected = (outcome.rejected + report.rejected)[:KEEP_REJECTED]
    outcome.notes += report.notes
    bad = len(report.rejected)
    outcome.message = (f"{report.loaded} courses passed the checks"
                       + (f"; {bad} rejected." if bad else "."))


def _as_feed(source: Source, cfg, path: Path, out: Path, outcome: Outcome) -> Path:
    """A CSV or a web page with schema.org markup, written as a feed file by the
    converter registered for the source's kind (CONVERTERS)."""
    doc = CONVERTERS[source.kind](source, cfg, path, outcome)
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return out


def _from_csv(source: Source, cfg, path: Path, outcome: Outcome) -> dict:
    from kiosk.catalog import convert_csv as csv_import
    try:
        doc, report = csv_import.csv_to_feed(path, source.name)
    except csv_import.CsvError as exc:
        raise FeedRefused(str(exc)) from None
    outcome.rejected += report.rejected
    if doc is None:
        raise FeedRefused(report.message)
    if source.defaults:
        from kiosk.catalog import source_defaults
        used: dict = {}
        for course in doc["courses"]:
            outcome.notes += source_defaults.apply(course, source.defaults, used)
        source_defaults.provider_types({p["id"]: p for p in doc["providers"]}, source.defaults)
    return doc


def _from_page(source: Source, cfg, path: Path, outcome: Outcome) -> dict:
    from kiosk.catalog import convert_schema_org as schema_org
    from kiosk.catalog.page_worker import PageReader
    with PageReader(cfg.catalog.max_memory_mb, cfg.catalog.page_parse_s) as reader:
        doc, unmapped = schema_org.page_to_feed(path, source.name, _own_provider(source),
                                                cfg.catalog.max_bytes, source.defaults, reader)
    outcome.notes += unmapped
    return doc


# a source kind -> its converter into a feed document (a feed needs none); a new kind is
# one function here and its name in kiosk/site/source_settings.py SOURCE_KINDS (a test keeps them
# in step)
CONVERTERS = {"csv": _from_csv, "schema.org": _from_page}


def _own_provider(source: Source) -> str | None:
    """The provider a page speaks for when its source lists exactly one."""
    return source.providers[0] if len(source.providers) == 1 and not source.aggregate else None


def state_of(outcome: Outcome, before: dict, courses: int, now: str) -> dict:
    """The source's line in the state file after this refresh. A source that did not
    load keeps the validators of its kept file, so the next request stays conditional."""
    src = outcome.source
    state = {"name": src.name, "kind": src.kind, "url": redact(src.url), "ok": outcome.ok,
             "message": redact_text(outcome.message), "http_status": outcome.http_status,
             "last_ok_at": now if outcome.ok else before.get("last_ok_at"),
             "courses": courses, "checked_at": now,
             **{k: before.get(k) for k in ("sha256", "etag", "last_modified")},
             "rejected": before.get("rejected", []), "notes": before.get("notes", [])}
    if outcome.site is not None:
        state["site"] = outcome.site
    elif before.get("site"):
        state["site"] = before["site"]
    if outcome.ok and not outcome.unchanged:
        state.update(outcome.fetched, rejected=outcome.rejected, notes=outcome.notes[:200])
    elif not outcome.ok:
        state.update(rejected=outcome.rejected)
    return state
