"""Where the kiosk's files are: its assets, and the default cache folder.

ROOT is the folder holding `assets/`, `docs/feed.schema.json` and `deploy/`: the checkout
(also under an editable install), or, in an installed wheel, `kiosk/bundled/`, where
pyproject.toml puts copies of those folders.
"""
import os
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
CHECKOUT = PACKAGE.parent
BUNDLED = PACKAGE / "bundled"
IS_CHECKOUT = (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "assets").is_dir()
ROOT = CHECKOUT if IS_CHECKOUT else BUNDLED
ASSETS = ROOT / "assets"
SAMPLE_CATALOG = ASSETS / "sample-catalog.json"
QUESTIONNAIRE = ASSETS / "questionnaire.json"
LOCALES = ASSETS / "locales"
RULES = ASSETS / "rules"


def default_cache_dir() -> Path:
    """cache/ of the checkout; for an installed package the user's cache folder (XDG)."""
    if IS_CHECKOUT:
        return CHECKOUT / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "leerwinkel-kiosk"


def cache_dir(override: str | os.PathLike | None = None) -> Path:
    """The catalog's folder: `override`, else KIOSK_CACHE_DIR, else default_cache_dir()."""
    return Path(override or os.environ.get("KIOSK_CACHE_DIR") or default_cache_dir())
