"""The JSON Schema of the feed (docs/feed.schema.json), used by `kiosk catalog check`
and the tests. A refresh checks with the rules of kiosk/catalog/check.py (a stream, much
faster); a test keeps the two in agreement."""
from __future__ import annotations

import gzip
import json
from functools import lru_cache
from pathlib import Path

from kiosk import paths

SCHEMA = paths.ROOT / "docs" / "feed.schema.json"
MAX_CHECK_BYTES = 100_000_000    # the schema check holds the whole document in memory
MAX_PROBLEMS = 50


@lru_cache(maxsize=1)
def validator():
    import jsonschema
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def problems(document) -> list[str]:
    """The schema's complaints, one line each: where, then what."""
    found = []
    for error in validator().iter_errors(document):
        where = "/".join(str(p) for p in error.absolute_path) or "(document)"
        found.append(f"{where}: {error.message[:200]}")
        if len(found) >= MAX_PROBLEMS:
            break
    return found


def problems_in_file(path: Path, max_bytes: int) -> list[str]:
    """The schema's complaints about a feed file (gzip allowed)."""
    limit = min(max_bytes, MAX_CHECK_BYTES)
    try:
        raw = Path(path).read_bytes() if Path(path).stat().st_size <= limit else None
        if raw is not None and raw[:2] == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=__import__("io").BytesIO(raw)) as unzipped:
                raw = unzipped.read(limit + 1)
        if raw is None or len(raw) > limit:
            return [f"(document): larger than {limit / 1e6:g} MB: checked by the rules only"]
        return problems(json.loads(raw.decode("utf-8-sig")))
    except (OSError, EOFError, UnicodeDecodeError, ValueError, RecursionError):
        return ["(document): not readable as JSON: see the check below"]
