"""A provider's website as one source (`kind = "schema.org"`, docs/sources.md, "A
provider's website"): the pages found from a sitemap (also a sitemap index, also gzip)
or a listing page, read one by one, politely and within bounds.

- robots.txt is obeyed (urllib.robotparser, also its Crawl-delay), and requests to one
  host are spaced by the source's `requests_per_s`;
- every page is asked for conditionally (its own ETag and Last-Modified), so a site that
  did not change costs one short answer per page;
- at most `max_pages` pages a source; the feed's size, time and retry limits per page, and
  each page is read in a capped child process (kiosk/catalog/page_worker.py);
- a page that fails keeps its last good courses, with the reason in the report;
- Dutch pages that link translations (`<link rel="alternate" hreflang>`) give their
  courses' titles and summaries in those languages.

The pages' states (validators, courses, translations) are kept in `sources/` beside the
source's kept file; the courses of all pages make one feed document, which the source
then checks as any feed (kiosk/catalog/sources.py).
"""
from __future__ import annotations

import contextlib
import fnmatch
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

from kiosk.catalog import site_pages
from kiosk.catalog.page_worker import PageReader
from kiosk.catalog.report import KEPT, FeedRefused
from kiosk.files import write_atomically

MAX_PAGES = 500                  # default pages read per source (setting max_pages)
REQUESTS_PER_S = 2.0             # default rate per host (setting requests_per_s)
MAX_FAILED_SHOWN = 200
ROOTS = ("", "/", "/robots.txt")   # a source address that means "the whole site"
CONNECTIONS = 4                  # pages of one site asked for at the same time (at the rate)
DUTCH = "nl"


def site_state_file(kept: Path) -> Path:
    return kept.with_suffix(".site.json")


def read_site_state(path: Path) -> dict:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"pages": {}, "lists": {}}
    return state if isinstance(state, dict) else {"pages": {}, "lists": {}}


def gather(source, cfg, kept: Path, scratch: Path, out: Path, own_provider) -> tuple:
    """Crawl the site into a feed document at `out`. Returns (site figures, notes).
    Raises FeedRefused when the site cannot be read at all (its last good courses stay)."""
    state_path = site_state_file(kept)
    state = read_site_state(state_path) if kept.exists() else {"pages": {}, "lists": {}}
    options = source_options(source)
    private = urlsplit(source.url).hostname if source.allow_private else None
    client = site_pages.Client(cfg.catalog, scratch, options["requests_per_s"], private)
    figures = {"pages_found": 0, "fetched": 0, "unchanged": 0, "failed": [],
               "without_courses": 0, "skipped": {}}
    before = state.get("pages", {})
    languages = set(cfg.site.languages) - {DUTCH}       # translations the kiosk can show
    with PageReader(cfg.catalog.max_memory_mb, cfg.catalog.page_parse_s) as reader, \
            contextlib.closing(client), ThreadPoolExecutor(CONNECTIONS) as pool:
        client.robots(source.url)
        wave, pages, lists = _discover(client, (reader, own_provider), source, state, options,
                                        figures)
        while wave:                                  # the pages, then their translations
            read = pool.map(lambda url: site_pages.read_one(
                client, reader, url, before.get(url, {}), own_provider), wave)
            next_wave = []
            for url, page in zip(wave, read):
                pages[url] = _tally(url, page, figures)
                for lang, alternate in (page.get("alternates") or {}).items():
                    if lang in languages and alternate not in pages and alternate not in wave \
                            and alternate not in next_wave \
                            and len(pages) + len(next_wave) < options["max_pages"] \
                            and _same_site(alternate, source.url) and client.allowed(alternate):
                        next_wave.append(alternate)
            wave = next_wave
    write_atomically(state_path, json.dumps({"pages": pages, "lists": lists},
                                            ensure_ascii=False),
                     tmp=scratch.with_suffix(".state"))
    figures["pages_found"] = len(pages)
    doc, notes = site_pages.assemble(pages, source, source.defaults, figures)
    figures["requests"] = client.requests
    if not doc["courses"]:
        why = "; ".join(f"{u}: {r}" for u, r in figures["failed"][:3]) or \
            f"none of its {len(pages)} pages has schema.org Course markup"
        raise FeedRefused(f"No courses could be read from the site ({why}). {KEPT}")
    out.write_text(json.dumps(doc, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    figures["failed"] = figures["failed"][:MAX_FAILED_SHOWN]
    return figures, notes


def _tally(url: str, page: dict, figures: dict) -> dict:
    """Count the page's outcome; the page's state without it."""
    outcome = page.pop("outcome", "unchanged")
    if outcome in ("fetched", "unchanged"):
        figures[outcome] += 1
    if page.get("failed") and outcome != "unchanged":
        figures["failed"].append([url, page["failed"]])
    return page


def source_options(source) -> dict:
    return {"include": list(getattr(source, "include", ()) or ()),
            "exclude": list(getattr(source, "exclude", ()) or ()),
            "max_pages": getattr(source, "max_pages", None) or MAX_PAGES,
            "requests_per_s": getattr(source, "requests_per_s", None) or REQUESTS_PER_S}


def _same_site(url: str, start: str) -> bool:
    a, b = urlsplit(url), urlsplit(start)
    return (a.scheme, a.netloc.lower()) == (b.scheme, b.netloc.lower())


def _wanted(url: str, start: str, options: dict) -> str | None:
    """None when the page is to be read, else why not."""
    if not _same_site(url, start):
        return "on another site"
    if options["include"] and not any(fnmatch.fnmatchcase(url, p) for p in options["include"]):
        return "not matched by include"
    if any(fnmatch.fnmatchcase(url, p) for p in options["exclude"]):
        return "matched by exclude"
    return None


def _discover(client, reading: tuple, source, state: dict, options: dict,
              figures: dict) -> tuple:
    """(pages still to read, pages read already, sitemaps read) from the sitemap(s) or
    the listing page at the source's address; for the site's root or its robots.txt,
    from the sitemaps robots.txt names."""
    start, lists_before = source.url, state.get("lists", {})
    before = state.get("pages", {})
    named = client.rules.site_maps() if client.rules and urlsplit(start).path in ROOTS else None
    if named:
        found = {"kind": "sitemap", "urls": [], "sitemaps": list(named)}
    else:                                       # a listing page is asked for conditionally too
        found = site_pages.read_list(client, start,
                                     lists_before.get(start) or before.get(start, {}))
    lists, pages = {}, {}
    if found["kind"] == "sitemap":
        lists[start] = found
        urls = list(found["urls"])
        for child in found["sitemaps"][:site_pages.MAX_SITEMAPS]:
            if not _same_site(child, start):
                _skip(figures, "sitemap on another site")
                continue
            try:
                sub = site_pages.read_list(client, child, lists_before.get(child, {}))
            except FeedRefused as exc:
                figures["failed"].append([child, site_pages.page_reason(exc)])
                sub = lists_before.get(child, {"urls": []})      # its pages as last time
            lists[child] = sub
            urls += sub.get("urls", [])
    else:
        reader, own_provider = reading
        page = site_pages.read_one(client, reader, start, before.get(start, {}), own_provider,
                                   got=found["got"], listing=True)
        pages[start] = _tally(start, page, figures)
        follow = bool(options["include"]) or not page.get("courses")
        urls = page.get("links", []) if follow else []
    wanted = []
    for url in dict.fromkeys(urls):
        if url in pages:
            continue
        why = _wanted(url, start, options)
        if why is None and not client.allowed(url):
            why = "refused by robots.txt"
        if why:
            _skip(figures, why)
        else:
            wanted.append(url)
    room = options["max_pages"] - len(pages)
    if len(wanted) > room:
        _skip(figures, "over max_pages", len(wanted) - room)
        wanted = wanted[:room]
    return wanted, pages, lists


def _skip(figures: dict, why: str, n: int = 1) -> None:
    figures["skipped"][why] = figures["skipped"].get(why, 0) + n
