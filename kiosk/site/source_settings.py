"""The [[catalog.sources]] tables of the site config (docs/sources.md), checked when the
config is loaded (kiosk/site/config.py turns a SourceSettingError into its ConfigError)."""
from __future__ import annotations

from kiosk.catalog import source_defaults


class SourceSettingError(ValueError):
    """A source's setting is wrong; the message says which and how, in one line."""

SOURCE_KINDS = ("feed", "csv", "schema.org")
SOURCE_KEYS = ("name", "kind", "url", "providers", "allow_private", "defaults", "include",
               "exclude", "max_pages", "requests_per_s")
MAX_PAGES = (1, 10_000)          # bounds of a website source's max_pages
REQUESTS_PER_S = (0.01, 10_000.0)
MAX_PATTERNS = 100
MAX_SOURCES = 1_000
MAX_SOURCE_NAME = 100
ANY_PROVIDER = "*"


def check_sources(sources: list) -> None:
    """Each [[catalog.sources]] table: a unique name, a known kind, a URL or path, and
    the provider ids it may speak for (["*"]: any). Raises SourceSettingError."""
    if len(sources) > MAX_SOURCES:
        raise SourceSettingError(f"At most {MAX_SOURCES} [[catalog.sources]] are allowed.")
    names = set()
    for n, source in enumerate(sources, 1):
        where = f"[[catalog.sources]] number {n}"
        if not isinstance(source, dict):
            raise SourceSettingError(f"{where} must be a table.")
        unknown = sorted(set(source) - set(SOURCE_KEYS))
        if unknown:
            raise SourceSettingError(f"Unknown setting '{unknown[0]}' in {where}.")
        name = source.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_SOURCE_NAME:
            raise SourceSettingError(f"{where} needs a name of 1 to {MAX_SOURCE_NAME} characters.")
        if name in names:
            raise SourceSettingError(f"Two [[catalog.sources]] are named {name!r}; names must differ.")
        names.add(name)
        if source.get("kind", "feed") not in SOURCE_KINDS:
            raise SourceSettingError(f"Source {name!r}: kind must be one of {', '.join(SOURCE_KINDS)}.")
        if not isinstance(source.get("url"), str) or not source["url"].strip():
            raise SourceSettingError(f"Source {name!r} needs a url (an address or a file path).")
        providers = source.get("providers")
        if (not isinstance(providers, list) or not providers
                or not all(isinstance(p, str) and p.strip() for p in providers)):
            raise SourceSettingError(f"Source {name!r} needs providers: a list of provider ids, "
                              'or ["*"] for an aggregate.')
        if not isinstance(source.get("allow_private", False), bool):
            raise SourceSettingError(f"Source {name!r}: allow_private must be true or false.")
        _check_site_keys(name, source)


def _check_site_keys(name: str, source: dict) -> None:
    """A source's defaults and, for a website, its patterns, page count and rate."""
    if "defaults" in source and source.get("kind", "feed") == "feed":
        raise SourceSettingError(f"Source {name!r}: defaults are for csv and schema.org sources; "
                          "a feed gives every field itself.")
    if "defaults" in source:
        try:
            source_defaults.check(source["defaults"])
        except ValueError as exc:
            raise SourceSettingError(f"Source {name!r}: {exc}.") from None
    for key in ("include", "exclude"):
        value = source.get(key, [])
        if not isinstance(value, list) or len(value) > MAX_PATTERNS \
                or not all(isinstance(p, str) and 0 < len(p) <= 500 for p in value):
            raise SourceSettingError(f"Source {name!r}: {key} must be a list of at most "
                              f"{MAX_PATTERNS} address patterns such as \"*/opleiding/*\".")
    for key, (low, high), kind in (("max_pages", MAX_PAGES, int),
                                   ("requests_per_s", REQUESTS_PER_S, (int, float))):
        value = source.get(key)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)
                                  or not low <= value <= high):
            raise SourceSettingError(f"Source {name!r}: {key} must be a number from {low} to {high}.")
