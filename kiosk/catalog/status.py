"""What catalog is loaded, how old it is, and when the daily refresh is due (read only)."""
from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from kiosk import clock, paths
from kiosk.catalog import db as catalog_mod
from kiosk.catalog import sources as sources_mod
from kiosk.catalog.addresses import redact, redact_text
from kiosk.catalog.store import read_meta, read_state, status_counts


def status(cfg, cache_dir: Path | None = None) -> dict:
    """What catalog is loaded, how old it is and whether staff should refresh it."""
    cache = paths.cache_dir(cache_dir)
    current = cache / catalog_mod.CURRENT
    state = read_state(cache) if cache.exists() else {}
    out = {"present": False, "providers": 0, "courses": 0, "source": None,
           "feed_generated_at": None, "refreshed_at": None, "checked_at": state.get("checked_at"),
           "age_days": None, "stale": True, "max_age_days": cfg.catalog.max_age_days,
           "previous_available": (cache / catalog_mod.PREVIOUS).exists(),
           "publisher": None, "rejected": 0, "path": str(current),
           "last_attempt_at": state.get("last_attempt_at"), "last_ok": state.get("last_ok"),
           "last_message": redact_text(state.get("last_message"))}
    if os.path.lexists(current) and not current.is_file():
        out["problem"] = (f"{current} is a folder, a pipe or a device, not a catalog file; "
                          "run: kiosk catalog refresh")
    meta = read_meta(current)
    counts = status_counts(current) if meta else None
    out["sources"] = source_lines(cfg, cache, meta, counts, out)
    if not meta:
        return out
    out.update(present=True, **counts, source=redact(meta.get("source")) or None,
               feed_generated_at=meta.get("generated_at") or None,
               refreshed_at=meta.get("refreshed_at") or None,
               publisher=meta.get("publisher") or None,
               rejected=int(meta.get("rejected") or 0))
    now = dt.datetime.now(dt.UTC)
    times = [clock.known_past(_utc(_parse_time(t)), now)
             for t in (out["refreshed_at"], out["checked_at"])]
    times = [t for t in times if t]
    if times:                       # a time in the future is unknown: age unknown, stale
        age = now - max(times)
        out["age_days"] = max(round(age.total_seconds() / 86400, 1), 0.0)
        out["stale"] = out["age_days"] > cfg.catalog.max_age_days
    return out


def _utc(when: dt.datetime | None) -> dt.datetime | None:
    return when if when is None or when.tzinfo else when.replace(tzinfo=dt.UTC)


def source_lines(cfg, cache: Path, meta: dict, counts: dict | None, out: dict) -> list[dict]:
    """Per source: name, kind, ok, courses, last_ok_at, message (and its last HTTP
    status). A catalog of one feed is one source; `counts` are its status_counts."""
    keys = ("name", "kind", "ok", "courses", "last_ok_at", "message", "http_status")
    if cfg.catalog.sources:
        states = sources_mod.read_states(cache) if cache.exists() else {}
        lines = []
        for source in sources_mod.configured(cfg):
            state = states.get(source.name, {})
            lines.append({**dict.fromkeys(keys), **{k: state.get(k) for k in keys},
                          "name": source.name, "kind": source.kind,
                          "message": redact_text(state.get("message")),
                          "courses": state.get("courses", 0)})
        return lines
    if not meta:
        return []
    ok = out.get("last_ok") is not False
    return [{"name": redact(meta.get("source")) or "catalog.source", "kind": "feed", "ok": ok,
             "courses": counts["courses"], "last_ok_at": meta.get("refreshed_at") or None,
             "message": redact_text(out.get("last_message")) or "",
             "http_status": read_state(cache).get("http_status")}]


def last_attempt(cache_dir: Path | None = None) -> str | None:
    """When a refresh last ran, successful or not (from the small state file: cheap)."""
    state = read_state(paths.cache_dir(cache_dir))
    return state.get("last_attempt_at") or state.get("checked_at")


def due_for_refresh(cfg, now: dt.datetime, last_refreshed_at) -> bool:
    """True when the daily refresh (catalog.refresh_at, "HH:MM" local time) is due:
    its latest moment at or before `now` came after the last refresh."""
    spec = (cfg.catalog.refresh_at or "").strip()
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", spec)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        return False
    slot = now.replace(hour=int(match[1]), minute=int(match[2]), second=0, microsecond=0)
    if slot > now:
        slot -= dt.timedelta(days=1)
    last = clock.known_past(_parse_time(last_refreshed_at), now)
    if last is None:                # never, or "in the future": a clock ran ahead
        return True
    if last.tzinfo and not now.tzinfo:
        last = last.astimezone().replace(tzinfo=None)
    elif now.tzinfo and not last.tzinfo:
        last = last.replace(tzinfo=now.tzinfo)
    return last < slot


def _parse_time(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
