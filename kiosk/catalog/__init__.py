"""The catalog: sources fetched, checked and converted, built into one SQLite file and
swapped in whole (docs/feed.md, docs/sources.md).

What visitors see is never damaged: the new file is built under a temporary name and
put in place with os.replace, so at every moment `catalog.sqlite` is either the old or
the new catalog, also when the refresh is killed. The previous catalog is kept as
`catalog.previous.sqlite` for rollback. A lock file keeps two refreshes apart.

Data flows one way through the modules of this package:

    fetch.py     the feed file: a local path, or an HTTP download (retries, 304, size limit)
    read.py      that file as a stream: header and providers, then the courses
    limits.py    the limits a feed is read within (depth, counts, text lengths)
    check.py     the rules: the header, one provider, one course, the share of rejects
    convert_csv.py, convert_schema_org.py
                 a spreadsheet or a web page turned into feed records
    sources.py   one source fetched, converted and checked into a kept file of its own
    gather.py    all sources a few at a time, then merge.py (duplicates, freshness)
    build.py     the new catalog file, from the checked rows; db.py its schema and reading
    store.py     the cache folder: lock, swap in, rollback, state file, leftovers
    status.py    what is loaded, how old it is, when the daily refresh is due
    pipeline.py  refresh() and ensure_catalog(), which run the steps in that order
    child.py     refresh_in_child(): a refresh in a child process with a memory cap
    report.py    Report, FeedRefused and Rejected, shared by all of them
    quality.py, schema.py  the data-quality report; the feed's JSON Schema

Importing this package loads none of them: a caller that only asks for the status (the
kiosk's figures, every few minutes) does not load the download and build code.
"""
