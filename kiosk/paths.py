"""Where the checkout's assets and default cache live."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
SAMPLE_CATALOG = ASSETS / "sample-catalog.json"
QUESTIONNAIRE = ASSETS / "questionnaire.json"
LOCALES = ASSETS / "locales"


def cache_dir() -> Path:
    """The catalog's folder: KIOSK_CACHE_DIR, else cache/ of the checkout."""
    return Path(os.environ.get("KIOSK_CACHE_DIR") or ROOT / "cache")
