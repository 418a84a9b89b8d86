"""A provider's website served by a real HTTP server on 127.0.0.1, for the tests of
website sources and bench/site_refresh.py: pages held in memory (changeable between
refreshes), ETag and Last-Modified answered with 304, robots.txt, gzip files, slow and
broken pages, and a log of every request."""
from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LAST_MODIFIED = "Tue, 01 Dec 2026 08:00:00 GMT"


class Site:
    def __init__(self):
        self.files: dict[str, tuple[bytes, str]] = {}   # path -> (body, content type)
        self.slow: dict[str, float] = {}                 # path -> seconds before answering
        self.status: dict[str, int] = {}                 # path -> forced HTTP status
        self.log: list[tuple[str, int]] = []             # (path, status) of every request
        self.connections = 0                             # TCP connections accepted
        self.arrived: list[float] = []                   # when each logged request came
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"site": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def put(self, path: str, body, content_type: str = "text/html; charset=utf-8") -> None:
        self.files[path] = (body.encode() if isinstance(body, str) else body, content_type)

    def requests(self, status: int | None = None) -> list:
        with self.lock:
            return [p for p, s in self.log if status is None or s == status]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    site: Site
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def setup(self):
        super().setup()              # headers and body go out as they are written
        with self.site.lock:
            self.site.connections += 1
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self):
        self.arrived = time.monotonic()
        site, path = self.site, self.path.split("?")[0]
        time.sleep(site.slow.get(path, 0))
        status = site.status.get(path)
        found = site.files.get(path)
        if status is None and found is None:
            status = 404
        if status is not None:
            return self._answer(status, b"error", "text/plain")
        body, kind = found
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            return self._answer(304, b"", kind, etag)
        self._answer(200, body, kind, etag)

    def _answer(self, status: int, body: bytes, kind: str, etag: str | None = None):
        with self.site.lock:
            self.site.log.append((self.path, status))
            self.site.arrived.append(self.arrived)
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            if etag:
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", LAST_MODIFIED)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True         # the kiosk gave up waiting (a slow page)


# ---------------------------------------------------------------- pages in three syntaxes

def json_ld_page(code: str, name: str, *, lang: str = "nl", alternates: dict | None = None,
                 postcode: str = "9000", start: str = "2027-02-01", keywords: str = "NT2",
                 description: str = "Een cursus voor volwassenen.") -> str:
    course = {"@context": "https://schema.org", "@type": "Course", "courseCode": code,
              "name": name, "description": description, "keywords": keywords,
              "hasCourseInstance": [{
                  "@type": "CourseInstance", "courseMode": "onsite", "startDate": start,
                  "courseSchedule": {"@type": "Schedule", "byDay": "https://schema.org/Monday",
                                     "startTime": "18:30"},
                  "location": {"@type": "Place", "name": "Campus",
                               "address": {"@type": "PostalAddress", "postalCode": postcode,
                                           "streetAddress": "Voskenslaan 1",
                                           "addressLocality": "Gent"}}}]}
    links = "".join(f'<link rel="alternate" hreflang="{k}" href="{v}">'
                    for k, v in (alternates or {}).items())
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">{links}'
            f'<title>{name}</title><script type="application/ld+json">{json.dumps(course)}'
            f"</script></head><body><h1>{name}</h1></body></html>")


def microdata_page(code: str, name: str, postcode: str = "9000") -> str:
    return f"""<!DOCTYPE html><html lang="nl"><body>
<div itemscope itemtype="https://schema.org/Course">
 <h1 itemprop="name">{name}</h1><meta itemprop="courseCode" content="{code}">
 <meta itemprop="keywords" content="digitale vaardigheden">
 <div itemprop="hasCourseInstance" itemscope itemtype="https://schema.org/CourseInstance">
  <meta itemprop="courseMode" content="onsite"><meta itemprop="startDate" content="2027-03-01">
  <div itemprop="courseSchedule" itemscope itemtype="https://schema.org/Schedule">
   <link itemprop="byDay" href="https://schema.org/Tuesday">
   <meta itemprop="startTime" content="09:00"></div>
  <div itemprop="location" itemscope itemtype="https://schema.org/Place"><span itemprop="name">Bib</span>
   <div itemprop="address" itemscope itemtype="https://schema.org/PostalAddress">
    <span itemprop="postalCode">{postcode}</span></div></div>
 </div></div></body></html>"""


def rdfa_page(code: str, name: str, postcode: str = "9000") -> str:
    return f"""<!DOCTYPE html><html lang="nl"><body>
<div vocab="https://schema.org/" typeof="Course">
 <h1 property="name">{name}</h1><span property="courseCode">{code}</span>
 <span property="keywords">basiseducatie</span>
 <div property="hasCourseInstance" typeof="CourseInstance">
  <span property="courseMode">onsite</span><meta property="startDate" content="2027-04-01">
  <div property="courseSchedule" typeof="Schedule"><link property="byDay"
   href="https://schema.org/Saturday"><meta property="startTime" content="10:00"></div>
  <div property="location" typeof="Place"><span property="name">Wijkcentrum</span>
   <div property="address" typeof="PostalAddress"><span property="postalCode">{postcode}</span>
   </div></div></div></div></body></html>"""


def sitemap(urls: list[str], index: bool = False) -> str:
    tag, item = ("sitemapindex", "sitemap") if index else ("urlset", "url")
    body = "".join(f"<{item}><loc>{u}</loc></{item}>" for u in urls)
    return (f'<?xml version="1.0" encoding="UTF-8"?><{tag} '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</{tag}>')
