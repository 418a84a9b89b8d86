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
"""
from .build import BATCH, build_catalog
from .check import (FORMAT, MAX_REJECTED_SHARE, VERSION, check_course, check_header,
                    check_provider, refused_share_message, too_many_rejected)
from .child import refresh_in_child
from .limits import LIMITS, Limits, limits_of
from .pipeline import ensure_catalog, refresh
from .report import KEPT, FeedRefused, Progress, Rejected, Report
from .status import due_for_refresh, last_attempt, status
from .store import LOCK_FILE, STATE_FILE, TMP_PREFIX, rollback, status_counts

__all__ = [
    "BATCH", "FORMAT", "KEPT", "LOCK_FILE", "MAX_REJECTED_SHARE", "STATE_FILE", "TMP_PREFIX",
    "VERSION", "FeedRefused", "Progress", "Rejected", "Report", "build_catalog",
    "check_course", "check_header", "check_provider", "due_for_refresh", "ensure_catalog",
    "last_attempt", "refresh", "refresh_in_child", "refused_share_message", "LIMITS",
    "Limits", "limits_of", "rollback", "status",
    "status_counts", "too_many_rejected",
]
