"""First start: the configured feed when it loads, else the bundled sample."""
import json
import socket
from pathlib import Path

from kiosk import paths
from kiosk.catalog import db as catalog
from kiosk.catalog import pipeline


def small_feed(tmp_path) -> Path:
    doc = json.loads(paths.SAMPLE_CATALOG.read_text(encoding="utf-8"))
    doc["publisher"] = "Leerwinkel Test"
    doc["courses"] = doc["courses"][:10]
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_first_start_loads_the_configured_source(cfg, cache, tmp_path):
    cfg.catalog.source = str(small_feed(tmp_path))
    path = pipeline.ensure_catalog(cfg, cache)
    opened = catalog.open_catalog(path)
    assert opened.counts()["courses"] == 10 and opened.meta()["publisher"] == "Leerwinkel Test"


def test_first_start_without_network_falls_back_to_the_sample(cfg, cache):
    with socket.socket() as s:              # a port on this machine that nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg.catalog.source = f"http://127.0.0.1:{port}/feed.json"
    cfg.catalog.retries = 0
    cfg.catalog.connect_timeout_s = 1
    path = pipeline.ensure_catalog(cfg, cache)
    sample = json.loads(paths.SAMPLE_CATALOG.read_text(encoding="utf-8"))
    assert catalog.open_catalog(path).counts()["courses"] == len(sample["courses"])


def test_a_catalog_built_by_an_older_kiosk_is_built_again_not_read_as_damaged(tmp_path):
    """After an update whose catalog has new columns, the cached file is rebuilt from its
    source (here the sample) instead of being refused as damaged."""
    import sqlite3

    from kiosk.catalog import db, pipeline
    from kiosk.site import config
    cache = tmp_path / "cache"
    cfg = config.Config()
    path = pipeline.ensure_catalog(cfg, cache)
    conn = sqlite3.connect(path)
    conn.execute("alter table courses drop column max_age")
    conn.commit()
    conn.close()
    assert db.outdated(path)
    assert not db.outdated(pipeline.ensure_catalog(cfg, cache))
    assert db.open_catalog(db.current_path(cache)).counts()["courses"] > 0
