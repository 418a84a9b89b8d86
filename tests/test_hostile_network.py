"""Hostile sources: credentials in an address never leave the site config, only public
addresses are fetched (unless the site allows a private one for a named source, as these
tests do for their server on 127.0.0.1), redirects are checked like the first address,
and a clock running ahead cannot keep a catalog fresh."""
import datetime as dt
import json
import logging
import os
import ssl
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pytest_httpserver import HTTPServer

from kiosk import paths
from kiosk.catalog import addresses, pipeline, status
from kiosk.catalog import db as catalog_mod
from kiosk.site import config, doctor, metrics

FEED = paths.SAMPLE_CATALOG.read_bytes()
SECRETS = ("pa55word", "T0KEN-123")


def secret_url(httpserver, path="/feed.json") -> str:
    return (f"http://reader:{SECRETS[0]}@127.0.0.1:{httpserver.port}{path}"
            f"?api_key={SECRETS[1]}&format=json")


def everything_written(cache: Path, capture: str) -> str:
    """Every text file the kiosk wrote in its cache folder, and what it printed or logged."""
    texts = [p.read_text(errors="replace") for p in cache.rglob("*")
             if p.is_file() and p.suffix in (".json", ".prom", "")]
    return "\n".join([*texts, capture])


def test_credentials_in_a_source_address_are_redacted_everywhere(
        httpserver, cache, run_cli, tmp_path, caplog):
    httpserver.expect_request("/feed.json").respond_with_data(FEED, content_type="application/json")
    httpserver.expect_request("/gone.json").respond_with_data("", status=404)
    site = tmp_path / "site.toml"
    site.write_text(f'[catalog]\nallow_private = true\nretries = 0\nsource = "{secret_url(httpserver)}"\n'
                    f'[[catalog.sources]]\nname = "Gone"\nurl = "{secret_url(httpserver, "/gone.json")}"\n'
                    'providers = ["*"]\nallow_private = true\n')
    caplog.set_level(logging.DEBUG)
    outputs = [run_cli("--config", site, "catalog", "refresh"),
               run_cli("--config", site, "catalog", "status"),
               run_cli("--config", site, "catalog", "status", "--json"),
               run_cli("--config", site, "catalog", "report", "--json")]
    assert outputs[0].returncode == 0, outputs[0].stderr
    cfg = config.load(site)
    metrics.write(cfg, cache)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "werkzeug")
    seen = everything_written(cache, "".join(o.stdout + o.stderr for o in outputs) + logged)
    for secret in ("reader:", *SECRETS):
        where = seen.find(secret)
        assert where < 0, seen[max(0, where - 300):where + 100]
    assert "api_key=***" in seen                 # still recognisable for staff
    lines = status.status(cfg, cache)["sources"]
    assert any(line["name"] == "Gone" and "404" in line["message"] for line in lines)


def test_a_single_source_with_credentials_is_redacted_in_kiosk_prom(httpserver, cache, cfg):
    httpserver.expect_request("/feed.json").respond_with_data(FEED, content_type="application/json")
    report = pipeline.refresh(cfg, source=secret_url(httpserver), cache_dir=cache)
    assert report.ok and SECRETS[1] not in report.text()
    prom = metrics.write(cfg, cache).read_text()
    assert not any(secret in prom for secret in SECRETS)
    assert 'kiosk_source_http_status{source="http://127.0.0.1:' in prom
    line = status.status(cfg, cache)["sources"][0]
    assert line["http_status"] == 200                   # a 200 OK source says 200, not 0


@pytest.mark.parametrize("url, shown", [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    ("http://10.20.30.40/feed.json", "10.20.30.40"),
    ("http://[::1]:9/feed.json", "::1"),
    ("http://[::ffff:127.0.0.1]:9/feed.json", "::ffff:127.0.0.1"),
    ("http://localhost:9/feed.json", "127.0.0.1"),
])
def test_private_addresses_are_refused_before_any_connection(cache, cfg, url, shown):
    cfg.catalog.allow_private = False
    report = pipeline.refresh(cfg, source=url, cache_dir=cache)
    assert not report.ok and "only public addresses" in report.message
    assert shown in report.message or "::1" in report.message


def test_the_test_server_itself_is_refused_without_the_allowance(httpserver, cache, cfg):
    httpserver.expect_request("/feed.json").respond_with_data(FEED)
    cfg.catalog.allow_private = False
    report = pipeline.refresh(cfg, source=httpserver.url_for("/feed.json"), cache_dir=cache)
    assert not report.ok and "private network" in report.message
    assert httpserver.log == []                          # never connected


def test_is_public_knows_the_special_ranges():
    for private in ("127.0.0.1", "10.0.0.1", "172.16.0.1", "192.168.1.1", "169.254.169.254",
                    "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fc00::1", "224.0.0.1",
                    "::ffff:10.0.0.1"):
        assert not addresses.is_public(private), private
    assert addresses.is_public("193.190.0.1") and addresses.is_public("2a02:2c40::1")


def redirect(httpserver, path: str, target: str) -> None:
    httpserver.expect_request(path).respond_with_data("", status=302, headers={"Location": target})


@pytest.mark.parametrize("target, words", [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    ("http://127.0.0.2:9/admin", "127.0.0.2"),
    ("file:///etc/passwd", "not a web address"),
])
def test_redirects_are_checked_like_the_first_address(httpserver, cache, cfg, target, words):
    redirect(httpserver, "/feed.json", target)
    report = pipeline.refresh(cfg, source=httpserver.url_for("/feed.json"), cache_dir=cache)
    assert not report.ok and words in report.message, report.message


def test_a_redirect_loop_is_named_as_one(httpserver, cache, cfg):
    redirect(httpserver, "/a", httpserver.url_for("/b"))
    redirect(httpserver, "/b", httpserver.url_for("/a"))
    report = pipeline.refresh(cfg, source=httpserver.url_for("/a"), cache_dir=cache)
    assert not report.ok and "redirects in a loop" in report.message


def test_a_redirect_on_the_same_allowed_host_is_followed(httpserver, cache, cfg):
    redirect(httpserver, "/old.json", "/feed.json")
    httpserver.expect_request("/feed.json").respond_with_data(FEED, content_type="application/json")
    report = pipeline.refresh(cfg, source=httpserver.url_for("/old.json"), cache_dir=cache)
    assert report.ok, report.message


@pytest.fixture
def https_server(tmp_path, monkeypatch):
    """An HTTPS server on 127.0.0.1 with a certificate made here and trusted by requests."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    import ipaddress
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert_file))
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.start()
    yield server
    server.clear()
    server.stop()


def test_an_https_to_http_downgrade_is_refused(https_server, httpserver, cache, cfg):
    httpserver.expect_request("/feed.json").respond_with_data(FEED)
    https_server.expect_request("/feed.json").respond_with_data(FEED)
    assert pipeline.refresh(cfg, source=https_server.url_for("/feed.json"), cache_dir=cache).ok
    redirect(https_server, "/moved.json", httpserver.url_for("/feed.json").replace("localhost", "127.0.0.1"))
    report = pipeline.refresh(cfg, source=https_server.url_for("/moved.json"), cache_dir=cache)
    assert not report.ok and "from https to an address that is not https" in report.message
    assert httpserver.log == []


# ---------------------------------------------------------------- a clock running ahead

def test_a_refresh_under_a_clock_400_days_ahead_does_not_keep_the_catalog_fresh(
        cache, tmp_path):
    env = {**os.environ, "KIOSK_CACHE_DIR": str(cache), "PYTHONPATH": str(paths.ROOT)}
    ran = subprocess.run(["faketime", "-f", "+400d", sys.executable, "-m", "kiosk.cli.main",
                          "catalog", "refresh", "--source", str(paths.SAMPLE_CATALOG)],
                         env=env, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    cfg = config.Config()
    cfg.catalog.refresh_at = "06:00"
    info = status.status(cfg, cache)
    assert info["present"] and info["age_days"] is None and info["stale"] is True
    now = dt.datetime.now(dt.UTC)
    assert status.due_for_refresh(cfg, now, status.last_attempt(cache))
    findings = doctor.check_catalog(cfg, cache, now)
    assert any("age is unknown" in f.message for f in findings)
    text = metrics.write(cfg, cache).read_text()
    assert "kiosk_catalog_stale 1.0" in text and "kiosk_catalog_age_seconds" not in text
    shown = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "catalog", "status"],
                           env=env, capture_output=True, text=True, timeout=60).stdout
    assert "Age:           unknown" in shown and "-4" not in shown.split("Age:")[1][:20]
    again = pipeline.refresh(cfg, source=str(paths.SAMPLE_CATALOG), cache_dir=cache)
    assert again.ok
    assert status.status(cfg, cache)["age_days"] == 0.0        # a real refresh repairs it


def test_json_state_files_hold_no_credentials(httpserver, cache, cfg):
    httpserver.expect_request("/feed.json").respond_with_data("", status=500)
    pipeline.refresh(cfg, source=secret_url(httpserver), cache_dir=cache)
    state = json.loads((cache / "refresh-state.json").read_text()) \
        if (cache / "refresh-state.json").exists() else {}
    text = json.dumps(state) + "".join(p.read_text() for p in cache.glob("*.json"))
    assert not any(secret in text for secret in SECRETS)
    assert (cache / catalog_mod.CURRENT).exists() is False
