"""Site configuration: a TOML file whose every key has a documented default.

The file is chosen by --config, else KIOSK_CONFIG, else none (all defaults).
See docs/config.example.toml for every key with its default and meaning.
"""
from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path

from kiosk.site import opening_hours

LOCK_AFTER_S = (10, 900)         # sane bounds for staff.lock_after_s
CATALOG_BOUNDS = {               # sane bounds for the [catalog] limits (docs/feed.md)
    "max_bytes": (1_000_000, 2_000_000_000),
    "max_depth": (8, 64),
    "max_providers": (1, 100_000),
    "max_courses": (1, 2_000_000),
    "max_item_values": (100, 1_000_000),
    "max_id_chars": (20, 500),
    "max_title_chars": (40, 1_000),
    "max_summary_chars": (200, 10_000),
    "max_text_chars": (40, 1_000),
    "max_url_chars": (200, 8_000),
    "max_memory_mb": (256, 16_384),
    "max_shrink": (0.0, 1.0),
    "download_deadline_s": (10, 3_600),
    "max_course_age_days": (7, 3_650),
    "source_workers": (1, 16),
    "max_page_bytes": (100_000, 2_000_000_000),
    "page_parse_s": (1.0, 600.0),
}
MAX_CONFIG_BYTES = 1_000_000     # a site config with 1,000 sources is about 300 KB


class ConfigError(Exception):
    """The config file cannot be used; the message says why in plain words."""


@dataclass
class Site:
    name: str = "Leerwinkel"
    postcode: str = "9000"
    kiosk_id: str = "kiosk-1"
    languages: list[str] = field(default_factory=lambda: ["nl", "en", "fr", "ar", "uk"])
    phone: str = ""
    address: str = ""
    opening_hours: str = ""
    open: dict = field(default_factory=dict)   # weekday -> "09:00-17:00"; empty = always open


@dataclass
class Booking:
    preset: str = "generic"          # generic | calcom | easyappointments
    url_template: str = "https://www.leerwinkel.be/afspraak?ref={reference}&summary={summary}"
    secret: str = ""                 # per-site key sealing references; empty = unsigned, goal only
    previous_secrets: list[str] = field(default_factory=list)  # still accepted while rotating
    provider_id: str = ""            # easyappointments
    service_id: str = ""             # easyappointments


@dataclass
class Idle:
    timeout_s: int = 60              # no touch for this long -> warning
    warning_s: int = 20              # warning unanswered this long -> back to welcome
    reading_timeout_s: int = 120     # the same on the results, detail and booking screens


@dataclass
class Catalog:
    source: str = ""                 # feed URL or path; empty = bundled sample catalog
    max_age_days: int = 14           # older catalog -> warning for staff
    max_bytes: int = 200_000_000     # refuse feeds larger than this
    connect_timeout_s: float = 10.0
    read_timeout_s: float = 30.0
    retries: int = 3
    refresh_at: str = ""             # "HH:MM" for a daily background refresh; empty = off
    download_deadline_s: int = 300   # a whole download may take at most this long
    max_shrink: float = 0.5          # a refresh losing more than this share of courses asks
    max_memory_mb: int = 1024        # address space of a refresh started by the kiosk
    max_depth: int = 32              # limits while reading a feed: see docs/feed.md
    max_providers: int = 10_000
    max_courses: int = 500_000
    max_item_values: int = 10_000
    max_id_chars: int = 100
    max_title_chars: int = 300
    max_summary_chars: int = 2_000
    max_text_chars: int = 300
    max_url_chars: int = 2_000
    sources: list = field(default_factory=list)  # [[catalog.sources]]: see docs/sources.md
    max_course_age_days: int = 180   # a course confirmed longer ago is hidden (sources only)
    source_workers: int = 4          # sources fetched and checked at the same time
    max_page_bytes: int = 20_000_000  # one page of a website source (docs/sources.md)
    page_parse_s: float = 30.0       # one page may take this long to read


@dataclass
class Staff:
    pin_hash: str = ""               # set with `kiosk staff set-pin`
    lock_after_s: int = 60           # staff/PIN screen left alone this long -> welcome screen


@dataclass
class Health:
    metrics_file: str = ""           # Prometheus text file; empty = kiosk.prom in the cache folder
    metrics_every_s: int = 300       # rewritten this often while the kiosk runs


@dataclass
class Screen:
    top_edge_m: float = 1.6          # height of a portrait screen's top edge above the floor
    diagonal_in: float = 32.0        # its diagonal in inches (docs/accessibility.md)


@dataclass
class Config:
    site: Site = field(default_factory=Site)
    booking: Booking = field(default_factory=Booking)
    idle: Idle = field(default_factory=Idle)
    catalog: Catalog = field(default_factory=Catalog)
    staff: Staff = field(default_factory=Staff)
    health: Health = field(default_factory=Health)
    screen: Screen = field(default_factory=Screen)
    path: Path | None = None         # the file it came from, if any


def _fill(obj, table: dict, where: str):
    known = {f.name: f for f in fields(obj)}
    for key, value in table.items():
        if key not in known or key == "path":
            raise ConfigError(f"Unknown setting '{where}{key}' in the config file.")
        current = getattr(obj, key)
        if is_dataclass(current):
            if not isinstance(value, dict):
                raise ConfigError(f"'{where}{key}' must be a section [{where}{key}].")
            _fill(current, value, f"{where}{key}.")
            continue
        expected = type(current)
        if expected is float and isinstance(value, int):
            value = float(value)
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            raise ConfigError(
                f"Setting '{where}{key}' must be a {expected.__name__}, not {value!r}.")
        setattr(obj, key, value)


def config_path(explicit: str | os.PathLike | None = None) -> Path | None:
    value = explicit or os.environ.get("KIOSK_CONFIG")
    return Path(value) if value else None


def _read_table(path: Path) -> dict:
    """The config file's TOML, read within a size limit; every failure a ConfigError."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"Config file {path} does not exist.") from None
    except OSError as exc:
        raise ConfigError(f"Config file {path} cannot be read ({exc.strerror}).") from None
    if len(raw) > MAX_CONFIG_BYTES:
        raise ConfigError(f"Config file {path} is larger than {MAX_CONFIG_BYTES // 1000} KB.")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"Config file {path} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"Config file {path} is not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"Config file {path} nests its values too deeply.") from None


def load(explicit: str | os.PathLike | None = None) -> Config:
    """Read the site config (or the defaults when no file is named)."""
    cfg = Config()
    path = config_path(explicit)
    if path is None:
        return cfg
    table = _read_table(path)
    _fill(cfg, table, "")
    try:
        opening_hours.parse(cfg.site.open)
    except ValueError as exc:
        raise ConfigError(f"Setting 'site.open': {exc}") from None
    if not LOCK_AFTER_S[0] <= cfg.staff.lock_after_s <= LOCK_AFTER_S[1]:
        raise ConfigError(f"Setting 'staff.lock_after_s' must be from {LOCK_AFTER_S[0]} to "
                          f"{LOCK_AFTER_S[1]} seconds: the staff screen must lock soon.")
    _check_bounds(cfg.catalog)
    _check_screen(cfg)
    check_sources(cfg.catalog.sources)
    cfg.path = path
    return cfg


def from_table(table: dict) -> Config:
    """A config from its settings as a plain table (as read from TOML or JSON)."""
    cfg = Config()
    _fill(cfg, table, "")
    _check_bounds(cfg.catalog)
    _check_screen(cfg)
    check_sources(cfg.catalog.sources)
    return cfg


def _check_bounds(catalog: Catalog) -> None:
    for key, (low, high) in CATALOG_BOUNDS.items():
        if not low <= getattr(catalog, key) <= high:
            raise ConfigError(f"Setting 'catalog.{key}' must be from {low:,} to {high:,}."
                              .replace(",", " "))


SCREEN_BOUNDS = {"top_edge_m": (0.5, 2.5), "diagonal_in": (10.0, 100.0)}


def _check_screen(cfg: Config) -> None:
    """The screen's mounting within sane bounds (a wall, a stand, a desk)."""
    for key, (low, high) in SCREEN_BOUNDS.items():
        if not low <= getattr(cfg.screen, key) <= high:
            raise ConfigError(f"Setting 'screen.{key}' must be from {low} to {high}.")


# ---------------------------------------------------------------- [[catalog.sources]]

SOURCE_KINDS = ("feed", "csv", "schema.org")
SOURCE_KEYS = ("name", "kind", "url", "providers", "defaults", "include", "exclude",
               "max_pages", "requests_per_s")
MAX_PAGES = (1, 10_000)          # bounds of a website source's max_pages
REQUESTS_PER_S = (0.01, 10_000.0)
MAX_PATTERNS = 100
MAX_SOURCES = 1_000
MAX_SOURCE_NAME = 100
ANY_PROVIDER = "*"


def check_sources(sources: list) -> None:
    """Each [[catalog.sources]] table: a unique name, a known kind, a URL or path, and
    the provider ids it may speak for (["*"]: any). Raises ConfigError."""
    if len(sources) > MAX_SOURCES:
        raise ConfigError(f"At most {MAX_SOURCES} [[catalog.sources]] are allowed.")
    names = set()
    for n, source in enumerate(sources, 1):
        where = f"[[catalog.sources]] number {n}"
        if not isinstance(source, dict):
            raise ConfigError(f"{where} must be a table.")
        unknown = sorted(set(source) - set(SOURCE_KEYS))
        if unknown:
            raise ConfigError(f"Unknown setting '{unknown[0]}' in {where}.")
        name = source.get("name")
        if not isinstance(name, str) or not name.strip() or len(name) > MAX_SOURCE_NAME:
            raise ConfigError(f"{where} needs a name of 1 to {MAX_SOURCE_NAME} characters.")
        if name in names:
            raise ConfigError(f"Two [[catalog.sources]] are named {name!r}; names must differ.")
        names.add(name)
        if source.get("kind", "feed") not in SOURCE_KINDS:
            raise ConfigError(f"Source {name!r}: kind must be one of {', '.join(SOURCE_KINDS)}.")
        if not isinstance(source.get("url"), str) or not source["url"].strip():
            raise ConfigError(f"Source {name!r} needs a url (an address or a file path).")
        providers = source.get("providers")
        if (not isinstance(providers, list) or not providers
                or not all(isinstance(p, str) and p.strip() for p in providers)):
            raise ConfigError(f"Source {name!r} needs providers: a list of provider ids, "
                              'or ["*"] for an aggregate.')
        _check_site_keys(name, source)


def _check_site_keys(name: str, source: dict) -> None:
    """A source's defaults and, for a website, its patterns, page count and rate."""
    from kiosk.catalog import source_defaults
    if "defaults" in source and source.get("kind", "feed") == "feed":
        raise ConfigError(f"Source {name!r}: defaults are for csv and schema.org sources; "
                          "a feed gives every field itself.")
    if "defaults" in source:
        try:
            source_defaults.check(source["defaults"])
        except ValueError as exc:
            raise ConfigError(f"Source {name!r}: {exc}.") from None
    for key in ("include", "exclude"):
        value = source.get(key, [])
        if not isinstance(value, list) or len(value) > MAX_PATTERNS \
                or not all(isinstance(p, str) and 0 < len(p) <= 500 for p in value):
            raise ConfigError(f"Source {name!r}: {key} must be a list of at most "
                              f"{MAX_PATTERNS} address patterns such as \"*/opleiding/*\".")
    for key, (low, high), kind in (("max_pages", MAX_PAGES, int),
                                   ("requests_per_s", REQUESTS_PER_S, (int, float))):
        value = source.get(key)
        if value is not None and (not isinstance(value, kind) or isinstance(value, bool)
                                  or not low <= value <= high):
            raise ConfigError(f"Source {name!r}: {key} must be a number from {low} to {high}.")
