"""Getting the feed file: a local file as it is, or an HTTP(S) download with requests.

Retries after a connection error, a timeout or an answer 5xx, with growing waits, are
urllib3's Retry on the session's adapter. A conditional request (ETag, Last-Modified)
lets the server say the feed has not changed; the size limit is checked while reading.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import DecodeError, MaxRetryError, ProtocolError, ReadTimeoutError, SSLError
from urllib3.util import Retry

from kiosk.catalog import addresses
from kiosk.catalog.addresses import AddressRefused, redact
from kiosk.catalog.report import KEPT, FeedRefused, Progress, too_large
from kiosk.text.i18n import N_

BACKOFF_S = 0.5                  # Retry's backoff factor: waits of 0, 2, 4, ... times this
CHUNK = 64 * 1024
CUT_OFF = f"The download was cut off before the end. {KEPT}"
MAX_REDIRECTS = 10


class _RedactAddresses(logging.Filter):
    """urllib3 logs the addresses it fetches (at DEBUG): without their credentials."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg, record.args = addresses.redact_text(record.getMessage()), None
        return True


logging.getLogger("urllib3.connectionpool").addFilter(_RedactAddresses())


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def local_path(source: str) -> Path:
    return Path(source[len("file://"):] if source.startswith("file://") else source)


def local_feed(source: str, max_bytes: int) -> Path:
    """The path of a feed file on this machine, when it is a plain file (not a FIFO, a
    device or a folder, which would hang or fail the reading) and not too large."""
    path = local_path(source)
    if path.exists() and not path.is_file():
        raise FeedRefused(f"The feed path {path} is not a plain file (a folder, a device "
                          f"or a pipe). {KEPT}")
    if not path.is_file():
        raise FeedRefused(f"The feed file {path} does not exist. {KEPT}")
    if path.stat().st_size > max_bytes:
        raise too_large(max_bytes)
    return path


def file_digest(path: Path) -> str:
    """SHA-256 of the file: the same feed twice is seen as unchanged."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def retry_policy(retries: int) -> Retry:
    """Up to `retries` more tries after a connection error, a timeout or a 5xx answer.
    A server's Retry-After is not followed: a refresh must not hang for hours."""
    n = max(0, int(retries))
    return Retry(total=n, connect=n, read=n, status=n, status_forcelist=range(500, 600),
                 backoff_factor=BACKOFF_S, raise_on_status=False,
                 respect_retry_after_header=False)


def download(url: str, settings, dest: Path, previous: dict,
             progress: Progress | None, allow_private: bool | None = None,
             session: requests.Session | None = None,
             accept: str = "application/json") -> dict | None:
    """Fetch url into dest (`settings`: the site config's [catalog] table). Returns the
    response's validators, or None when the server says the feed has not changed
    (HTTP 304 to a conditional request). Only public addresses are connected to, unless
    `allow_private` (default: catalog.allow_private); redirects are followed here, each
    checked the same way, never from https to http. Raises FeedRefused. `session` (from
    `session_for`, which checks addresses the same way) keeps connections open across the
    many pages of one website; `accept`: what is asked for (a website's pages: HTML)."""
    if allow_private is None:
        allow_private = settings.allow_private
    private_host = urlsplit(url).hostname if allow_private else None
    headers = {"Accept": accept, "Accept-Encoding": "gzip"}
    if previous.get("etag"):
        headers["If-None-Match"] = previous["etag"]
    if previous.get("last_modified"):
        headers["If-Modified-Since"] = previous["last_modified"]
    retry = retry_policy(settings.retries)
    deadline = time.monotonic() + settings.download_deadline_s
    while True:
        with (contextlib.nullcontext(session) if session
              else _session(retry, private_host)) as open_session:
            try:
                return _get(open_session, url, headers, settings, dest, (progress, deadline))
            except _CutOff as cut:
                retry, session = _after_cut_off(cut.retries, url), None


class _CutOff(Exception):
    """The body broke off after the headers came; carries the Retry state so far."""

    def __init__(self, retries: Retry):
        super().__init__(CUT_OFF)
        self.retries = retries


def _checking(base: type, private_host: str | None) -> type:
    """A connection class that connects only to addresses `addresses.check_host` let
    through: the name is resolved once, checked, and the checked address is used (a
    name that resolves differently a moment later cannot slip past). Only the source's
    own host (`private_host`, when the site allows it) may be private: a redirect
    elsewhere must lead to a public address."""
    class Checked(base):
        def _new_conn(self):
            name = self._dns_host
            infos = addresses.check_host(name, self.port,
                                         private_host is not None and self.host == private_host)
            error = None
            try:
                for info in infos:
                    self._dns_host = info[4][0]       # connect to the address checked
                    try:
                        return super()._new_conn()
                    except OSError as exc:
                        error = exc
            finally:
                self._dns_host = name                 # the name stays for TLS and Host
            raise error
    return Checked


def session_for(settings, private_host: str | None = None) -> requests.Session:
    """A session with the settings' retries, for many downloads in a row, connecting only
    to checked addresses (`private_host`: the one host that may be private). When the
    environment sets no proxy and no .netrc, it is not looked up again per request (its
    CA bundle, if any, is taken once, as requests would take it)."""
    session = _session(retry_policy(settings.retries), private_host)
    if not (urllib.request.getproxies() or os.environ.get("NETRC")
            or Path("~/.netrc").expanduser().exists()):
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if bundle:
            session.verify = bundle
        session.trust_env = False
    return session


def _session(retry: Retry, private_host: str | None = None) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    pools = {}
    for scheme, pool, conn in (("http", HTTPConnectionPool, HTTPConnection),
                               ("https", HTTPSConnectionPool, HTTPSConnection)):
        pools[scheme] = type(f"Checked{pool.__name__}", (pool,),
                             {"ConnectionCls": _checking(conn, private_host)})
    adapter.poolmanager.pool_classes_by_scheme = pools
    adapter.poolmanager.key_fn_by_scheme = dict(adapter.poolmanager.key_fn_by_scheme)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def _after_cut_off(retry: Retry, url: str) -> Retry:
    """urllib3 retries only until the headers arrive; a body cut off later takes one
    more try from the same Retry (its count and its wait), or ends the refresh."""
    try:
        retry = retry.increment("GET", url, error=ProtocolError(CUT_OFF))
    except MaxRetryError:
        raise FeedRefused(CUT_OFF) from None
    retry.sleep()
    return retry


def _follow(session, url: str, headers: dict, settings):
    """The final answer after at most MAX_REDIRECTS redirects, each target checked like
    the first address; a loop is named as one, and https never leads to http."""
    seen = [url]
    while True:
        try:
            resp = session.get(url, headers=headers, stream=True, allow_redirects=False,
                               timeout=(settings.connect_timeout_s, settings.read_timeout_s))
        except AddressRefused as exc:
            raise FeedRefused(f"{exc} {KEPT}") from None
        except requests.exceptions.RequestException as exc:
            raise FeedRefused(_network_message(exc, url)) from None
        if not resp.is_redirect:
            return resp
        target = requests.compat.urljoin(url, resp.headers.get("Location", ""))
        resp.close()
        if url.startswith("https://") and not target.startswith("https://"):
            raise FeedRefused(f"The feed server redirects from https to an address that is "
                              f"not https ({redact(target)}); that is refused. {KEPT}")
        if not is_url(target):
            raise FeedRefused(f"The feed server redirects to {redact(target)}, which is not "
                              f"a web address. {KEPT}")
        if target in seen:
            raise FeedRefused(f"The feed server redirects in a loop ({redact(url)} leads "
                              f"back to {redact(target)}). {KEPT}")
        if len(seen) > MAX_REDIRECTS:
            raise FeedRefused(f"The feed server redirects more than {MAX_REDIRECTS} times. "
                              f"{KEPT}")
        seen.append(target)
        url = target


def _get(session, url: str, headers: dict, settings, dest: Path, watch) -> dict | None:
    resp = _follow(session, url, headers, settings)
    with resp:
        if resp.status_code == 304 and "If-None-Match" not in headers \
                and "If-Modified-Since" not in headers:
            raise FeedRefused("The feed server said 'not modified' (HTTP 304) although this "
                              f"kiosk has no copy of this address yet. {KEPT}")
        if resp.status_code == 304:
            _reuse(resp)
            return None
        if resp.status_code != 200:
            refused = FeedRefused(_http_message(resp.status_code, url))
            refused.http_status = resp.status_code      # shown per source (kiosk/site/metrics.py)
            raise refused
        _save(resp, dest, settings, watch)
        _reuse(resp)
        return {"etag": resp.headers.get("ETag"),
                "last_modified": resp.headers.get("Last-Modified"), "http_status": 200}


def _reuse(resp) -> None:
    """The answer read to its end: its connection goes back to the session's pool, for
    the next page of the same website (closing it unread would close the connection)."""
    resp.raw.drain_conn()
    resp.raw.release_conn()


def _chunks(resp, deadline: float, deadline_s: int):
    """The body in pieces as they arrive (read1: a slow server cannot hold one read for
    long), cut off at the overall deadline."""
    while True:
        if time.monotonic() > deadline:
            raise FeedRefused(f"The download took longer than {deadline_s} seconds "
                              f"(limit catalog.download_deadline_s). {KEPT}")
        try:
            chunk = resp.raw.read1(CHUNK, decode_content=True)
        except DecodeError:
            raise FeedRefused(f"The feed download is damaged (broken gzip). {KEPT}") from None
        except (ProtocolError, ReadTimeoutError, SSLError, OSError):
            raise _CutOff(resp.raw.retries) from None
        if not chunk:
            return
        yield chunk


def _save(resp, dest: Path, settings, watch) -> None:
    """Write the body to dest, refusing it as soon as it grows past max_bytes."""
    progress, deadline = watch
    max_bytes = settings.max_bytes
    length = resp.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise too_large(max_bytes)
    expected = int(length) if length.isdigit() else 0
    count = 0
    with open(dest, "wb") as out:
        for chunk in _chunks(resp, deadline, settings.download_deadline_s):
            count += len(chunk)
            if count > max_bytes:
                raise too_large(max_bytes)
            out.write(chunk)
            if progress and expected:
                progress(0.1 * min(1.0, count / expected), N_("Downloaden"))


def _network_message(exc: requests.exceptions.RequestException, url: str) -> str:
    """The line for staff when no answer came, after the retries (the address without
    its credentials)."""
    url = redact(url)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"Could not reach the feed server in time ({url}). {KEPT}"
    cause = exc.args[0] if exc.args else None               # urllib3's MaxRetryError
    if (isinstance(exc, requests.exceptions.ReadTimeout)
            or isinstance(getattr(cause, "reason", None), ReadTimeoutError)):
        return f"The feed server did not answer in time ({url}). {KEPT}"
    if isinstance(exc, requests.exceptions.ConnectionError):
        return (f"Could not connect to the feed server ({url}); check the network "
                f"and the address. {KEPT}")
    return f"The feed address {url!r} cannot be used. {KEPT}"


def _http_message(status: int, url: str) -> str:
    url = redact(url)
    if status == 404:
        return f"The feed address was not found (HTTP 404): {url}. Check catalog.source. {KEPT}"
    if status in (401, 403):
        return f"The feed server refused access (HTTP {status}). {KEPT}"
    if status >= 500:
        return f"The feed server has a problem (HTTP {status}), also after retrying. {KEPT}"
    return f"The feed server answered with HTTP {status} instead of the feed. {KEPT}"
