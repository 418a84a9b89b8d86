"""Getting the feed file: a local file as it is, or an HTTP(S) download with requests.

Retries after a connection error, a timeout or an answer 5xx, with growing waits, are
urllib3's Retry on the session's adapter. A conditional request (ETag, Last-Modified)
lets the server say the feed has not changed; the size limit is checked while reading.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import time
import urllib.request
from pathlib import Path

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import DecodeError, MaxRetryError, ProtocolError, ReadTimeoutError, SSLError
from urllib3.util import Retry

from kiosk.catalog.report import KEPT, FeedRefused, Progress, too_large
from kiosk.text.i18n import N_

BACKOFF_S = 0.5                  # Retry's backoff factor: waits of 0, 2, 4, ... times this
CHUNK = 64 * 1024
CUT_OFF = f"The download was cut off before the end. {KEPT}"


def is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def local_path(source: str) -> Path:
    return Path(source[len("file://"):] if source.startswith("file://") else source)


def local_feed(source: str, max_bytes: int) -> Path:
    """The path of a feed file on this machine, when it exists and is not too large."""
    path = local_path(source)
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
             progress: Progress | None, session: requests.Session | None = None,
             accept: str = "application/json") -> dict | None:
    """Fetch url into dest (`settings`: the site config's [catalog] table). Returns the
    response's validators, or None when the server says the feed has not changed
    (HTTP 304 to a conditional request). Raises FeedRefused. `session` (from
    `session_for`) keeps connections open across the many pages of one website;
    `accept`: what is asked for (a website's pages: HTML)."""
    headers = {"Accept": accept, "Accept-Encoding": "gzip"}
    if previous.get("etag"):
        headers["If-None-Match"] = previous["etag"]
    if previous.get("last_modified"):
        headers["If-Modified-Since"] = previous["last_modified"]
    retry = retry_policy(settings.retries)
    deadline = time.monotonic() + settings.download_deadline_s
    while True:
        with contextlib.nullcontext(session) if session else _session(retry) as open_session:
            try:
                return _get(open_session, url, headers, settings, dest, (progress, deadline))
            except _CutOff as cut:
                retry, session = _after_cut_off(cut.retries, url), None


class _CutOff(Exception):
    """The body broke off after the headers came; carries the Retry state so far."""

    def __init__(self, retries: Retry):
        super().__init__(CUT_OFF)
        self.retries = retries


def session_for(settings) -> requests.Session:
    """A session with the settings' retries, for many downloads in a row. When the
    environment sets no proxy and no .netrc, it is not looked up again per request (its
    CA bundle, if any, is taken once, as requests would take it)."""
    session = _session(retry_policy(settings.retries))
    if not (urllib.request.getproxies() or os.environ.get("NETRC")
            or Path("~/.netrc").expanduser().exists()):
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if bundle:
            session.verify = bundle
        session.trust_env = False
    return session


def _session(retry: Retry) -> requests.Session:
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
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


def _get(session, url: str, headers: dict, settings, dest: Path, watch) -> dict | None:
    try:
        resp = session.get(url, headers=headers, stream=True,
                           timeout=(settings.connect_timeout_s, settings.read_timeout_s))
    except requests.exceptions.RequestException as exc:
        raise FeedRefused(_network_message(exc, url)) from None
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
    """The line for staff when no answer came, after the retries."""
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
    if status == 404:
        return f"The feed address was not found (HTTP 404): {url}. Check catalog.source. {KEPT}"
    if status in (401, 403):
        return f"The feed server refused access (HTTP {status}). {KEPT}"
    if status >= 500:
        return f"The feed server has a problem (HTTP {status}), also after retrying. {KEPT}"
    return f"The feed server answered with HTTP {status} instead of the feed. {KEPT}"
