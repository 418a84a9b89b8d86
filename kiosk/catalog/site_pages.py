"""The parts of reading a provider's website (kiosk/catalog/site_crawl.py): a polite
client (robots.txt, a rate per host, conditional requests through kiosk/catalog/fetch.py),
sitemaps, one page with its last good courses, and the feed document of all pages.
"""
from __future__ import annotations

import dataclasses
import gzip
import threading
import time
import urllib.robotparser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from kiosk import clock
from kiosk.catalog import fetch, source_defaults
from kiosk.catalog.check import FORMAT, VERSION
from kiosk.catalog.page_worker import PageFailed
from kiosk.catalog.report import FeedRefused
from kiosk.text.printable import one_line

USER_AGENT = "LeerwinkelKiosk"
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
MAX_SITEMAPS = 50                # sitemaps read from one sitemap index
MAX_SITEMAP_URLS = 50_000        # the sitemap protocol's own limit per file
MAX_ROBOTS_BYTES = 500_000
MAX_CRAWL_DELAY_S = 30.0
MAX_LINKS_KEPT = 5_000
SITEMAP_MARKERS = (b"<urlset", b"<sitemapindex")
DUTCH = "nl"
KEPT_KEYS = ("etag", "last_modified", "sha256", "courses", "providers", "notes", "lang",
             "alternates", "changed_at")

_hosts: dict = {}                # host -> the earliest time of its next request
_hosts_lock = threading.Lock()


class Client:
    """GETs for one source: robots.txt first, each host spaced by the rate, every answer
    within the feed's limits (the page's own size limit: catalog.max_page_bytes)."""

    def __init__(self, settings, scratch: Path, requests_per_s: float,
                 private_host: str | None = None):
        """private_host: the site's own host, when the site config allows it to be on
        this machine or the local network (allow_private); every other host must be
        public (kiosk/catalog/addresses.py)."""
        self.private_host = private_host
        self.settings = dataclasses.replace(settings, max_bytes=min(settings.max_bytes,
                                                                    settings.max_page_bytes))
        self.base, self.interval = scratch, 1.0 / max(0.01, requests_per_s)
        self.rules: urllib.robotparser.RobotFileParser | None = None
        self.requests = 0
        self.last = 0.0                            # when the last request was let go
        self._local = threading.local()            # each thread its session and file
        self._opened: list = []

    @property
    def scratch(self) -> Path:
        return self._mine()[1]

    @property
    def session(self):
        return self._mine()[0]

    def _mine(self) -> tuple:
        if not hasattr(self._local, "mine"):
            session = fetch.session_for(self.settings, self.private_host)
            session.headers["User-Agent"] = USER_AGENT        # the name robots.txt rules use
            with _hosts_lock:                                  # each thread a file of its own
                n = len(self._opened)
                self._local.mine = (session, self.base if n == 0 else self.base.with_name(
                    f"{self.base.name}.{n}"))
                self._opened.append(self._local.mine)
        return self._local.mine

    def close(self) -> None:
        for session, scratch in self._opened:
            session.close()
            if scratch != self.base:
                scratch.unlink(missing_ok=True)

    def robots(self, start: str) -> None:
        """Read the site's robots.txt; none (4xx) allows all. Raises FeedRefused when it
        cannot be read (a server error): the site is then not read this time."""
        parts = urlsplit(start)
        url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        rules = urllib.robotparser.RobotFileParser(url)
        small = dataclasses.replace(self.settings, max_bytes=MAX_ROBOTS_BYTES)
        try:
            self._space(url)
            fetch.download(url, small, self.scratch, {}, None, self._private(url),
                           session=self.session, accept="text/plain")
            rules.parse(self.scratch.read_text(encoding="utf-8", errors="replace").splitlines())
        except FeedRefused as exc:
            status = getattr(exc, "http_status", None)
            if status is None or status >= 500 or status == 429:
                raise FeedRefused(f"The site's robots.txt could not be read "
                                  f"({page_reason(exc)}).") from None
            rules.allow_all = True
        delay = rules.crawl_delay(USER_AGENT)
        if delay:
            self.interval = max(self.interval, min(MAX_CRAWL_DELAY_S, float(delay)))
            host = urlsplit(url).netloc.lower()
            with _hosts_lock:                  # the next request waits from robots.txt's
                _hosts[host] = max(_hosts.get(host, 0.0), self.last + self.interval)
        self.rules = rules

    def allowed(self, url: str) -> bool:
        return self.rules is None or self.rules.can_fetch(USER_AGENT, url)

    def _space(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        with _hosts_lock:
            now = time.monotonic()
            at = max(now, _hosts.get(host, 0.0))
            _hosts[host] = at + self.interval
            self.last = at
        if at > now:
            time.sleep(at - now)

    def get(self, url: str, before: dict) -> dict | None:
        """Fetch into the scratch file: its validators, or None when not changed (304)."""
        self._space(url)
        self.requests += 1
        previous = {k: before.get(k) for k in ("etag", "last_modified") if before.get(k)}
        return fetch.download(url, self.settings, self.scratch, previous, None,
                              self._private(url), session=self.session, accept=ACCEPT)

    def _private(self, url: str) -> bool:
        return self.private_host is not None and urlsplit(url).hostname == self.private_host

    def body(self) -> bytes:
        """The scratch file's bytes, gunzipped when it is gzip (a sitemap.xml.gz)."""
        raw = self.scratch.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            try:
                with gzip.GzipFile(fileobj=open(self.scratch, "rb")) as unzipped:
                    raw = unzipped.read(self.settings.max_bytes + 1)
            except (OSError, EOFError):
                raise FeedRefused("the file is damaged (broken gzip)") from None
            if len(raw) > self.settings.max_bytes:
                raise FeedRefused("the file is larger than allowed when unzipped")
        return raw


def read_list(client: Client, url: str, before: dict) -> dict:
    """A sitemap (or sitemap index): {"kind": "sitemap", "urls", "sitemaps", validators};
    or {"kind": "page", "got": …} when the address is a web page."""
    got = client.get(url, before)
    if got is None:
        return before if before.get("kind") == "sitemap" else {"kind": "page", "got": None}
    raw = client.body()
    if not any(m in raw[:2000] for m in SITEMAP_MARKERS):
        return {"kind": "page", "got": got}
    urls, sitemaps = _sitemap(raw, url)
    return {"kind": "sitemap", "urls": urls, "sitemaps": sitemaps, "etag": got.get("etag"),
            "last_modified": got.get("last_modified")}


def _sitemap(raw: bytes, url: str) -> tuple[list, list]:
    """The page addresses and child sitemaps of a sitemap; hostile XML is read without
    entities, network or huge text."""
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             recover=False)
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise FeedRefused(f"The sitemap {url} is not valid XML ({one_line(str(exc), 120)})"
                          ) from None
    urls, sitemaps = [], []
    index = etree.QName(root).localname == "sitemapindex"
    for loc in root.iter("{*}loc"):
        text = (loc.text or "").strip()
        if text.startswith(("http://", "https://")):
            (sitemaps if index else urls).append(urljoin(url, text))
        if len(urls) + len(sitemaps) >= MAX_SITEMAP_URLS:
            break
    return urls, sitemaps


def read_one(client: Client, reader, url: str, before: dict, own_provider,
             got="fetch", listing: bool = False) -> dict:
    """One page's state after this refresh: fetched and read when it changed, else its
    last one; on failure its last good courses with the reason. Its "outcome" says
    which (unchanged, fetched, failed) and is taken out by the caller."""
    kept = {k: before[k] for k in KEPT_KEYS if k in before}
    if listing and "links" in before:
        kept["links"] = before["links"]
    try:
        if got == "fetch":
            got = client.get(url, before if before.get("courses") is not None else {})
        if got is None:
            return {**kept, "outcome": "unchanged"}
        digest = fetch.file_digest(client.scratch)
        if digest == before.get("sha256") and "courses" in before:
            return {**kept, "etag": got.get("etag"), "last_modified": got.get("last_modified"),
                    "outcome": "unchanged"}
        read = reader.read(client.scratch, url, own_provider)
    except (FeedRefused, PageFailed) as exc:
        return {**kept, "failed": page_reason(exc), "outcome": "failed"}
    page = {"etag": got.get("etag"), "last_modified": got.get("last_modified"),
            "sha256": digest, "courses": read["courses"], "providers": read["providers"],
            "notes": read["notes"][:50], "lang": read["lang"] or _course_language(read),
            "alternates": read["alternates"], "changed_at": clock.today().isoformat(),
            "outcome": "fetched"}
    if listing:
        page["links"] = read["links"][:MAX_LINKS_KEPT]
    if not read["courses"] and read["markup"] and read["notes"]:
        page["failed"] = one_line("no Course markup could be read: "
                                  + "; ".join(read["notes"][:3]), 300)
    return page


def page_reason(exc: Exception) -> str:
    """One line on why a page (or sitemap) could not be read, in a website's words."""
    status = getattr(exc, "http_status", None)
    if status == 404 or status == 410:
        return f"not found (HTTP {status})"
    if status in (401, 403):
        return f"access refused (HTTP {status})"
    if status:
        return f"the site answered HTTP {status}" + (", also after retrying"
                                                     if status >= 500 else "")
    text = str(exc).split(" The current")[0].replace("feed server", "site")
    return one_line(text.replace("feed", "page"), 300)


def _course_language(read: dict) -> str | None:
    languages = {c.get("language") for c in read["courses"]}
    return languages.pop()[:2].lower() if len(languages) == 1 and None not in languages \
        else None


# ---------------------------------------------------------------- the feed document

def assemble(pages: dict, source, defaults, figures: dict) -> tuple[dict, list]:
    """The feed document of all pages' (last good) courses, with translations from the
    pages' alternates and the source's defaults; and the notes."""
    translations = {alt for p in pages.values() if (p.get("lang") or DUTCH) == DUTCH
                    for lang, alt in (p.get("alternates") or {}).items() if lang != DUTCH}
    courses, providers, notes, ids = [], {}, [], set()
    per_page, used = {}, {}
    figures["translated"] = 0
    for url, page in pages.items():
        if url in translations or not page.get("courses"):
            if not page.get("courses") and "failed" not in page:
                figures["without_courses"] += 1
            continue
        if (page.get("lang") or DUTCH) != DUTCH:
            notes.append(f"{url}: a page in {page['lang']!r} without a Dutch version: not loaded")
            continue
        per_page[url] = 0
        for course in page["courses"]:      # changed in place: the state is written already
            if course.get("id") in ids:
                notes.append(f"{course.get('id')}: also on {url}: the first page's is kept")
                continue
            ids.add(course.get("id"))
            figures["translated"] += _translate(course, page, pages)
            if not course.get("last_verified") and page.get("changed_at"):
                course["last_verified"] = page["changed_at"]     # confirmed per page
            notes += source_defaults.apply(course, defaults, used)
            courses.append(course)
            per_page[url] += 1
        notes += [f"{url}: {n}" for n in page.get("notes", [])[:20]]
        for pid, provider in (page.get("providers") or {}).items():
            providers.setdefault(pid, provider)
    source_defaults.provider_types(providers, defaults)
    figures.update(courses_per_page=dict(list(per_page.items())[:1000]), defaults_used=used)
    changed = max((p.get("changed_at") or "" for p in pages.values()), default="")
    doc = {"format": FORMAT, "version": VERSION,
           "generated_at": f"{changed or clock.today().isoformat()}T00:00:00Z",
           "publisher": source.name, "providers": list(providers.values()), "courses": courses}
    return doc, notes


def _translate(course: dict, page: dict, pages: dict) -> int:
    """Title and summary in the languages of the page's translations: the translated
    page's course with the same id, else the one at the same place."""
    added = 0
    for lang, url in (page.get("alternates") or {}).items():
        other = (pages.get(url) or {}).get("courses") or []
        if lang == DUTCH or not other:
            continue
        match = next((c for c in other if c.get("id") == course.get("id")), None)
        if match is None and len(other) == len(page["courses"]):
            match = other[page["courses"].index(next(
                c for c in page["courses"] if c.get("id") == course.get("id")))]
        if match is None:
            continue
        for key in ("title", "summary"):
            text = (match.get(key) or {}).get(DUTCH)      # a page's text is read as Dutch
            if text:
                course.setdefault(key, {})[lang] = text
        added = 1
    return added
