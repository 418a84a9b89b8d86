"""Where the checkout's assets and default cache live."""
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
SAMPLE_CATALOG = ASSETS / "sample-catalog.json"
QUESTIONNAIRE = ASSETS / "questionnaire.json"
LOCALES = ASSETS / "locales"


def cache_dir(override: str | os.PathLike | None = None) -> Path:
    """The catalog's folder: `override`, else KIOSK_CACHE_DIR, else cache/ of the checkout."""
    return Path(override or os.environ.get("KIOSK_CACHE_DIR") or ROOT / "cache")
