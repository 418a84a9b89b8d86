"""A provider's whole website as one source, served by a real HTTP server on 127.0.0.1
(tests/provider_site.py): a sitemap index with a gzip sitemap, robots.txt, pages in
JSON-LD, microdata and RDFa, a Dutch page with French and English translations, broken,
missing and slow pages, a page that changes between refreshes, and a listing page."""
import gzip
import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from provider_site import Site, json_ld_page, microdata_page, rdfa_page, sitemap

from kiosk import clock
from kiosk.catalog import fetch, pipeline, quality, site_crawl, sources
from kiosk.site import config

TODAY = date(2026, 11, 28)
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(fetch, "BACKOFF_S", 0.01)


@pytest.fixture
def site():
    served = Site()
    yield served
    served.close()


def site_config(url: str, **source) -> config.Config:
    return config.from_table({"catalog": {
        "retries": 0, "connect_timeout_s": 3.0, "read_timeout_s": 3.0, "sources": [
            {"name": "CVO Site", "kind": "schema.org", "url": url, "providers": ["cvo-site"],
             "requests_per_s": 1000, "allow_private": True, **source}]}})


def courses(cache: Path) -> dict:
    conn = sqlite3.connect(cache / "catalog.sqlite")
    try:
        return {cid: json.loads(title) for cid, title in
                conn.execute("select id, title from courses")}
    finally:
        conn.close()


def site_report(cfg, cache) -> dict:
    return quality.build(cfg, cache)["sources"][0]


@pytest.fixture
def whole_site(site):
    """Seven course pages behind a sitemap index; one disallowed, one missing, one slow,
    one without readable markup."""
    site.put("/robots.txt", "User-agent: LeerwinkelKiosk\nDisallow: /intern/\n\n"
                            "User-agent: *\nDisallow: /\n", "text/plain")      # the kiosk's name
    alternates = {"fr": site.url("/fr/nt2"), "en": site.url("/en/nt2")}
    site.put("/nl/nt2", json_ld_page("NT2", "Nederlands richtgraad 1", alternates=alternates,
                                     description="Je leert Nederlands spreken."))
    site.put("/fr/nt2", json_ld_page("NT2", "Néerlandais niveau 1", lang="fr",
                                     description="Tu apprends à parler néerlandais."))
    site.put("/en/nt2", json_ld_page("NT2", "Dutch level 1", lang="en"))
    site.put("/nl/digitaal", microdata_page("DIG", "Digitaal met de smartphone"))
    site.put("/nl/lezen", rdfa_page("BAS", "Lezen en schrijven"))
    site.put("/nl/kapot", "<html lang='nl'><script type='application/ld+json'>{kapot"
                          "</script></html>")
    site.put("/nl/traag", json_ld_page("TRAAG", "Nederlands traag"))
    site.slow["/nl/traag"] = 6.0
    site.put("/intern/geheim", json_ld_page("GEHEIM", "Nederlands intern"))
    first = sitemap([site.url(p) for p in ("/nl/nt2", "/nl/digitaal", "/intern/geheim",
                                           "/nl/kapot")])
    site.put("/sitemap-1.xml", first, "application/xml")
    second = sitemap([site.url(p) for p in ("/nl/lezen", "/nl/weg", "/nl/traag")])
    site.put("/sitemap-2.xml.gz", gzip.compress(second.encode()), "application/gzip")
    site.put("/sitemap.xml", sitemap([site.url("/sitemap-1.xml"),
                                      site.url("/sitemap-2.xml.gz")], index=True),
             "application/xml")
    return site


def test_a_site_loads_from_its_sitemap_index_in_three_syntaxes_and_three_languages(
        whole_site, cache):
    cfg = site_config(whole_site.url("/sitemap.xml"))
    report = pipeline.refresh(cfg, cache_dir=cache)
    assert report.ok, report.text()
    loaded = courses(cache)
    assert set(loaded) == {"NT2-2027-02-01", "DIG-2027-03-01", "BAS-2027-04-01"}
    assert loaded["NT2-2027-02-01"] == {"nl": "Nederlands richtgraad 1",
                                        "fr": "Néerlandais niveau 1", "en": "Dutch level 1"}
    assert "/intern/geheim" not in whole_site.requests()         # robots.txt obeyed
    source = site_report(cfg, cache)
    site = source["site"]
    assert site["skipped"] == {"refused by robots.txt": 1}
    assert site["fetched"] == 6 and site["unchanged"] == 0 and site["translated"] == 1
    failed = dict(site["failed"])
    assert failed[whole_site.url("/nl/weg")] == "not found (HTTP 404)"
    assert "did not answer in time" in failed[whole_site.url("/nl/traag")]
    assert "JSON-LD script 1 is not valid JSON" in failed[whole_site.url("/nl/kapot")]
    assert site["courses_per_page"] == {whole_site.url(p): 1
                                        for p in ("/nl/nt2", "/nl/digitaal", "/nl/lezen")}
    text = quality.text(quality.build(cfg, cache))
    assert "pages: 8 found, 6 fetched, 0 unchanged, 3 failed" in text
    assert f"failed page {whole_site.url('/nl/weg')}: not found (HTTP 404)" in text
    page = quality.as_html(quality.build(cfg, cache))
    assert "Pages: 8 found, 6 fetched, 0 unchanged, 3 failed" in page
    assert f"<tr><td>{whole_site.url('/nl/nt2')}</td><td>1</td></tr>" in page


def test_an_unchanged_site_costs_conditional_requests_and_a_failing_page_keeps_its_courses(
        whole_site, cache):
    cfg = site_config(whole_site.url("/sitemap.xml"))
    del whole_site.slow["/nl/traag"]
    assert pipeline.refresh(cfg, cache_dir=cache).ok
    whole_site.log.clear()
    whole_site.connections = 0
    again = pipeline.refresh(cfg, cache_dir=cache)
    assert again.ok and "Not changed since the last refresh" in again.text()
    # connections are kept open: the sitemaps' and each page thread's, not one a request
    # (an error answer's connection is closed unread: one more for the 404)
    assert len(whole_site.log) == 12
    assert whole_site.connections <= 2 + site_crawl.CONNECTIONS
    answered = {path: status for path, status in whole_site.log}
    assert {s for p, s in answered.items() if p not in ("/robots.txt", "/nl/weg")} == {304}
    # one page changes, one breaks: the first reloads, the second keeps its course
    whole_site.put("/nl/digitaal", microdata_page("DIG", "Digitaal met de tablet"))
    whole_site.status["/nl/lezen"] = 500
    whole_site.log.clear()
    third = pipeline.refresh(cfg, cache_dir=cache)
    assert third.ok, third.text()
    loaded = courses(cache)
    assert loaded["DIG-2027-03-01"] == {"nl": "Digitaal met de tablet"}
    conn = sqlite3.connect(cache / "catalog.sqlite")
    assert conn.execute("select confirmed from course_sources where id = 'DIG-2027-03-01'") \
        .fetchone() == (TODAY.isoformat(),)                  # confirmed when its page changed
    conn.close()
    assert loaded["BAS-2027-04-01"] == {"nl": "Lezen en schrijven"}
    assert ("/nl/digitaal", 200) in whole_site.log and ("/nl/nt2", 304) in whole_site.log
    site = site_report(cfg, cache)["site"]
    assert site["fetched"] == 1 and site["unchanged"] == 5
    assert dict(site["failed"])[whole_site.url("/nl/lezen")] == \
        "the site answered HTTP 500, also after retrying"


def test_a_listing_page_leads_to_the_course_pages_it_links(site, cache):
    site.put("/robots.txt", "User-agent: *\nAllow: /\n", "text/plain")
    links = "".join(f'<a href="{p}">x</a>' for p in ("/opleiding/a", "/opleiding/b",
                                                      "/over-ons", "/opleiding/oud",
                                                      "https://elders.example/opleiding/c"))
    site.put("/aanbod", f"<html lang='nl'><body>{links}</body></html>")
    site.put("/opleiding/a", json_ld_page("A", "Nederlands A"))
    site.put("/opleiding/b", json_ld_page("B", "Nederlands B", postcode="9050"))
    site.put("/opleiding/oud", json_ld_page("OUD", "Nederlands oud"))
    site.put("/over-ons", "<html lang='nl'><body>Wie we zijn</body></html>")
    cfg = site_config(site.url("/aanbod"), include=["*/opleiding/*"], exclude=["*/oud"])
    report = pipeline.refresh(cfg, cache_dir=cache)
    assert report.ok, report.text()
    assert set(courses(cache)) == {"A-2027-02-01", "B-2027-02-01"}
    assert "/over-ons" not in site.requests() and "/opleiding/oud" not in site.requests()
    skipped = site_report(cfg, cache)["site"]["skipped"]
    assert skipped == {"not matched by include": 1, "matched by exclude": 1,
                       "on another site": 1}
    site.log.clear()                                 # again: the listing page unchanged too
    assert pipeline.refresh(cfg, cache_dir=cache).ok
    assert sorted(site.log) == [("/aanbod", 304), ("/opleiding/a", 304), ("/opleiding/b", 304),
                                ("/robots.txt", 200)]
    assert set(courses(cache)) == {"A-2027-02-01", "B-2027-02-01"}


def test_defaults_fill_what_pages_do_not_say_and_say_so(site, cache):
    site.put("/robots.txt", "", "text/plain")
    page = json_ld_page("KOK", "Keukenhulp", keywords="Horeca, Koken")
    site.put("/kok", page.replace('"postalCode": "9000", ', ""))
    site.put("/bloem", json_ld_page("BLOEM", "Bloemschikken", keywords="Vrije tijd"))
    for i in range(3):
        site.put(f"/nt2-{i}", json_ld_page(f"NT2-{i}", f"Nederlands {i}"))
    site.put("/sitemap.xml", sitemap([site.url(p) for p in ("/kok", "/bloem", "/nt2-0",
                                                            "/nt2-1", "/nt2-2")]),
             "application/xml")
    cfg = site_config(site.url("/sitemap.xml"), defaults={
        "goal_words": {"horeca": "beroep"}, "location": {"postcode": "9000"},
        "outcome": "certificaat", "provider_type": "cvo"})
    report = pipeline.refresh(cfg, cache_dir=cache)
    assert report.ok, report.text()
    assert "KOK-2027-02-01" in courses(cache)
    assert "BLOEM-2027-02-01" not in courses(cache)                  # no goal
    source = site_report(cfg, cache)
    assert source["site"]["defaults_used"] == {"goals (goal_words)": 1, "outcome": 5,
                                               "location.postcode": 1}
    notes = source["notes"]
    assert "KOK-2027-02-01: from the source's defaults: goals (goal_words), outcome, " \
           "location.postcode" in notes
    assert any(n.startswith("BLOEM-2027-02-01: no goal: the page's words (vrije tijd)")
               for n in notes)
    assert [r[0] for r in source["rejected"]] == ["BLOEM-2027-02-01"]
    conn = sqlite3.connect(cache / "catalog.sqlite")
    assert conn.execute("select type from providers").fetchall() == [("cvo",)]
    conn.close()


def test_a_site_that_cannot_be_read_keeps_its_last_good_courses(site, cache):
    site.put("/robots.txt", "", "text/plain")
    site.put("/a", json_ld_page("A", "Nederlands A"))
    site.put("/sitemap.xml", sitemap([site.url("/a")]), "application/xml")
    cfg = site_config(site.url("/sitemap.xml"))
    assert pipeline.refresh(cfg, cache_dir=cache).ok
    site.status["/robots.txt"] = 503
    report = pipeline.refresh(cfg, cache_dir=cache)
    assert "robots.txt could not be read" in report.text()
    assert set(courses(cache)) == {"A-2027-02-01"}
    del site.status["/robots.txt"]
    site.put("/sitemap.xml", "<urlset><url><loc>", "application/xml")
    report = pipeline.refresh(cfg, cache_dir=cache)
    assert "is not valid XML" in report.text() and set(courses(cache)) == {"A-2027-02-01"}


def test_at_most_max_pages_are_read(site, cache):
    site.put("/robots.txt", "", "text/plain")
    for i in range(5):
        site.put(f"/c{i}", json_ld_page(f"C{i}", f"Nederlands {i}"))
    site.put("/sitemap.xml", sitemap([site.url(f"/c{i}") for i in range(5)]),
             "application/xml")
    cfg = site_config(site.url("/sitemap.xml"), max_pages=3)
    assert pipeline.refresh(cfg, cache_dir=cache).ok
    assert len(courses(cache)) == 3 and site_report(cfg, cache)["site"]["skipped"] == {
        "over max_pages": 2}


@pytest.mark.parametrize("table, says", [
    ({"defaults": {"goals": ["vliegen"]}}, "defaults.goals must be a list of"),
    ({"defaults": {"colour": "red"}}, "unknown field 'colour'"),
    ({"defaults": {"location": {"postcode": "90"}}}, "postcode must be 4 digits"),
    ({"defaults": {"goal_words": {"horeca": "koken"}}}, "'horeca' must map to one of"),
    ({"include": "*/opleiding/*"}, "include must be a list"),
    ({"max_pages": 0}, "max_pages must be a number from 1"),
    ({"requests_per_s": 0}, "requests_per_s must be a number"),
    ({"kind": "feed", "defaults": {"goals": ["beroep"]}}, "defaults are for csv and schema.org"),
])
def test_site_settings_are_checked(table, says):
    with pytest.raises(config.ConfigError, match=says):
        config.from_table({"catalog": {"sources": [
            {"name": "S", "kind": "schema.org", "url": "https://x.example/", "providers": ["x"],
             **table}]}})


def test_sources_keep_their_site_settings():
    cfg = site_config("https://x.example/sitemap.xml", include=["*/a/*"], max_pages=7,
                      defaults={"goals": ["beroep"]})
    source = sources.configured(cfg)[0]
    assert source.include == ("*/a/*",) and source.max_pages == 7
    assert source.defaults == {"goals": ["beroep"]} and source.requests_per_s == 1000


def test_the_site_benchmark_runs_at_a_tiny_size():
    ran = subprocess.run([sys.executable, str(ROOT / "bench" / "site_refresh.py"),
                          "--pages", "4", "--groups", "2", "--repeat", "1"],
                         capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert ran.returncode == 0, ran.stderr
    assert "site of 4 pages with 2 groups each (8 courses)" in ran.stdout
    assert "ratio site unchanged / feed loaded:" in ran.stdout
    assert "conditional requests answered 304: 6" in ran.stdout   # 4 pages, sitemap, feed


def test_a_csv_source_takes_defaults_for_its_optional_columns(tmp_path, cache):
    template = (ROOT / "assets" / "catalog-template.csv").read_text(encoding="utf-8-sig")
    header, *rows = template.splitlines()
    columns = header.split(";")
    blank = {columns.index(c) for c in ("outcome", "provider_type")}
    rows = [";".join("" if i in blank else v for i, v in enumerate(row.split(";")))
            for row in rows]
    sheet = tmp_path / "aanbod.csv"
    sheet.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    cfg = config.from_table({"catalog": {"sources": [
        {"name": "Blad", "kind": "csv", "url": str(sheet), "providers": ["*"],
         "defaults": {"outcome": "attest", "provider_type": "ligo"}}]}})
    report = pipeline.refresh(cfg, cache_dir=cache)
    assert report.ok, report.text()
    conn = sqlite3.connect(cache / "catalog.sqlite")
    try:
        assert {r[0] for r in conn.execute("select outcome from courses")} == {"attest"}
        assert {r[0] for r in conn.execute("select type from providers")} == {"ligo"}
    finally:
        conn.close()
    notes = quality.build(cfg, cache)["sources"][0]["notes"]
    assert any(n.endswith(": from the source's defaults: outcome") for n in notes)


@pytest.mark.parametrize("robots, rate, gap", [
    ("User-agent: *\nAllow: /\n", 5, 0.2),                       # the source's own rate
    ("User-agent: *\nCrawl-delay: 1\n", 1000, 1.0),              # robots.txt asks for more
])
def test_requests_to_a_site_are_spaced(site, cache, robots, rate, gap):
    site.put("/robots.txt", robots, "text/plain")
    for i in range(2):
        site.put(f"/c{i}", json_ld_page(f"C{i}", f"Nederlands {i}"))
    site.put("/sitemap.xml", sitemap([site.url(f"/c{i}") for i in range(2)]), "application/xml")
    cfg = site_config(site.url("/sitemap.xml"), requests_per_s=rate)
    assert pipeline.refresh(cfg, cache_dir=cache).ok
    times = sorted(site.arrived)
    assert len(times) == 4                          # robots.txt, the sitemap, two pages
    # a lower bound (a busy machine only adds time); the first arrival may come late
    assert times[-1] - times[0] >= 3 * gap * 0.6      # unspaced, they come within a few ms


def test_the_sites_root_is_read_through_the_sitemaps_robots_txt_names(site, cache):
    site.put("/robots.txt", f"User-agent: *\nAllow: /\nSitemap: {site.url('/kaart.xml')}\n",
             "text/plain")
    site.put("/c", json_ld_page("C", "Nederlands C"))
    site.put("/kaart.xml", sitemap([site.url("/c")]), "application/xml")
    cfg = site_config(site.url("/"))
    assert pipeline.refresh(cfg, cache_dir=cache).ok
    assert set(courses(cache)) == {"C-2027-02-01"} and "/" not in site.requests()
