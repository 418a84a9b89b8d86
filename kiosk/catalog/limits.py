"""The limits a feed is read within (docs/feed.md, "Limits"), so that no feed, however
deep, long or large, can exhaust the kiosk's memory or freeze a screen.

The defaults are generous for real catalogs; a site can set each in its config's
[catalog] table within the bounds of kiosk/site/config.py (CATALOG_BOUNDS).
"""
from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Limits:
    max_depth: int = 32              # levels of nested lists/objects in the document
    max_providers: int = 10_000
    max_courses: int = 500_000
    max_item_values: int = 10_000    # values (keys, items) in one course or provider
    max_id_chars: int = 100          # course and provider ids
    max_title_chars: int = 300       # a course title, a provider name (per language)
    max_summary_chars: int = 2_000   # a course summary (per language)
    max_text_chars: int = 300        # other texts: location, phone, language
    max_url_chars: int = 2_000       # url, website


LIMITS = Limits()


def limits_of(settings) -> Limits:
    """The limits from the site config's [catalog] table (or the defaults)."""
    if settings is None:
        return LIMITS
    return Limits(**{f.name: getattr(settings, f.name, f.default) for f in fields(Limits)})
