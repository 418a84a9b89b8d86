"""Site configuration: a TOML file whose every key has a documented default.

The file is chosen by --config, else KIOSK_CONFIG, else none (all defaults).
See docs/config.example.toml for every key with its default and meaning.
"""
from __future__ import annotations

import os
import re
import string
import tomllib
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path

from kiosk.site import opening_hours
from kiosk.site.source_settings import SourceSettingError, check_sources

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
    "max_age_days": (1, 3_650),
    "retries": (0, 10),
    "connect_timeout_s": (0.1, 300.0),
    "read_timeout_s": (0.1, 600.0),
    "refresh_deadline_s": (60, 86_400),
    "max_page_bytes": (100_000, 2_000_000_000),
    "page_parse_s": (1.0, 600.0),
}
IDLE_BOUNDS = {"timeout_s": (10, 3_600), "warning_s": (5, 600),
               "reading_timeout_s": (10, 3_600)}
MAX_LANGUAGES = 20               # site.languages: more cannot be shown on the language bar
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}", re.ASCII)
KIOSK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}", re.ASCII)
PIN_HASH = re.compile(r"scrypt\$[0-9a-f]{32}\$[0-9a-f]{64}", re.ASCII)
PRESETS = ("generic", "calcom", "easyappointments")
PLACEHOLDERS = ("summary", "courses", "goal", "language", "reference", "kiosk_id",
                "provider_id", "service_id")
REFERENCE_AGE_DAYS = (1, 3_650)  # bounds of booking.max_reference_age_days
METRICS_EVERY_S = (10, 86_400)
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
    opening_hours: str = ""          # free text (older configs); `hours` says it in every language
    hours: dict = field(default_factory=dict)  # the Leerwinkel's hours: weekday -> "13:00-17:00"
    open: dict = field(default_factory=dict)   # weekday -> "09:00-17:00"; empty = always open


@dataclass
class Booking:
    preset: str = "generic"          # generic | calcom | easyappointments
    url_template: str = "https://www.leerwinkel.be/afspraak?ref={reference}&summary={summary}"
    secret: str = ""                 # per-site key sealing references; empty = unsigned, goal only
    previous_secrets: list[str] = field(default_factory=list)  # still accepted while rotating
    provider_id: str = ""            # easyappointments
    service_id: str = ""             # easyappointments
    counsellor_url: str = ""         # the counsellor page's address; set: notes carry /r/<ref>
    max_reference_age_days: int = 90  # an older sealed reference is refused when read


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
    refresh_deadline_s: int = 1_800  # a whole refresh (all sources) may take at most this long
    allow_private: bool = False      # catalog.source may be on this machine or the local network
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
class Counsellor:
    host: str = "127.0.0.1"          # `kiosk counsellor serve` listens here (behind the proxy)
    port: int = 8470
    users_file: str = ""             # empty = counsellor-users.json in the data (cache) folder
    secure_cookies: bool = True      # cookies only over HTTPS; false only for local tests
    session_minutes: int = 480       # a login lasts this long at most
    max_failures: int = 5            # wrong passwords in a row before a name is locked
    lockout_minutes: int = 15        # how long a locked name waits
    threads: int = 4                 # requests served at the same time


@dataclass
class Printer:
    kind: str = ""                   # "" = no printer; "network" or "usb" (ESC/POS)
    host: str = ""                   # network: the printer's address
    port: int = 9100                 # network: its raw port
    usb_vendor: int = 0              # usb: vendor id, e.g. 0x04b8
    usb_product: int = 0             # usb: product id
    width_dots: int = 512            # printable width: 512 for 80 mm paper, 384 for 58 mm
    timeout_s: float = 5.0           # a printer silent this long counts as not ready


@dataclass
class Config:
    site: Site = field(default_factory=Site)
    booking: Booking = field(default_factory=Booking)
    idle: Idle = field(default_factory=Idle)
    catalog: Catalog = field(default_factory=Catalog)
    staff: Staff = field(default_factory=Staff)
    health: Health = field(default_factory=Health)
    screen: Screen = field(default_factory=Screen)
    counsellor: Counsellor = field(default_factory=Counsellor)
    printer: Printer = field(default_factory=Printer)
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
    check(cfg)
    cfg.path = path
    return cfg


def from_table(table: dict) -> Config:
    """A config from its settings as a plain table (as read from TOML or JSON)."""
    cfg = Config()
    _fill(cfg, table, "")
    check(cfg)
    return cfg


def check(cfg: Config) -> None:
    """Every rule a setting must follow, checked once, when the config is loaded: nothing
    later (the booking link, a reference, doctor) can find a config mistake. Raises
    ConfigError with one line."""
    for key in ("open", "hours"):
        try:
            opening_hours.parse(getattr(cfg.site, key))
        except ValueError as exc:
            raise ConfigError(f"Setting 'site.{key}': {exc}") from None
    if not LOCK_AFTER_S[0] <= cfg.staff.lock_after_s <= LOCK_AFTER_S[1]:
        raise ConfigError(f"Setting 'staff.lock_after_s' must be from {LOCK_AFTER_S[0]} to "
                          f"{LOCK_AFTER_S[1]} seconds: the staff screen must lock soon.")
    _check_bounds(cfg.catalog, CATALOG_BOUNDS, "catalog")
    _check_bounds(cfg.idle, IDLE_BOUNDS, "idle")
    _check_bounds(cfg.booking, {"max_reference_age_days": REFERENCE_AGE_DAYS}, "booking")
    _check_bounds(cfg.health, {"metrics_every_s": METRICS_EVERY_S}, "health")
    if cfg.catalog.download_deadline_s > cfg.catalog.refresh_deadline_s:
        raise ConfigError("Setting 'catalog.download_deadline_s' must not be longer than "
                          "'catalog.refresh_deadline_s'.")
    _check_screen(cfg)
    _check_counsellor(cfg)
    _check_site(cfg.site)
    _check_booking(cfg.booking)
    if cfg.catalog.refresh_at and not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d",
                                                    cfg.catalog.refresh_at):
        raise ConfigError(f"Setting 'catalog.refresh_at' must be HH:MM (for example 06:30), "
                          f"not {cfg.catalog.refresh_at!r}.")
    if cfg.staff.pin_hash and not PIN_HASH.fullmatch(cfg.staff.pin_hash):
        raise ConfigError("Setting 'staff.pin_hash' is damaged: set it again with "
                          "kiosk staff set-pin.")
    try:
        check_sources(cfg.catalog.sources)
    except SourceSettingError as exc:
        raise ConfigError(str(exc)) from None


def _check_bounds(table, bounds: dict, section: str) -> None:
    for key, (low, high) in bounds.items():
        if not low <= getattr(table, key) <= high:
            raise ConfigError(f"Setting '{section}.{key}' must be from {low:,} to {high:,}."
                              .replace(",", " "))


def _check_site(site: Site) -> None:
    if not re.fullmatch(r"[1-9]\d{3}", site.postcode, re.ASCII):
        raise ConfigError(f"Setting 'site.postcode' must be a Belgian postcode (4 digits), "
                          f"not {site.postcode[:20]!r}.")
    if not KIOSK_ID.fullmatch(site.kiosk_id):
        raise ConfigError("Setting 'site.kiosk_id' may hold only letters, digits, '.', '_' "
                          "and '-' (at most 32, starting with a letter or digit).")
    languages = site.languages
    if not 1 <= len(languages) <= MAX_LANGUAGES:
        raise ConfigError(f"Setting 'site.languages' must name 1 to {MAX_LANGUAGES} languages.")
    bad = [c for c in languages if not isinstance(c, str) or not LANGUAGE_CODE.fullmatch(c)]
    if bad:
        raise ConfigError(f"Setting 'site.languages': {str(bad[0])[:20]!r} is not a language "
                          "code such as nl, en or fr.")
    if len(set(languages)) != len(languages):
        raise ConfigError("Setting 'site.languages' names a language twice.")
    if not all(len(text) <= 200 for text in (site.name, site.phone, site.address)):
        raise ConfigError("Settings 'site.name', 'site.phone' and 'site.address' may be at "
                          "most 200 characters.")


def _check_booking(booking: Booking) -> None:
    """The booking link can always be made: a known preset, a web address with known
    placeholders, secrets as text."""
    if booking.preset not in PRESETS:
        raise ConfigError(f"Unknown booking.preset {booking.preset[:40]!r}; use one of: "
                          f"{', '.join(PRESETS)}.")
    template = booking.url_template
    if not re.match(r"https?://[^/?#\s]", template):
        raise ConfigError("Setting 'booking.url_template' must be a web address starting "
                          "with https:// (or http://).")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        raise ConfigError("Setting 'booking.url_template' has an unmatched '{' or '}'.") \
            from None
    for _literal, name, spec, conversion in parsed:
        if name is not None and (name not in PLACEHOLDERS or spec or conversion):
            raise ConfigError(
                f"Setting 'booking.url_template' uses an unknown placeholder {{{name[:40]}}}; "
                f"known ones: " + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS) + ".")
    if not all(isinstance(s, str) and s for s in booking.previous_secrets):
        raise ConfigError("Setting 'booking.previous_secrets' must be a list of non-empty "
                          "texts.")


SCREEN_BOUNDS = {"top_edge_m": (0.5, 2.5), "diagonal_in": (10.0, 100.0)}


def _check_screen(cfg: Config) -> None:
    """The screen's mounting within sane bounds (a wall, a stand, a desk)."""
    for key, (low, high) in SCREEN_BOUNDS.items():
        if not low <= getattr(cfg.screen, key) <= high:
            raise ConfigError(f"Setting 'screen.{key}' must be from {low} to {high}.")


COUNSELLOR_BOUNDS = {"port": (1, 65535), "session_minutes": (5, 1440), "max_failures": (3, 20),
                     "lockout_minutes": (1, 1440), "threads": (1, 64)}
PRINTER_KINDS = ("", "network", "usb")


def _check_counsellor(cfg: Config) -> None:
    """The counsellor page, its direct links and the slip printer: values that can work."""
    for key, (low, high) in COUNSELLOR_BOUNDS.items():
        if not low <= getattr(cfg.counsellor, key) <= high:
            raise ConfigError(f"Setting 'counsellor.{key}' must be from {low} to {high}.")
    url = cfg.booking.counsellor_url
    if url and not (url.startswith(("https://", "http://")) and len(url) <= 200
                    and url.isascii() and not any(c in url for c in " ?#\"\'<>")):
        raise ConfigError("Setting 'booking.counsellor_url' must be the counsellor page's "
                          "address, like https://begeleiding.leerwinkel.be (no ? or #).")
    printer = cfg.printer
    if printer.kind not in PRINTER_KINDS:
        raise ConfigError("Setting 'printer.kind' must be \"network\", \"usb\" or empty.")
    if printer.kind == "network" and not printer.host:
        raise ConfigError("Setting 'printer.host' is needed for a network printer.")
    if printer.kind == "usb" and not (printer.usb_vendor and printer.usb_product):
        raise ConfigError("Settings 'printer.usb_vendor' and 'printer.usb_product' are needed "
                          "for a USB printer.")
    if not 256 <= printer.width_dots <= 832 or printer.width_dots % 8:
        raise ConfigError("Setting 'printer.width_dots' must be a multiple of 8 from 256 to 832.")
    if not 0.5 <= printer.timeout_s <= 60 or not 1 <= printer.port <= 65535:
        raise ConfigError("Settings 'printer.timeout_s' (0.5 to 60) or 'printer.port' are out "
                          "of range.")
