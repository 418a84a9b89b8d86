"""Catalog refresh: fetch a feed (docs/feed.md), check it, build a new catalog file
beside the current one and swap it in whole.

What visitors see is never damaged: the new file is built under a temporary name and
put in place with os.replace, so at every moment `catalog.sqlite` is either the old or
the new catalog, also when the refresh is killed. Readers that already opened the old
file keep reading it; the next visit opens the new one. The previous catalog is kept as
`catalog.previous.sqlite` for rollback. A lock file keeps two refreshes apart.

The feed is read as a stream (ijson) and written in batches, so memory does not grow
with the size of the feed. A first, usually short pass reads the header and providers
(it stops where the course list starts when they come first); a second pass reads the
courses.

Data flows one way through the modules of this package:

    fetch.py   the feed file: a local path, or an HTTP download (retries, 304, size limit)
    read.py    that file as a stream: header and providers, then the courses
    check.py   the rules: the header, one provider, one course, the share of rejects
    build.py   the new catalog file, from the checked rows
    limits.py  the limits a feed is read within (depth, counts, text lengths)
    child.py   refresh_in_child(): a refresh in a child process with a memory cap
    store.py   the cache folder: lock, swap in, rollback, state file, leftovers
    status.py  what is loaded, how old it is, when the daily refresh is due
    pipeline.py  refresh() and ensure_catalog(), which run the steps in that order
    report.py  Report, FeedRefused and Rejected, shared by all of them

With several sources ([[catalog.sources]], docs/sources.md) the refresh runs gather.py:
each source is fetched and checked into a kept file of its own (sources.py), a few at a
time, and the kept files are merged into the new catalog file (merge.py), which is swapped
in as above. sample.py moves the bundled sample's dates to the day it is loaded.

The names below load their module when first used, so a caller that only asks for the
status (the kiosk's figures, every few minutes) does not load the download and build code.
"""
import importlib

_HOME = {
    "build": ("BATCH", "build_catalog"),
    "check": ("FORMAT", "MAX_REJECTED_SHARE", "VERSION", "check_course", "check_header",
              "check_provider", "refused_share_message", "too_many_rejected"),
    "child": ("refresh_in_child",),
    "limits": ("LIMITS", "Limits", "limits_of"),
    "pipeline": ("ensure_catalog", "refresh"),
    "report": ("KEPT", "FeedRefused", "Progress", "Rejected", "Report"),
    "status": ("due_for_refresh", "last_attempt", "status"),
    "store": ("LOCK_FILE", "STATE_FILE", "TMP_PREFIX", "rollback", "status_counts"),
}
_MODULE_OF = {name: module for module, names in _HOME.items() for name in names}
__all__ = sorted(_MODULE_OF)


def __getattr__(name: str):
    if name in _MODULE_OF:
        value = getattr(importlib.import_module(f".{_MODULE_OF[name]}", __name__), name)
    else:                                    # a module of this package, e.g. feed.fetch
        try:
            value = importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":          # a module it needs is missing
                raise
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value
    return value
