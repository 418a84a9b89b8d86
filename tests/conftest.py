# ---------------------------------------------------------------- catalogs for matching tests
# Test catalogs are built the way the kiosk builds them: a feed document (docs/feed.md)
# written to a file and loaded with kiosk.feed.refresh. Matching tests import the helpers
# (`from conftest import make_course, provider, write_catalog`) or use `open_cat`.
import json
from pathlib import Path

import pytest

from kiosk import catalog, config, feed


def make_course(cid, provider="p1", **over) -> dict:
    """A feed course (docs/feed.md) with plain defaults; keyword arguments replace fields."""
    course = {
        "id": cid, "provider": provider, "title": {"nl": f"Cursus {cid}"},
        "goals": ["digitaal"], "outcome": "certificaat", "format": "klassikaal",
        "times": ["avond"], "start_dates": ["2027-02-01"],
        "cost": {"eur": 50.0},
        "location": {"postcode": "9000", "city": "Gent"},
    }
    course.update(over)
    return course


def provider(pid, name=None, type_="cvo") -> dict:
    """A feed provider."""
    return {"id": pid, "name": name or pid.upper(), "type": type_, "website": None, "phone": None}


# a feed needs at least one course: an empty test catalog holds one that never fits
# (its only start lies in the past)
_NEVER_FITS = make_course("never-fits", provider="never-fits", start_dates=["2000-01-01"])


def write_catalog(cache_dir: Path, providers: list[dict], courses: list[dict]) -> Path:
    """Load a feed of these providers and courses into cache_dir (kiosk.feed.refresh);
    returns the catalog file. Every course must be accepted."""
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    if not courses:
        providers = [*providers, provider("never-fits")]
        courses = [_NEVER_FITS]
    source = cache_dir.parent / f"{cache_dir.name}-feed.json"
    source.write_text(json.dumps({
        "format": "leerwinkel-catalog", "version": 1, "generated_at": "2026-11-20T08:00:00Z",
        "publisher": "Test", "providers": providers, "courses": courses}), encoding="utf-8")
    cfg = config.Config()
    cfg.catalog.retries = 0
    report = feed.refresh(cfg, source=str(source), cache_dir=cache_dir)
    assert report.ok and not report.rejected, report.message
    return catalog.current_path(cache_dir)


@pytest.fixture
def open_cat(tmp_path):
    """open_cat(courses, providers=None) -> an open Catalog; providers default to one
    per provider id the courses name."""
    opened = []

    def build(courses, providers=None):
        ids = sorted({c["provider"] for c in courses}) if providers is None else None
        provs = providers or [provider(p) for p in ids]
        cat = catalog.open_catalog(write_catalog(tmp_path / f"cat{len(opened)}", provs, courses))
        opened.append(cat)
        return cat

    yield build
    for cat in opened:
        cat.close()
