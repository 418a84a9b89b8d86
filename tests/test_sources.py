"""Several sources in one catalog ([[catalog.sources]]), each served by a real HTTP server
on 127.0.0.1: one refusing, one broken, one speaking for another provider, one
duplicating another, one stale; the rest loads and the report says what happened."""
import json
from datetime import date

import pytest
from conftest import RawServer, catalog_titles, make_course, provider
from prometheus_client.parser import text_string_to_metric_families

from kiosk import clock
from kiosk.catalog import child, fetch, pipeline, quality, sources, status, store
from kiosk.catalog import db as catalog
from kiosk.site import config, metrics

TODAY = date(2026, 11, 28)


def doc(providers, courses, generated_at="2026-11-20T08:00:00Z") -> dict:
    return {"format": "leerwinkel-catalog", "version": 1, "generated_at": generated_at,
            "publisher": "Test", "providers": providers, "courses": courses}


def own_feed(pid: str, n: int = 3, **over) -> dict:
    return doc([provider(pid)], [make_course(f"{pid}-{i}", pid, **over) for i in range(n)])


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(fetch, "BACKOFF_S", 0.01)


def site(sources: list, **catalog_settings) -> config.Config:
    return config.from_table({"catalog": {"retries": 0, "connect_timeout_s": 1.0,
                                          "read_timeout_s": 1.0, "sources": sources,
                                          **catalog_settings}})


def src(name, url, providers, kind="feed") -> dict:
    return {"name": name, "kind": kind, "url": url, "providers": providers,
            "allow_private": True}          # the test server listens on 127.0.0.1


def serve(httpserver, path: str, document: dict) -> str:
    httpserver.expect_request(path).respond_with_data(json.dumps(document),
                                                      content_type="application/json")
    return httpserver.url_for(path)


@pytest.fixture
def six(httpserver):
    """Six sources on one server (and one that refuses connections)."""
    stale = {**own_feed("stale-cvo"), "generated_at": "2026-01-05T08:00:00Z"}
    aggregate = doc([provider("cvo-a"), provider("vdab")],
                    [make_course("agg-cvo-a-0", "cvo-a", title={"nl": "Cursus cvo-a-0"}),
                     make_course("agg-vdab-0", "vdab")])
    foreign = doc([provider("cbe-b"), provider("cvo-a")],
                  [make_course("cbe-b-0", "cbe-b"),
                   make_course("cvo-a-0", "cvo-a", title={"nl": "Overgenomen"})]
                  + [make_course(f"cbe-b-{i}", "cbe-b") for i in range(1, 5)])
    broken = RawServer(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                       b"Content-Length: 500\r\n\r\n{\"format\": \"leerwinkel-catalog\", \"ver")
    yield [src("CVO A", serve(httpserver, "/cvo-a.json", own_feed("cvo-a")), ["cvo-a"]),
           src("Regio", serve(httpserver, "/regio.json", aggregate), ["*"]),
           src("CBE B", serve(httpserver, "/cbe-b.json", foreign), ["cbe-b"]),
           src("Stale", serve(httpserver, "/stale.json", stale), ["stale-cvo"]),
           src("Broken", broken.url, ["broken"]),
           src("Refusing", "http://127.0.0.1:9/feed.json", ["refusing"])]
    broken.close()


def test_each_source_is_checked_on_its_own_and_the_report_says_what_happened(six, cache,
                                                                             run_cli, tmp_path):
    report = pipeline.refresh(site(six), cache_dir=cache)
    assert report.ok, report.text()
    titles = catalog_titles(cache)
    # the provider's own courses load, the aggregate's copy of one of them does not
    assert {"Cursus cvo-a-0", "Cursus cvo-a-1", "Cursus cvo-a-2"} <= titles
    assert "Cursus agg-vdab-0" in titles
    # CBE B may not speak for cvo-a: its course is rejected, the rest of it loads
    assert "Overgenomen" not in titles and "Cursus cbe-b-1" in titles
    # the stale source loads nothing visible
    assert not any("stale-cvo" in t for t in titles)
    found = {s["name"]: s for s in quality.build(site(six), cache)["sources"]}
    assert not found["Broken"]["ok"] and "cut off" in found["Broken"]["message"]
    assert not found["Refusing"]["ok"] and "connect" in found["Refusing"]["message"]
    assert found["CBE B"]["rejected"] == [["cvo-a-0", "this source may not speak for "
                                           "provider 'cvo-a'"]]
    regio = {p["id"]: p for p in found["Regio"]["providers"]}
    assert regio["cvo-a"]["duplicate"] == 1 and regio["vdab"]["loaded"] == 1
    stale = found["Stale"]["providers"][0]
    assert stale["stale"] == 3 and stale["loaded"] == 0 and stale["score"] == 0
    assert found["Stale"]["hidden"][0] == ["stale-cvo-0", "last confirmed on 2026-01-05"]
    text = run_cli("--config", write_site(tmp_path, six), "catalog", "report").stdout
    assert "Source Broken (feed): FAILED" in text and "stale-cvo-0" in text


def write_site(tmp_path, sources) -> str:
    lines = ["[catalog]", "retries = 0", "connect_timeout_s = 1.0", "read_timeout_s = 1.0"]
    for s in sources:
        lines += ["[[catalog.sources]]", f"name = {json.dumps(s['name'])}",
                  f"kind = {json.dumps(s['kind'])}", f"url = {json.dumps(s['url'])}",
                  f"providers = {json.dumps(s['providers'])}",
                  f"allow_private = {json.dumps(s.get('allow_private', False))}"]
    path = tmp_path / "site.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_a_failing_source_keeps_its_last_good_courses_and_the_others_update(
        httpserver, cache, titles):
    one = serve(httpserver, "/one.json", own_feed("one"))
    two_doc = own_feed("two")
    httpserver.expect_oneshot_request("/two.json").respond_with_data(json.dumps(two_doc))
    cfg = site([src("One", one, ["one"]), src("Two", httpserver.url_for("/two.json"), ["two"])])
    assert pipeline.refresh(cfg, cache_dir=cache).ok
    assert "Cursus two-1" in titles(cache)
    httpserver.clear()
    updated = own_feed("one", 4)
    updated["courses"][3]["title"] = {"nl": "Nieuw bij one"}
    serve(httpserver, "/one.json", updated)
    httpserver.expect_request("/two.json").respond_with_data("boom", status=500)
    report = pipeline.refresh(cfg, cache_dir=cache)
    assert report.ok and "1 failed and keep their last good courses" in report.message
    assert {"Nieuw bij one", "Cursus two-1"} <= titles(cache)
    lines = {s["name"]: s for s in status.status(cfg, cache)["sources"]}
    assert lines["Two"]["ok"] is False and lines["Two"]["courses"] == 3
    assert lines["Two"]["http_status"] == 500 and lines["One"]["http_status"] == 200
    assert set(lines["Two"]) >= {"name", "kind", "ok", "courses", "last_ok_at", "message"}
    assert lines["Two"]["last_ok_at"]


def test_rollback_after_a_merged_refresh(httpserver, cache, titles):
    cfg = site([src("One", serve(httpserver, "/one.json", own_feed("one")), ["one"])])
    assert pipeline.refresh(cfg, cache_dir=cache).ok
    httpserver.clear()
    serve(httpserver, "/one.json", own_feed("one", 4, title={"nl": "Anders"}))
    assert pipeline.refresh(cfg, cache_dir=cache).ok and titles(cache) == {"Anders"}
    assert store.rollback(cache).ok
    assert titles(cache) == {"Cursus one-0", "Cursus one-1", "Cursus one-2"}


def test_past_courses_and_old_last_verified_are_hidden(tmp_path, cache, titles):
    courses = [make_course("now", "p1"),
               make_course("gone", "p1", start_dates=["2026-09-01"], last_verified="2026-11-01"),
               make_course("old", "p1", last_verified="2025-01-02"),
               make_course("fresh", "p1", last_verified="2026-11-01")]
    path = tmp_path / "p1.json"
    path.write_text(json.dumps(doc([provider("p1")], courses,
                                   generated_at="2025-01-01T00:00:00Z")))
    cfg = site([src("P1", str(path), ["p1"])], max_course_age_days=90)
    assert pipeline.refresh(cfg, cache_dir=cache).ok
    assert titles(cache) == {"Cursus fresh"}
    hidden = dict(quality.build(cfg, cache)["sources"][0]["hidden"])
    assert hidden == {"now": "last confirmed on 2025-01-01",
                      "gone": "every start date has passed",
                      "old": "last confirmed on 2025-01-02"}


def test_catalog_source_beside_sources_is_one_more_aggregate(tmp_path, cache, titles):
    own, agg = tmp_path / "own.json", tmp_path / "agg.json"
    own.write_text(json.dumps(own_feed("p1", 1)))
    agg.write_text(json.dumps(own_feed("p1", 2, title={"nl": "Via de regio"})))
    cfg = site([src("Own", str(own), ["p1"])], source=str(agg))
    report = pipeline.refresh(cfg, cache_dir=cache)
    assert report.ok and titles(cache) == {"Cursus p1-0", "Via de regio"}
    names = [s["name"] for s in status.status(cfg, cache)["sources"]]
    assert names == ["Own", "catalog.source"]


def test_status_json_lists_sources_and_keeps_its_keys(run_cli, tmp_path, httpserver):
    sources = [src("One", serve(httpserver, "/one.json", own_feed("one")), ["one"])]
    conf = write_site(tmp_path, sources)
    assert run_cli("--config", conf, "catalog", "refresh").returncode == 0
    info = json.loads(run_cli("--config", conf, "catalog", "status", "--json").stdout)
    assert {"providers", "courses", "source", "feed_generated_at", "refreshed_at"} <= set(info)
    assert info["sources"][0]["name"] == "One" and info["sources"][0]["courses"] == 3


def test_a_catalog_of_one_feed_is_one_source_in_status(run_cli, tmp_path):
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(own_feed("one")))
    assert run_cli("catalog", "refresh", "--source", path).returncode == 0
    info = json.loads(run_cli("catalog", "status", "--json").stdout)
    assert info["sources"] == [{"name": str(path), "kind": "feed", "ok": True, "courses": 3,
                                "last_ok_at": info["refreshed_at"], "message": info["sources"][0]
                                ["message"], "http_status": None}]


def test_metrics_carry_each_sources_http_status(httpserver, cache):
    httpserver.expect_request("/gone.json").respond_with_data("", status=404)
    cfg = site([src("One", serve(httpserver, "/one.json", own_feed("one")), ["one"]),
                src("Gone", httpserver.url_for("/gone.json"), ["gone"])])
    assert pipeline.refresh(cfg, cache_dir=cache).ok
    text = metrics.write(cfg, cache).read_text(encoding="utf-8")
    samples = {(s.name, s.labels.get("source")): s.value
               for family in text_string_to_metric_families(text) for s in family.samples}
    assert samples[("kiosk_source_http_status", "One")] == 200
    assert samples[("kiosk_source_http_status", "Gone")] == 404
    assert samples[("kiosk_source_ok", "Gone")] == 0
    assert samples[("kiosk_source_courses", "One")] == 3


def test_no_source_loads_then_nothing_changes(cache, titles, tmp_path):
    first = tmp_path / "first.json"
    first.write_text(json.dumps(own_feed("x")))
    assert pipeline.refresh(config.Config(), source=str(first), cache_dir=cache).ok
    cfg = site([src("Nothing", str(tmp_path / "missing.json"), ["x"])])
    report = pipeline.refresh(cfg, cache_dir=cache)
    assert not report.ok and "No source could be loaded" in report.message
    assert titles(cache) == {"Cursus x-0", "Cursus x-1", "Cursus x-2"}


@pytest.mark.parametrize("table, words", [
    ({"name": "A", "url": "a.json"}, "needs providers"),
    ({"name": "A", "url": "a.json", "providers": ["*"], "kind": "xml"}, "kind must be"),
    ({"name": "", "url": "a.json", "providers": ["*"]}, "needs a name"),
    ({"name": "A", "providers": ["*"]}, "needs a url"),
    ({"name": "A", "url": "a", "providers": ["*"], "secret": 1}, "Unknown setting 'secret'"),
])
def test_bad_source_tables_are_config_errors(table, words):
    with pytest.raises(config.ConfigError, match=words):
        config.from_table({"catalog": {"sources": [table]}})


def test_two_sources_with_one_name_are_a_config_error():
    same = {"name": "A", "url": "a.json", "providers": ["*"]}
    with pytest.raises(config.ConfigError, match="named 'A'"):
        config.from_table({"catalog": {"sources": [same, same]}})


def test_report_html_escapes_feed_text(tmp_path, cache, run_cli):
    hostile = make_course("<script>alert(1)</script>", "p1", times=["nacht"])
    good = [make_course(f"ok-{i}", "p1") for i in range(5)]
    path = tmp_path / "p1.json"
    path.write_text(json.dumps(doc([provider("p1")], [hostile, *good])))
    conf = write_site(tmp_path, [src("P<b>1</b>", str(path), ["p1"])])
    assert run_cli("--config", conf, "catalog", "refresh").returncode == 0
    out = tmp_path / "report.html"
    assert run_cli("--config", conf, "catalog", "report", "--html", out).returncode == 0
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page and "P&lt;b&gt;1" in page
    data = json.loads(run_cli("--config", conf, "catalog", "report", "--json").stdout)
    assert data["sources"][0]["providers"][0]["missing"]["place"] == 5


def test_catalog_check_gives_the_same_messages_and_touches_no_catalog(tmp_path, run_cli, cache):
    courses = [make_course(f"c{i}", "p1") for i in range(9)]
    courses.append(make_course("bad", "p1", goals=[]))
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(doc([provider("p1")], courses)))
    ran = run_cli("catalog", "check", path)
    assert ran.returncode == 0, ran.stderr
    assert "rejected bad: goals needs at least one goal" in ran.stdout
    assert "schema: courses/9/goals: [] should be non-empty" in ran.stdout
    assert not (cache / catalog.CURRENT).exists()
    courses[0]["times"] = courses[1]["times"] = courses[2]["times"] = ["nacht"]
    path.write_text(json.dumps(doc([provider("p1")], courses)))
    ran = run_cli("catalog", "check", path)
    assert ran.returncode == 1 and "Too many courses have errors" in ran.stderr


def test_a_csv_source_loads_like_the_template(tmp_path, cache, titles):
    from kiosk import paths
    cfg = site([src("Sheet", str(paths.ASSETS / "catalog-template.csv"), ["*"], kind="csv")])
    report = pipeline.refresh(cfg, cache_dir=cache)
    assert report.ok, report.text()
    assert "Aanvullende algemene vorming" in titles(cache)
    line = status.status(cfg, cache)["sources"][0]
    assert line["ok"] and line["kind"] == "csv" and line["courses"] > 0


def test_sources_are_fetched_a_few_at_a_time(cache):
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    body = {f"/{i}.json": json.dumps(own_feed(f"p{i}", 1)).encode() for i in range(6)}
    busy, most, lock = [0], [0], threading.Lock()

    class Slow(BaseHTTPRequestHandler):
        def do_GET(self):
            with lock:
                busy[0] += 1
                most[0] = max(most[0], busy[0])
            time.sleep(0.2)
            with lock:
                busy[0] -= 1
            self.send_response(200)
            self.send_header("Content-Length", str(len(body[self.path])))
            self.end_headers()
            self.wfile.write(body[self.path])

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        cfg = site([src(f"S{i}", f"{base}/{i}.json", [f"p{i}"]) for i in range(6)],
                   source_workers=2)
        started = time.monotonic()
        assert pipeline.refresh(cfg, cache_dir=cache).ok
        took = time.monotonic() - started
    finally:
        server.shutdown()
    assert most[0] == 2 and took < 6 * 0.2


def test_a_damaged_kept_file_is_left_out_and_the_rest_loads(tmp_path, cache, titles):
    from kiosk.catalog import sources
    one, two = tmp_path / "one.json", tmp_path / "two.json"
    one.write_text(json.dumps(own_feed("one")))
    two.write_text(json.dumps(own_feed("two")))
    cfg = site([src("One", str(one), ["one"]), src("Two", str(two), ["two"])])
    assert pipeline.refresh(cfg, cache_dir=cache).ok
    kept = sources.kept_file(cache, sources.configured(cfg)[1])
    kept.write_bytes(b"not a database" * 100)
    two.unlink()                                   # and the source fails this time
    report = pipeline.refresh(cfg, cache_dir=cache)
    assert report.ok and titles(cache) == {"Cursus one-0", "Cursus one-1", "Cursus one-2"}
    line = {s["name"]: s for s in status.status(cfg, cache)["sources"]}["Two"]
    assert line["ok"] is False and "damaged" in line["message"]


def test_first_start_and_the_kiosks_child_refresh_use_the_sources(tmp_path, cache, titles):
    path = tmp_path / "one.json"
    path.write_text(json.dumps(own_feed("one")))
    cfg = site([src("One", str(path), ["one"])])
    assert pipeline.ensure_catalog(cfg, cache_dir=cache).exists()
    assert titles(cache) == {"Cursus one-0", "Cursus one-1", "Cursus one-2"}
    path.write_text(json.dumps(own_feed("one", 4)))     # the child runs on the kiosk's day
    report = child.refresh_in_child(cfg, cache_dir=cache)
    assert report.ok, report.text()
    assert "Cursus one-3" in titles(cache)


def test_report_text_keeps_hostile_notes_on_one_line(tmp_path, cache, run_cli):
    page = tmp_path / "page.html"
    page.write_text('<script type="application/ld+json">{"@type": "Course", "name": "NT2",'
                    ' "courseCode": "x\\n  rejected fake: \\u001b[2J", "hasCourseInstance": '
                    '{"courseMode": "teleport\\nnote: fake"}}</script>', encoding="utf-8")
    ran = run_cli("catalog", "check", page, "--provider", "p1")
    lines = ran.stdout.splitlines()
    assert not any(line.startswith(("  rejected fake", "note: fake")) for line in lines)
    assert "\x1b" not in ran.stdout and "\\x1b[2J" in ran.stdout


def test_doctor_takes_sources_for_a_real_catalog(tmp_path, cache):
    from kiosk.site import doctor
    path = tmp_path / "one.json"
    path.write_text(json.dumps(own_feed("one")))
    cfg = site([src("One", str(path), ["one"])])
    assert pipeline.refresh(cfg, cache_dir=cache).ok
    findings = doctor.check_catalog(cfg, cache)
    assert not any("bundled sample" in f.message for f in findings), findings


def test_every_source_kind_but_the_feed_has_a_registered_converter():
    from kiosk.site.source_settings import SOURCE_KINDS
    assert set(sources.CONVERTERS) | {"feed"} == set(SOURCE_KINDS)
