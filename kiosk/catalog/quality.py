"""The data-quality report (docs/sources.md, "The report"): per source and provider the
courses loaded, rejected with reasons, hidden as stale or past, duplicates, the
recommended fields missing, and a score, for the coordinator to send to providers.

Read from the current catalog and the sources' state file; as text, JSON or an HTML page
(every value escaped: feed text is hostile).
"""
from __future__ import annotations

import html
import json
import sqlite3
from pathlib import Path

from kiosk import paths
from kiosk.catalog import db as catalog_mod
from kiosk.catalog import sources as sources_mod
from kiosk.catalog import store
from kiosk.catalog.merge import OUTCOMES
from kiosk.text.printable import one_line

RECOMMENDED = {                  # field -> SQL that is 1 when a course lacks it
    "price": "c.cost_eur is null",
    "place": "c.street is null and c.location_name is null",
    "times": "c.times = '[]'",
    "start dates": "c.start_dates = '[]'",
    "outcome": "c.outcome is null",
    "contact": "c.url is null and p.website is null and p.phone is null",
}
SHOWN_REASONS = 20               # rejected or hidden courses listed per source in text and HTML


def build(cfg, cache_dir: Path | None = None) -> dict:
    """The report as plain data (also what --json prints)."""
    cache = paths.cache_dir(cache_dir)
    current = cache / catalog_mod.CURRENT
    meta = store.read_meta(current)
    several = meta.get("source") == "[[catalog.sources]]" or not meta
    states = sources_mod.read_states(cache) if several else {}
    missing = _missing(current) if meta else {}
    lines = list(states.values()) or ([_single(meta, store.read_state(cache))] if meta else [])
    report = [_source(line, missing) for line in lines]
    return {"catalog": str(current), "refreshed_at": meta.get("refreshed_at"),
            "sources": report, "score": _mean([s["score"] for s in report if s["loaded"]])}


def _single(meta: dict, state: dict) -> dict:
    """The one source of a catalog loaded from one feed, in the state file's shape."""
    rejected = json.loads(meta.get("rejected_list") or "[]")
    return {"name": meta.get("source") or "catalog.source", "kind": "feed",
            "ok": state.get("last_ok", True), "message": state.get("last_message") or "",
            "rejected": rejected, "notes": [], "merge": None}


def _missing(current: Path) -> dict:
    """{(source, provider): {"courses": n, field: n missing}} from the catalog."""
    sums = ", ".join(f"sum({expr})" for expr in RECOMMENDED.values())
    conn = sqlite3.connect(f"file:{current}?mode=ro", uri=True)
    try:
        several = conn.execute("select 1 from sqlite_master where name = 'course_sources'") \
            .fetchone()
        by = "s.source" if several else "''"
        join = "join course_sources s on s.id = c.id" if several else ""
        rows = conn.execute(f"select {by}, c.provider, p.name, count(*), {sums} from courses c "
                            f"left join providers p on p.id = c.provider {join} "
                            f"group by {by}, c.provider").fetchall()
    finally:
        conn.close()
    return {(source, provider): {"name": name, "courses": n,
                                 **dict(zip(RECOMMENDED, counts))}
            for source, provider, name, n, *counts in rows}


def _source(line: dict, missing: dict) -> dict:
    name = line.get("name", "")
    merged = line.get("merge")
    key = name if merged is not None else ""
    providers = {}
    for (source, pid), found in missing.items():
        if source == key:
            providers[pid] = {"id": pid, "name": found["name"], **dict.fromkeys(OUTCOMES, 0),
                              "loaded": found["courses"],
                              "missing": {f: found[f] for f in RECOMMENDED}}
    for pid, counts in ((merged or {}).get("providers") or {}).items():
        row = providers.setdefault(pid, {"id": pid, "name": None, "missing": {}})
        row.update({k: v for k, v in counts.items() if k != "loaded"},
                   loaded=row.get("loaded", 0))
    for row in providers.values():
        row["score"] = _score(row)
    rejected = line.get("rejected") or []
    loaded = sum(p["loaded"] for p in providers.values())
    checked = loaded + len(rejected)
    return {"name": name, "kind": line.get("kind", "feed"), "ok": bool(line.get("ok")),
            "message": line.get("message", ""), "http_status": line.get("http_status"),
            "last_ok_at": line.get("last_ok_at"), "loaded": loaded,
            "rejected": rejected, "notes": line.get("notes") or [],
            "hidden": (merged or {}).get("hidden") or [], "site": line.get("site"),
            "providers": sorted(providers.values(), key=lambda p: p["id"]),
            "score": round(_mean([p["score"] for p in providers.values() if p["loaded"]])
                           * (loaded / checked if checked else 1))}


def _score(row: dict) -> int:
    """100 when every course loaded, is current and has every recommended field."""
    loaded = row.get("loaded", 0)
    shown_share = loaded / max(1, loaded + row.get("stale", 0) + row.get("past", 0))
    missing = sum(row.get("missing", {}).values())
    complete = 1 - missing / (len(RECOMMENDED) * loaded) if loaded else 0
    return round(100 * complete * shown_share)


def _mean(values: list) -> int:
    return round(sum(values) / len(values)) if values else 0


# ---------------------------------------------------------------- as text and HTML

def _provider_line(p: dict) -> str:
    missing = ", ".join(f"{field} {n}" for field, n in p["missing"].items() if n) or "none"
    who = f"{one_line(p['id'], 80)} ({one_line(p['name'] or '-', 80)})"
    return (f"    {who}: {p['loaded']} loaded, {p['stale']} stale, "
            f"{p['past']} past, {p['duplicate']} duplicate, {p['id_taken']} id taken; "
            f"missing: {missing}; score {p['score']}")


def _counts(table: dict) -> str:
    return ", ".join(f"{one_line(str(k), 60)} {n}" for k, n in table.items()) or "none"


def _site_lines(site: dict | None) -> list[str]:
    """A website's pages: found, fetched, unchanged, failed (why), courses per page and
    the defaults used."""
    if not site:
        return []
    lines = [f"  pages: {site.get('pages_found', 0)} found, {site.get('fetched', 0)} fetched, "
             f"{site.get('unchanged', 0)} unchanged, {len(site.get('failed', []))} failed, "
             f"{site.get('without_courses', 0)} without courses; "
             f"skipped: {_counts(site.get('skipped') or {})}; "
             f"defaults used: {_counts(site.get('defaults_used') or {})}"]
    lines += [f"  failed page {one_line(url, 200)}: {one_line(why)}"
              for url, why in (site.get("failed") or [])[:SHOWN_REASONS]]
    per_page = list((site.get("courses_per_page") or {}).items())
    lines += [f"  page {one_line(url, 200)}: {n} course{'s' if n != 1 else ''}"
              for url, n in per_page[:SHOWN_REASONS]]
    if len(per_page) > SHOWN_REASONS:
        lines.append(f"  ... and {len(per_page) - SHOWN_REASONS} more pages with courses "
                     "(--json or --html lists them all)")
    return lines


def _site_html(site: dict | None) -> list[str]:
    if not site:
        return []
    e = html.escape
    parts = [f"<p>Pages: {site.get('pages_found', 0)} found, {site.get('fetched', 0)} fetched, "
             f"{site.get('unchanged', 0)} unchanged, {len(site.get('failed', []))} failed, "
             f"{site.get('without_courses', 0)} without courses. Skipped: "
             f"{e(_counts(site.get('skipped') or {}))}. Defaults used: "
             f"{e(_counts(site.get('defaults_used') or {}))}.</p>",
             "<table><tr><th>page</th><th>courses or why it failed</th></tr>"]
    parts += [f"<tr><td>{e(url)}</td><td>FAILED: {e(str(why))}</td></tr>"
              for url, why in site.get("failed") or []]
    parts += [f"<tr><td>{e(url)}</td><td>{int(n)}</td></tr>"
              for url, n in (site.get("courses_per_page") or {}).items()]
    return parts + ["</table>"]


def text(report: dict) -> str:
    """The report for a terminal: every text from outside is one escaped line."""
    if not report["sources"]:
        return "No catalog is loaded yet. Run: kiosk catalog refresh"
    lines = [f"Data quality of the catalog (refreshed {report['refreshed_at'] or '-'}); "
             f"score {report['score']} of 100"]
    for s in report["sources"]:
        lines.append(f"\nSource {one_line(s['name'], 100)} ({s['kind']}): "
                     f"{'ok' if s['ok'] else 'FAILED'}, "
                     f"{s['loaded']} loaded, {len(s['rejected'])} rejected; score {s['score']}")
        if s["message"]:
            lines.append(f"  {one_line(s['message'], 500)}")
        lines += _site_lines(s.get("site"))
        lines += [_provider_line(p) for p in s["providers"]]
        for label, items in (("rejected", s["rejected"]), ("hidden", s["hidden"])):
            lines += [f"  {label} {one_line(cid, 80)}: {one_line(why)}"
                      for cid, why in items[:SHOWN_REASONS]]
        lines += [f"  note: {one_line(note)}" for note in s["notes"][:SHOWN_REASONS]]
    return "\n".join(lines)


def as_html(report: dict) -> str:
    """A page for the coordinator; every value from a feed is escaped."""
    e = html.escape
    parts = ["<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
             "<title>Catalog data quality</title></head><body>",
             f"<h1>Catalog data quality: score {report['score']} of 100</h1>"]
    for s in report["sources"]:
        parts.append(f"<h2>{e(s['name'])} ({e(s['kind'])}): {'ok' if s['ok'] else 'FAILED'}, "
                     f"score {s['score']}</h2><p>{e(s['message'])}</p>")
        parts += _site_html(s.get("site"))
        parts.append("<table><tr><th>provider</th><th>loaded</th><th>stale</th><th>past</th>"
                     "<th>duplicate</th><th>missing fields</th><th>score</th></tr>")
        for p in s["providers"]:
            missing = ", ".join(f"{f}: {n}" for f, n in p["missing"].items() if n) or "none"
            parts.append(f"<tr><td>{e(p['id'])}</td><td>{p['loaded']}</td><td>{p['stale']}</td>"
                         f"<td>{p['past']}</td><td>{p['duplicate']}</td><td>{e(missing)}</td>"
                         f"<td>{p['score']}</td></tr>")
        parts.append("</table><ul>")
        for label, items in (("rejected", s["rejected"]), ("hidden", s["hidden"])):
            parts += [f"<li>{label} {e(str(cid))}: {e(str(why))}</li>"
                      for cid, why in items[:SHOWN_REASONS]]
        parts += [f"<li>note: {e(str(n))}</li>" for n in s["notes"][:SHOWN_REASONS]]
        parts.append("</ul>")
    parts.append("</body></html>")
    return "\n".join(parts)


def summary(report: dict) -> tuple[int, int, int]:
    """(sources, failed sources, score) for the staff screen."""
    failed = sum(1 for s in report["sources"] if not s["ok"])
    return len(report["sources"]), failed, report["score"]
