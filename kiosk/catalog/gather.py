"""A refresh of several sources ([[catalog.sources]]): each fetched and checked on its
own, a few at a time (catalog.source_workers), then all kept files merged into one new
catalog file that is swapped in whole, as a refresh of one feed is.

A source that fails keeps its last good courses; the others update. The outcome of each
source is written to `sources/state.json` for `kiosk catalog status` and the report.
"""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from kiosk import clock
from kiosk.catalog import merge, sources, store
from kiosk.catalog.check import FORMAT, VERSION
from kiosk.catalog.report import KEPT, FeedRefused, Progress, Report
from kiosk.text.i18n import N_

SOURCES_LABEL = "[[catalog.sources]]"


def refresh_sources(cfg, cache: Path, progress: Progress | None) -> tuple[Report, Path]:
    """Load every source and merge the kept files into a new catalog file (not yet
    swapped in). Raises FeedRefused when no source has any good courses."""
    configured = sources.configured(cfg)
    before = sources.read_states(cache)
    outcomes = _load_all(configured, cfg, cache, before, progress)
    if progress:
        progress(0.8, N_("Opleidingen lezen"))
    kept = [(s.name, sources.kept_file(cache, s)) for s in configured]
    kept = [(name, path) for name, path in kept if path.exists()]
    if not kept:
        _save_states(cache, outcomes, before, {})
        reasons = "; ".join(f"{o.source.name}: {o.message.replace(sources.SOURCE_KEPT, '')}"
                            for o in outcomes)
        raise FeedRefused(f"No source could be loaded: {reasons[:800].strip()} {KEPT}")
    out = store.temporary(cache, "sqlite")
    now = store.now()
    meta = {"format": FORMAT, "version": str(VERSION), "source": SOURCES_LABEL,
            "publisher": f"{len(configured)} sources", "generated_at": now,
            "refreshed_at": now, "rejected": str(sum(len(o.rejected) for o in outcomes)),
            "rejected_list": json.dumps(_rejected(outcomes)[:1000], ensure_ascii=False)}
    figures = merge.merge(kept, out, clock.today(), cfg.catalog.max_course_age_days, meta)
    _save_states(cache, outcomes, before, figures)
    return _report(outcomes, figures), out


def _load_all(configured: list, cfg, cache: Path, before: dict, progress) -> list:
    """Every source loaded, at most catalog.source_workers at a time, in config order."""
    done = [0]

    def one(source):
        outcome = sources.load(source, cfg, cache, before.get(source.name, {}))
        done[0] += 1
        if progress:
            progress(0.8 * done[0] / len(configured), N_("Feed ophalen"))
        return outcome

    workers = max(1, min(cfg.catalog.source_workers, len(configured)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(one, configured))


def _save_states(cache: Path, outcomes: list, before: dict, figures: dict) -> None:
    now = store.now()
    loaded = merge.loaded_counts(figures)
    states = {}
    for outcome in outcomes:
        name = outcome.source.name
        state = sources.state_of(outcome, before.get(name, {}), loaded.get(name, 0), now)
        state["merge"] = figures.get(name, {"providers": {}, "hidden": []})
        if state["merge"].get("damaged"):
            state.update(ok=False, sha256=None, message=f"{state['message']} Its kept courses "
                         "were damaged; they are left out until it loads again.")
        states[name] = state
    sources.write_states(cache, states)


def _rejected(outcomes: list) -> list:
    return [(f"{o.source.name}: {cid}", reason) for o in outcomes for cid, reason in o.rejected]


def _report(outcomes: list, figures: dict) -> Report:
    loaded = merge.loaded_counts(figures)
    failed = [o for o in outcomes if not o.ok]
    providers = {p for f in figures.values() for p, n in f["providers"].items() if n["loaded"]}
    report = Report(ok=True, loaded=sum(loaded.values()), providers=len(providers),
                    rejected=_rejected(outcomes), source=SOURCES_LABEL)
    report.message = (f"Loaded {report.loaded} courses from {report.providers} providers "
                      f"out of {len(outcomes)} sources"
                      + (f"; {len(failed)} failed and keep their last good courses."
                         if failed else "."))
    for outcome in outcomes:
        state = "ok" if outcome.ok else "FAILED"
        report.notes.append(f"source {outcome.source.name} ({state}, "
                            f"{loaded.get(outcome.source.name, 0)} courses): {outcome.message}")
    return report


def check_file(cfg, path: Path, kind: str, workdir: Path, provider: str | None = None) -> Report:
    """`kiosk catalog check`: one file checked exactly as a source is, in `workdir`
    (a scratch cache folder); the real catalog is not touched. The data-quality report
    of the result is then kiosk.catalog.quality.build(cfg, workdir)."""
    import copy
    import os

    from kiosk.catalog import db as catalog_mod
    cfg = copy.deepcopy(cfg)
    cfg.catalog.source = ""
    cfg.catalog.sources = [{"name": path.name, "kind": kind, "url": str(path.absolute()),
                            "providers": [provider or "*"]}]
    report, out = refresh_sources(cfg, workdir, None)
    os.replace(out, workdir / catalog_mod.CURRENT)
    return report
