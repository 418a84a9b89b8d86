"""schema.org's own kinds of Course examples (a bare Course, one with a credential and
prerequisites, one with online and on-site instances, one with a weekly schedule and a
place) and an EducationalOccupationalProgram as search engines document it, each in
JSON-LD and in RDFa: every one is read, and with a source's defaults every record passes
the feed's checks."""
import html
import json

import pytest

from kiosk import clock
from kiosk.catalog import check
from kiosk.catalog import convert_schema_org as schema_org

EXAMPLES = {
    "bare course": {
        "@context": "https://schema.org", "@type": "Course",
        "name": "Introduction to Computer Science and Programming",
        "description": "Introductory CS course laying out the basics.",
        "provider": {"@type": "Organization", "name": "University of Technology - Eureka",
                     "sameAs": "http://www.ut-eureka.edu"}},
    "credential and prerequisites": {
        "@context": "https://schema.org", "@type": "Course", "courseCode": "F300",
        "name": "Physics", "description": "Physics course for beginners.",
        "coursePrerequisites": "Basic arithmetic",
        "educationalCredentialAwarded": "Certificate of completion",
        "provider": {"@type": "CollegeOrUniversity", "name": "University of Bristol",
                     "sameAs": "http://www.bristol.ac.uk/"}},
    "online and on-site instances": {
        "@context": "https://schema.org", "@type": "Course", "courseCode": "CS50",
        "name": "Digital skills for everyone", "description": "From mails to forms.",
        "hasCourseInstance": [
            {"@type": "CourseInstance", "courseMode": "MOOC", "courseWorkload": "PT22H",
             "startDate": "2027-01-15",
             "location": {"@type": "VirtualLocation", "url": "https://learn.example/cs50"}},
            {"@type": "CourseInstance", "courseMode": "onsite", "startDate": "2027-02-01",
             "endDate": "2027-05-31",
             "location": {"@type": "Place", "name": "Campus Noord",
                          "address": {"@type": "PostalAddress", "postalCode": "1000",
                                      "addressLocality": "Brussel"}}}],
        "offers": {"@type": "Offer", "price": "0", "priceCurrency": "EUR"}},
    "weekly schedule and place": {
        "@context": "https://schema.org", "@type": "Course", "courseCode": "ENG-B1",
        "name": "English B1", "keywords": "English",
        "hasCourseInstance": {
            "@type": "CourseInstance", "courseMode": "blended", "startDate": "2027-09-06",
            "courseSchedule": {"@type": "Schedule", "repeatFrequency": "Weekly",
                               "byDay": "https://schema.org/Wednesday",
                               "startTime": "19:00", "duration": "PT2H"},
            "location": {"@type": "Place", "name": "Centrum",
                         "address": {"@type": "PostalAddress", "streetAddress": "Markt 1",
                                     "postalCode": "2000", "addressLocality": "Antwerpen"}},
            "offers": {"@type": "Offer", "price": "145.50", "priceCurrency": "EUR"}}},
    "occupational program": {
        "@context": "https://schema.org", "@type": "EducationalOccupationalProgram",
        "name": "Zorgkundige", "description": "Word zorgkundige in anderhalf jaar.",
        "url": "https://cvo.example/zorgkundige", "identifier": "ZK-2027",
        "educationalProgramMode": "in-person", "timeOfDay": "Evening",
        "startDate": "2027-02-15", "endDate": "2028-06-30", "timeToComplete": "P18M",
        "occupationalCategory": "Zorgkundige",
        "occupationalCredentialAwarded": "Beroepskwalificatie zorgkundige",
        "programPrerequisites": "Nederlands B1",
        "offers": {"@type": "Offer", "price": "280", "priceCurrency": "EUR"},
        "provider": {"@type": "EducationalOrganization", "name": "CVO Voorbeeld",
                     "address": {"@type": "PostalAddress", "streetAddress": "Schoolstraat 3",
                                 "postalCode": "9000", "addressLocality": "Gent"}}},
}
DEFAULTS = {"goals": ["digitaal"], "format": "afstand", "times": ["dag"],
            "flexible_start": True, "location": {"postcode": "1000"}}


def as_json_ld(example: dict) -> str:
    return (f"<html><head><script type='application/ld+json'>{json.dumps(example)}</script>"
            "</head><body></body></html>")


def _rdfa(value, prop=None) -> str:
    if isinstance(value, list):
        return "".join(_rdfa(v, prop) for v in value)
    if isinstance(value, dict):
        where = f' property="{prop}"' if prop else ' vocab="https://schema.org/"'
        inner = "".join(_rdfa(v, k) for k, v in value.items() if not k.startswith("@"))
        return f'<div{where} typeof="{value["@type"]}">{inner}</div>'
    if str(value).startswith("http"):
        return f'<link property="{prop}" href="{html.escape(value)}">'
    return f'<span property="{prop}">{html.escape(str(value))}</span>'


def as_rdfa(example: dict) -> str:
    return f"<html><body>{_rdfa(example)}</body></html>"


@pytest.fixture(autouse=True)
def pinned(monkeypatch):
    monkeypatch.setattr(clock, "today", lambda: __import__("datetime").date(2026, 11, 28))


@pytest.mark.parametrize("syntax", [as_json_ld, as_rdfa], ids=["json-ld", "rdfa"])
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_every_example_loads_with_the_sources_defaults(tmp_path, name, syntax):
    page = tmp_path / "page.html"
    page.write_text(syntax(EXAMPLES[name]))
    doc, notes = schema_org.page_to_feed(page, "Voorbeeld", "voorbeeld", defaults=DEFAULTS)
    assert doc["courses"], notes
    for course in doc["courses"]:
        check.check_course(course)                  # raises Rejected with the reason


@pytest.mark.parametrize("syntax", [as_json_ld, as_rdfa], ids=["json-ld", "rdfa"])
def test_the_examples_map_as_documented(tmp_path, syntax):
    def read(name):
        page = tmp_path / f"{name}.html"
        page.write_text(syntax(EXAMPLES[name]))
        return schema_org.page_to_feed(page, "Voorbeeld", "voorbeeld")

    doc, notes = read("online and on-site instances")
    online, onsite = sorted(doc["courses"], key=lambda c: c["start_dates"])
    assert online["format"] == "afstand" and onsite["format"] == "klassikaal"
    assert onsite["location"] == {"name": "Campus Noord", "postcode": "1000",
                                  "city": "Brussel"}
    assert onsite["duration_weeks"] == 17 and onsite["start_dates"] == ["2027-02-01"]
    assert "goals" not in onsite                      # "digital" is not a goal word
    assert "CS50-2027-02-01: no courseSchedule: times not mapped" in notes
    doc, notes = read("weekly schedule and place")
    english = doc["courses"][0]
    assert english["times"] == ["avond"] and english["format"] == "combinatie"
    assert english["goals"] == ["talen"] and english["cost"] == {"eur": 145.5}
    doc, notes = read("occupational program")
    program = doc["courses"][0]
    assert program["goals"] == ["beroep"] and program["times"] == ["avond"]
    assert program["outcome"] == "beroepskwalificatie" and program["format"] == "klassikaal"
    assert program["location"]["postcode"] == "9000" and program["cost"] == {"eur": 280.0}
    assert "ZK-2027: place taken from the provider's address" in notes
    assert "ZK-2027: programPrerequisites not mapped (give requires in a feed)" in notes
    doc, notes = read("bare course")
    assert any("no goal" in n or "no courseMode" in n for n in notes)


def test_an_rdfa_course_under_the_pages_own_property_is_found(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("<html><body vocab='https://schema.org/'><main property='mainEntity' "
                    "typeof='Course'><h1 property='name'>NT2 richtgraad 1</h1>"
                    "<span property='courseCode'>NT2-1</span></main></body></html>")
    doc, notes = schema_org.page_to_feed(page, "Voorbeeld", "voorbeeld")
    assert [(c["id"], c["title"], c["goals"]) for c in doc["courses"]] == [
        ("NT2-1", {"nl": "NT2 richtgraad 1"}, ["nederlands"])]
