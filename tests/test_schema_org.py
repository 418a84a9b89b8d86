"""Courses from providers' web pages with schema.org markup (JSON-LD with
hasCourseInstance, microdata), pages written for these tests in the styles providers'
sites use (tests/pages/)."""
import json
from datetime import date
from pathlib import Path

import pytest
from conftest import catalog_titles

from kiosk import clock
from kiosk.catalog import check, pipeline, quality
from kiosk.catalog import convert_schema_org as schema_org
from kiosk.catalog import db as catalog
from kiosk.catalog.report import FeedRefused, Rejected
from kiosk.site import config

PAGES = Path(__file__).with_name("pages")


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: date(2026, 11, 28))


def test_json_ld_course_instances_become_one_course_each():
    doc, notes = schema_org.page_to_feed(PAGES / "cvo-jsonld.html", "CVO Gent", "cvo-gent")
    courses = {c["id"]: c for c in doc["courses"]}
    assert list(courses) == ["NT2-RG2-2027-02-avond", "NT2-RG2-2027-02-dag",
                             "NT2-RG2-2027-09-zaterdag"]
    evening = courses["NT2-RG2-2027-02-avond"]
    assert evening["provider"] == "cvo-gent" and evening["goals"] == ["nederlands"]
    assert evening["format"] == "klassikaal" and evening["times"] == ["avond"]
    assert evening["start_dates"] == ["2027-02-01"] and evening["duration_weeks"] == 20
    assert evening["cost"] == {"eur": 90.0} and evening["outcome"] == "certificaat"
    assert evening["location"] == {"name": "Campus Centrum", "street": "Voskenslaan 1",
                                   "postcode": "9000", "city": "Gent", "lat": 51.04,
                                   "lon": 3.71}
    assert evening["last_verified"] == "2026-11-02"
    day = courses["NT2-RG2-2027-02-dag"]
    assert day["format"] == "combinatie" and day["times"] == ["dag"]
    assert day["start_dates"] == ["2027-02-02"] and day["location"]["postcode"] == "9050"
    assert courses["NT2-RG2-2027-09-zaterdag"]["times"] == ["weekend"]
    assert "cost" not in courses["NT2-RG2-2027-09-zaterdag"]        # USD: not guessed
    assert "NT2-RG2-2027-09-zaterdag: offers price '75' USD not mapped" in notes
    assert "NT2-RG2-2027-02-avond: coursePrerequisites not mapped (give requires in a feed)" \
        in notes
    assert doc["providers"] == [{"id": "cvo-gent", "name": "CVO Gent", "type": "andere",
                                 "website": "https://cvo-gent.example/",
                                 "phone": "09 000 21 10"}]


def test_microdata_names_its_provider_and_unmapped_fields_are_reported():
    doc, notes = schema_org.page_to_feed(PAGES / "cbe-microdata.html", "Regio", None)
    smart, cooking = doc["courses"]
    assert smart == {"id": "DIG-SMART-2027-01-11", "provider": "cbe-gent",
                     "title": {"nl": "Digitaal: werken met je smartphone"},
                     "summary": {"nl": "Je leert berichten sturen, foto's maken en veilig "
                                       "online betalen."},
                     "goals": ["digitaal"], "format": "klassikaal",
                     "start_dates": ["2027-01-11"], "times": ["dag"],
                     "location": {"name": "Bibliotheek De Krook",
                                  "street": "Miriam Makebaplein 1", "postcode": "9000",
                                  "city": "Gent"},
                     "cost": {"eur": 0.0}}
    assert "goals" not in cooking and cooking["times"] == []
    prefix = "koken-met-seizoensgroenten-2027-03-01: "
    assert prefix + "no goal: the page's words (none) are not mapped; add them to " \
        "defaults.goal_words or give defaults.goals" in notes
    assert prefix + "no location with an address" in notes
    with pytest.raises(Rejected, match="goals needs at least one goal"):
        check.check_course(cooking)


def test_a_schema_org_source_over_http_loads_and_reports(httpserver, cache, run_cli, tmp_path):
    page = (PAGES / "cvo-jsonld.html").read_bytes()
    httpserver.expect_request("/aanbod/nt2").respond_with_data(page, content_type="text/html")
    httpserver.expect_request("/robots.txt").respond_with_data("", status=404)   # no rules
    cfg = config.from_table({"catalog": {"retries": 0, "sources": [
        {"name": "CVO Gent web", "kind": "schema.org", "url": httpserver.url_for("/aanbod/nt2"),
         "providers": ["cvo-gent"], "allow_private": True}]}})
    report = pipeline.refresh(cfg, cache_dir=cache)
    assert report.ok, report.text()
    assert catalog_titles(cache) == {"Nederlands als tweede taal - Richtgraad 2 (A2)"}
    opened = catalog.open_catalog(catalog.current_path(cache))
    try:
        assert opened.counts() == {"providers": 1, "courses": 3}
    finally:
        opened.close()
    source = quality.build(cfg, cache)["sources"][0]
    assert source["ok"] and source["loaded"] == 3 and source["kind"] == "schema.org"
    assert any("USD not mapped" in note for note in source["notes"])


def test_a_page_without_course_markup_is_refused(tmp_path, cache):
    page = tmp_path / "page.html"
    page.write_text("<html><body><h1>Welkom</h1><script type='application/ld+json'>"
                    '{"@type": "Organization", "name": "X"}</script></body></html>')
    cfg = config.from_table({"catalog": {"sources": [
        {"name": "Web", "kind": "schema.org", "url": str(page), "providers": ["x"]}]}})
    report = pipeline.refresh(cfg, cache_dir=cache)
    assert not report.ok and "No source could be loaded" in report.message
    assert "no schema.org Course markup" in report.message


def test_hostile_markup_is_read_within_limits(tmp_path):
    deep = "[" * 5000 + "]" * 5000
    many = json.dumps([{"@type": "Course", "name": f"<b>C{i}</b>", "courseCode": f"c{i}"}
                       for i in range(300)])
    page = tmp_path / "page.html"
    page.write_text(f"<html><script type='application/ld+json'>{deep}</script>"
                    f"<script type='application/ld+json'>{many}</script>"
                    "<script type='application/ld+json'>{broken</script></html>")
    doc, notes = schema_org.page_to_feed(page, "Web", "x")
    assert len(doc["courses"]) == 300 and doc["courses"][0]["title"] == {"nl": "<b>C0</b>"}
    with pytest.raises(FeedRefused, match="larger than"):
        schema_org.page_to_feed(page, "Web", "x", max_bytes=1000)


def test_catalog_check_reads_a_saved_page(run_cli, cache):
    ran = run_cli("catalog", "check", PAGES / "cvo-jsonld.html")       # names no provider id
    assert ran.returncode == 1 and "rejected NT2-RG2-2027-02-avond: provider is missing" \
        in ran.stdout
    ran = run_cli("catalog", "check", PAGES / "cvo-jsonld.html", "--provider", "cvo-gent",
                  "--json")
    assert ran.returncode == 0, ran.stderr
    source = json.loads(ran.stdout)["sources"][0]
    assert source["kind"] == "schema.org" and source["loaded"] == 3
    assert any("USD not mapped" in note for note in source["notes"])
    ran = run_cli("catalog", "check", PAGES / "cbe-microdata.html")
    assert ran.returncode == 1 and "Too many courses have errors (1 of 2" in ran.stderr
    assert "rejected koken-met-seizoensgroenten-2027-03-01: goals needs at least one goal" \
        in ran.stdout
    assert not (cache / catalog.CURRENT).exists()
