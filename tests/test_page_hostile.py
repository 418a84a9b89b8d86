"""Hostile web pages of a website source, served on 127.0.0.1: each is that page's
failure with a one-line reason in the report, within bounded time and memory (pages are
read in a capped child process), and the site's other pages still load."""
import gzip
import json
import sqlite3
from datetime import date

import pytest
from provider_site import Site, json_ld_page, sitemap

from kiosk import clock
from kiosk.catalog import fetch, pipeline, quality
from kiosk.catalog.page_markup import MAX_ITEMREFS, MAX_ITEMSCOPES
from kiosk.site import config


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 28))
    monkeypatch.setattr(fetch, "BACKOFF_S", 0.01)


@pytest.fixture
def site():
    served = Site()
    served.put("/robots.txt", "", "text/plain")
    served.put("/goed", json_ld_page("GOED", "Nederlands goed"))
    yield served
    served.close()


def load(site, cache, pages: dict, defaults=None, **catalog):
    for path, body in pages.items():
        site.put(path, body)
    site.put("/sitemap.xml", sitemap([site.url(p) for p in ["/goed", *pages]]),
             "application/xml")
    cfg = config.from_table({"catalog": {"retries": 0, **catalog, "sources": [
        {"name": "Site", "kind": "schema.org", "url": site.url("/sitemap.xml"),
         "providers": ["cvo"], "requests_per_s": 1000, "allow_private": True,
         "defaults": defaults or {}}]}})
    report = pipeline.refresh(cfg, cache_dir=cache)
    source = quality.build(cfg, cache)["sources"][0]
    return report, source


def course_ids(cache) -> set:
    conn = sqlite3.connect(cache / "catalog.sqlite")
    try:
        return {row[0] for row in conn.execute("select id from courses")}
    finally:
        conn.close()


def big_script(prefix: str, n: int, text_bytes: int) -> str:
    """One JSON-LD script of n courses with long descriptions."""
    items = [{"@type": "Course", "courseCode": f"{prefix}{i}", "name": f"Nederlands {i}",
              "keywords": "NT2", "description": "x" * text_bytes,
              "hasCourseInstance": {"@type": "CourseInstance", "courseMode": "online",
                                    "startDate": "2027-02-01"}} for i in range(n)]
    return f"<script type='application/ld+json'>{json.dumps(items)}</script>"


def test_a_json_ld_script_over_ten_megabytes_and_several_big_scripts_are_all_read(site, cache):
    one = "<html lang='nl'>" + big_script("A", 600, 20_000) + "</html>"      # 12 MB
    three = "<html lang='nl'>" + "".join(big_script(p, 150, 20_000) for p in "BCD") + "</html>"
    assert len(one) > 12_000_000
    report, source = load(site, cache, {"/een": one, "/drie": three},
                          defaults={"location": {"postcode": "9000"}})
    assert report.ok, report.text()
    ids = course_ids(cache)
    assert len(ids) == 1 + 600 + 450 and "D149-2027-02-01" in ids


def test_nested_itemscopes_and_itemrefs_give_a_reason_quickly(site, cache):
    nested = ("<html lang='nl'><body>" + "<div itemscope itemtype='https://schema.org/Thing'>"
              * 5000 + "</div>" * 5000 + "</body></html>")
    refs = ("<html lang='nl'><body><div itemscope itemtype='https://schema.org/Course' "
            "itemref='" + " ".join(f"r{i}" for i in range(20_000)) + "'></div>"
            + "".join(f"<span id='r{i}' itemprop='name'>x</span>" for i in range(20_000))
            + "</body></html>")
    report, source = load(site, cache, {"/nest": nested, "/refs": refs})
    assert report.ok and course_ids(cache) == {"GOED-2027-02-01"}
    failed = dict(source["site"]["failed"])
    assert failed[site.url("/nest")] == (
        "no Course markup could be read: microdata not read: 5000 itemscope attributes and 0 "
        f"ids in itemref (at most {MAX_ITEMSCOPES} and {MAX_ITEMREFS} per page)")
    assert "1 itemscope attributes and 20000 ids in itemref" in failed[site.url("/refs")]
    assert "\n" not in "".join(failed.values())


def test_a_page_over_the_page_limit_is_not_downloaded_whole(site, cache):
    huge = "<html>" + "<div itemscope itemtype='https://schema.org/Course'></div>" * 30_000
    report, source = load(site, cache, {"/groot": huge}, max_page_bytes=1_000_000)
    assert report.ok and course_ids(cache) == {"GOED-2027-02-01"}
    reason = dict(source["site"]["failed"])[site.url("/groot")]
    assert "larger than" in reason and "\n" not in reason


def test_a_page_that_needs_too_much_memory_fails_alone(site, cache):
    lists = "<html lang='nl'><script type='application/ld+json'>[" + "[]," * 12_000_000 \
        + "[]]</script></html>"
    report, source = load(site, cache, {"/geheugen": lists}, max_memory_mb=256,
                          max_page_bytes=100_000_000)
    assert report.ok and course_ids(cache) == {"GOED-2027-02-01"}
    assert dict(source["site"]["failed"])[site.url("/geheugen")] == (
        "reading the page needed more than 256 MB of memory (limit catalog.max_memory_mb)")


def test_a_page_that_takes_too_long_to_read_fails_alone_and_the_next_is_read(tmp_path):
    """The time cap itself: a page the child cannot finish (here a FIFO nobody writes,
    so the test does not depend on the machine's speed) is stopped at the limit, and the
    next page gets a fresh child."""
    import os

    from kiosk.catalog.page_worker import PageFailed, PageReader
    stuck = tmp_path / "stuck.html"
    os.mkfifo(stuck)
    good = tmp_path / "good.html"
    good.write_text(json_ld_page("GOED", "Nederlands goed"))
    with PageReader(256, 1) as reader:
        with pytest.raises(PageFailed, match=r"^reading the page took longer than 1 s "
                                             r"\(limit catalog.page_parse_s\)$"):
            reader.read(stuck, "", "cvo")
        assert [c["id"] for c in reader.read(good, "", "cvo")["courses"]] == ["GOED-2027-02-01"]


def test_markup_nested_deeper_than_the_readers_follow_is_noted():
    from kiosk.catalog import page_markup
    div = "<div itemscope itemtype='https://schema.org/Thing'>"
    page = page_markup.read_page(f"<html>{div * 1000}{'</div>' * 1000}</html>".encode(), "")
    assert page["notes"] == ["microdata: 1000 itemscope attributes but only 254 items read "
                             "(markup nested too deeply or broken)"]
    rdfa = "<div property='about' typeof='Thing'>"
    page = page_markup.read_page(f"<html><body vocab='https://schema.org/'>{rdfa * 600}"
                                 f"{'</div>' * 600}</body></html>".encode(), "")
    assert page["notes"][0].startswith("RDFa: 600 typeof attributes but only ")


@pytest.mark.parametrize("body, says", [
    (gzip.compress(b"<urlset>" + b" " * 50_000_000), "larger than allowed when unzipped"),
    (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
     + b"".join(b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10 if i > 1 else b"&lol;"
                                            * 10) for i in range(1, 10))
     + b"]><urlset><url><loc>&lol9;</loc></url></urlset>", "is not valid XML"),
])
def test_a_hostile_sitemap_is_refused_with_one_line(site, cache, body, says):
    site.put("/sitemap.xml", body, "application/xml")
    cfg = config.from_table({"catalog": {"retries": 0, "max_page_bytes": 1_000_000, "sources": [
        {"name": "Site", "kind": "schema.org", "url": site.url("/sitemap.xml"),
         "providers": ["cvo"], "requests_per_s": 1000, "allow_private": True}]}})
    report = pipeline.refresh(cfg, cache_dir=cache)
    assert not report.ok and says in report.message and "\n" not in report.message
