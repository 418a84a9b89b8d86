"""Refresh over HTTP against a real server on 127.0.0.1, one test per network fault.
After each failure the catalog still answers with the previous content."""
import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from conftest import RawServer
from werkzeug.wrappers import Response

from kiosk import paths
from kiosk.catalog import fetch, pipeline, status, store
from kiosk.catalog.report import Report
from kiosk.site import config


def course(i: int, tag: str) -> dict:
    return {"id": f"c-{i}", "provider": "cbe", "title": {"nl": f"Cursus {tag}{i}"},
            "goals": ["basisvaardigheden"], "format": "klassikaal", "times": ["dag"],
            "start_dates": ["2027-02-01"], "location": {"postcode": "9000"}}


def make_feed(n: int = 10, tag: str = "", bad: int = 0) -> dict:
    courses = [course(i, tag) for i in range(n)]
    for c in courses[:bad]:
        c["times"] = ["nacht"]
    return {"format": "leerwinkel-catalog", "version": 1, "generated_at": "2026-11-20T08:00:00Z",
            "publisher": "Test", "providers": [{"id": "cbe", "name": "CBE", "type": "cbe"}],
            "courses": courses}


OLD = {f"Cursus old{i}" for i in range(4)}


@pytest.fixture
def cfg():
    c = config.Config()
    c.catalog.allow_private = True        # the test server listens on 127.0.0.1
    c.catalog.connect_timeout_s = 0.5
    c.catalog.read_timeout_s = 0.5
    c.catalog.retries = 2
    return c


@pytest.fixture
def cache(cache, tmp_path, monkeypatch, cfg):
    """The cache folder (conftest), already holding the 'old' catalog."""
    monkeypatch.setattr(fetch, "BACKOFF_S", 0.01)
    path = tmp_path / "old.json"
    path.write_text(json.dumps(make_feed(4, "old")))
    assert pipeline.refresh(cfg, source=str(path), cache_dir=cache).ok
    return cache


@pytest.fixture
def refused(cfg, cache, titles):
    """refused(url, *words) -> the report of a refresh from url that must be refused with
    these words in its one-line message, leaving the old catalog in place."""
    def refresh(url: str, *words: str) -> Report:
        report = pipeline.refresh(cfg, source=url, cache_dir=cache)
        assert not report.ok, report.text()
        for word in words:
            assert word in report.message
        assert "\n" not in report.message and "Traceback" not in report.message
        assert titles(cache) == OLD
        return report
    return refresh


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_connection_refused(refused):
    refused(f"http://127.0.0.1:{free_port()}/feed.json", "Could not connect")


def test_timeout(cfg, refused, httpserver):
    release = threading.Event()

    def slow(request):
        release.wait(60)
        return Response("{}")
    cfg.catalog.retries = 0
    httpserver.expect_request("/feed.json").respond_with_handler(slow)
    started = time.monotonic()
    try:
        refused(httpserver.url_for("/feed.json"), "did not answer in time")
        assert time.monotonic() - started < 45     # cut off, not waited out (60 s)
    finally:
        release.set()                 # free the server for the next test


def test_server_error_then_success(cfg, cache, titles, httpserver):
    httpserver.expect_oneshot_request("/feed.json").respond_with_data("oops", status=500)
    httpserver.expect_oneshot_request("/feed.json").respond_with_data("busy", status=503)
    httpserver.expect_request("/feed.json").respond_with_json(make_feed(5, "new"))
    report = pipeline.refresh(cfg, source=httpserver.url_for("/feed.json"), cache_dir=cache)
    assert report.ok and report.loaded == 5
    assert [resp.status_code for _, resp in httpserver.log[-3:]] == [500, 503, 200]
    assert titles(cache) == {f"Cursus new{i}" for i in range(5)}


def test_server_error_every_time(cfg, refused, httpserver):
    httpserver.expect_request("/feed.json").respond_with_data("oops", status=500)
    refused(httpserver.url_for("/feed.json"), "HTTP 500")
    assert len([1 for _, resp in httpserver.log if resp.status_code == 500]) == 1 + cfg.catalog.retries


def test_not_found(refused, httpserver):
    httpserver.expect_request("/feed.json").respond_with_data("Not Found", status=404)
    refused(httpserver.url_for("/feed.json"), "not found", "HTTP 404")
    assert len([1 for _, resp in httpserver.log if resp.status_code == 404]) == 1  # not retried


def test_etag_304_is_unchanged(cfg, cache, titles, httpserver):
    url = httpserver.url_for("/feed.json")
    httpserver.expect_request("/feed.json", headers={"If-None-Match": '"v1"'}) \
        .respond_with_data("", status=304)
    httpserver.expect_request("/feed.json").respond_with_json(make_feed(5, "new"),
                                                               headers={"ETag": '"v1"'})
    assert pipeline.refresh(cfg, source=url, cache_dir=cache).loaded == 5
    report = pipeline.refresh(cfg, source=url, cache_dir=cache)
    assert report.ok and report.unchanged
    assert httpserver.log[-1][1].status_code == 304
    assert titles(cache) == {f"Cursus new{i}" for i in range(5)}
    assert status.status(cfg, cache)["checked_at"] is not None


def test_last_modified_304_is_unchanged(cfg, cache, httpserver):
    url = httpserver.url_for("/feed.json")
    stamp = "Fri, 20 Nov 2026 08:00:00 GMT"
    httpserver.expect_request("/feed.json", headers={"If-Modified-Since": stamp}) \
        .respond_with_data("", status=304)
    httpserver.expect_request("/feed.json").respond_with_json(make_feed(5, "new"),
                                                               headers={"Last-Modified": stamp})
    assert pipeline.refresh(cfg, source=url, cache_dir=cache).ok
    assert pipeline.refresh(cfg, source=url, cache_dir=cache).unchanged


def test_same_body_without_validators_is_unchanged(cfg, cache, titles, httpserver):
    httpserver.expect_request("/feed.json").respond_with_json(make_feed(5, "new"))
    url = httpserver.url_for("/feed.json")
    assert pipeline.refresh(cfg, source=url, cache_dir=cache).ok
    assert pipeline.refresh(cfg, source=url, cache_dir=cache).unchanged
    assert not store.rollback(cache).unchanged and titles(cache) == OLD


def test_truncated_body_connection_closed(refused):
    body = json.dumps(make_feed(50, "new")).encode()
    server = RawServer(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                       + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                       + body[: len(body) // 2])
    try:
        refused(server.url, "cut off")
    finally:
        server.close()


def test_truncated_json_document(refused, httpserver):
    body = json.dumps(make_feed(50, "new"))
    httpserver.expect_request("/feed.json").respond_with_data(body[:-300],
                                                               content_type="application/json")
    refused(httpserver.url_for("/feed.json"), "incomplete")


def test_empty_body(refused, httpserver):
    httpserver.expect_request("/feed.json").respond_with_data("")
    refused(httpserver.url_for("/feed.json"), "empty")


def test_html_error_page_with_status_200(refused, httpserver):
    httpserver.expect_request("/feed.json").respond_with_data(
        "<!DOCTYPE html><html><body><h1>Wifi login</h1></body></html>", content_type="text/html")
    refused(httpserver.url_for("/feed.json"), "web page")


def test_not_json(refused, httpserver):
    httpserver.expect_request("/feed.json").respond_with_data("format=leerwinkel;version=1")
    refused(httpserver.url_for("/feed.json"), "not valid JSON")


def test_wrong_format(refused, httpserver):
    httpserver.expect_request("/feed.json").respond_with_json({**make_feed(5), "format": "rss"})
    refused(httpserver.url_for("/feed.json"), "not a Leerwinkel catalog feed")


def test_wrong_version(refused, httpserver):
    httpserver.expect_request("/feed.json").respond_with_json({**make_feed(5), "version": 2})
    refused(httpserver.url_for("/feed.json"), "version 2")


def test_ten_percent_bad_loads_the_rest(cfg, cache, titles, httpserver):
    httpserver.expect_request("/feed.json").respond_with_json(make_feed(20, "new", bad=2))
    report = pipeline.refresh(cfg, source=httpserver.url_for("/feed.json"), cache_dir=cache)
    assert report.ok and report.loaded == 18
    assert [cid for cid, _ in report.rejected] == ["c-0", "c-1"]
    assert "'nacht'" in report.rejected[0][1]
    assert titles(cache) == {f"Cursus new{i}" for i in range(2, 20)}


def test_thirty_percent_bad_is_refused(refused, httpserver):
    httpserver.expect_request("/feed.json").respond_with_json(make_feed(20, "new", bad=6))
    report = refused(httpserver.url_for("/feed.json"), "6 of 20", "20%")
    assert len(report.rejected) == 6


def test_oversize_body_with_length(cfg, refused, httpserver):
    cfg.catalog.max_bytes = 2000
    httpserver.expect_request("/feed.json").respond_with_json(make_feed(50, "new"))
    refused(httpserver.url_for("/feed.json"), "larger than the allowed")


@pytest.mark.timeout(60)
def test_oversize_endless_stream_is_cut(cfg, refused, httpserver):
    """No length given and no end: the refresh must stop at the limit, not read it all."""
    def endless(request):
        def chunks():
            yield b'{"format": "leerwinkel-catalog", "version": 1, "courses": ['
            while True:
                yield b'{"id": "x"},' * 1000
        return Response(chunks(), content_type="application/json")
    cfg.catalog.max_bytes = 5_000_000
    httpserver.expect_request("/feed.json").respond_with_handler(endless)
    refused(httpserver.url_for("/feed.json"), "larger than the allowed")


def test_gzip_encoded_feed(cfg, cache, httpserver):
    body = gzip.compress(json.dumps(make_feed(5, "new")).encode())
    httpserver.expect_request("/feed.json").respond_with_data(
        body, headers={"Content-Encoding": "gzip"}, content_type="application/json")
    report = pipeline.refresh(cfg, source=httpserver.url_for("/feed.json"), cache_dir=cache)
    assert report.ok and report.loaded == 5
    assert "gzip" in httpserver.log[0][0].headers.get("Accept-Encoding")


def test_gzip_bomb_is_cut(cfg, refused, httpserver):
    cfg.catalog.max_bytes = 1_000_000
    body = gzip.compress(b" " * 20_000_000)
    assert len(body) < cfg.catalog.max_bytes
    httpserver.expect_request("/feed.json").respond_with_data(
        body, headers={"Content-Encoding": "gzip"}, content_type="application/json")
    refused(httpserver.url_for("/feed.json"), "larger than the allowed")


def test_refresh_killed_during_download(cfg, cache, titles, httpserver, tmp_path):
    def slow(request):
        def chunks():
            body = json.dumps(make_feed(200, "new")).encode()
            for i in range(0, len(body), 1000):
                time.sleep(0.05)
                yield body[i:i + 1000]
        return Response(chunks(), content_type="application/json")
    httpserver.expect_request("/feed.json").respond_with_handler(slow)
    site = tmp_path / "site.toml"
    site.write_text("[catalog]\nallow_private = true\n")     # the server is on 127.0.0.1
    env = {**os.environ, "KIOSK_CACHE_DIR": str(cache), "KIOSK_CONFIG": str(site)}
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli.main", "catalog", "refresh", "--source",
                             httpserver.url_for("/feed.json")], env=env, cwd=paths.ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 30
    while not list(cache.glob("catalog.new-*.download")):
        assert time.time() < deadline and proc.poll() is None
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert titles(cache) == OLD
    assert status.status(cfg, cache)["courses"] == 4
