"""Untrusted text reaches the terminal escaped and cut (issue: hostile input): a feed's
ids, titles, provider names and publisher cannot clear the screen, change colours, turn
the reading direction or print a line of their own."""
import json
import unicodedata

import pytest
from conftest import write_site

from kiosk import paths
from kiosk.cli import main as cli
from kiosk.text import printable

CLEAR = "\x1b[2J\x1b[H"
FAKE_LINE = "\nLoaded 999 courses from 99 providers.\n"
EVIL_ID = f"bad-{CLEAR}\r{FAKE_LINE}"
EVIL_TITLE = f"Lassen{CLEAR}\u202eTITEL\x9b31m\u200b\x07 " + "lang " * 54   # under the
# feed's title limit (catalog.max_title_chars, 300), longer than a printed line
EVIL_NAME = "CVO\x1b]0;pwned\x07 \u2066Gent\u2069\x7f"
TODAY = "2026-09-01"


def raw_controls(text: str) -> list[str]:
    """Characters a terminal would act on or hide: controls (but newline) and format
    characters (bidi, zero-width)."""
    return [c for c in text if c != "\n" and unicodedata.category(c) in ("Cc", "Cf")]


@pytest.fixture
def site(tmp_path, monkeypatch):
    feed = json.loads(paths.SAMPLE_CATALOG.read_text(encoding="utf-8"))
    feed["publisher"] = f"Leerwinkel{CLEAR}{FAKE_LINE}\u202e"
    first = feed["courses"][0]
    first["title"] = {"nl": EVIL_TITLE}
    next(p for p in feed["providers"] if p["id"] == first["provider"])["name"] = EVIL_NAME
    feed["courses"][1]["id"] = EVIL_ID                         # loaded with this id
    feed["courses"][2]["id"] = EVIL_ID + "-rejected"
    feed["courses"][2]["goals"] = []                           # rejected: its id is reported
    source = tmp_path / "feed.json"
    source.write_text(json.dumps(feed), encoding="utf-8")
    return {"conf": write_site(tmp_path, monkeypatch), "tmp": tmp_path, "source": source, "first": first}


def kiosk(site, capsys, *args):
    code = cli.main(["--config", str(site["conf"]), *args])
    out, err = capsys.readouterr()
    return code, out, err


def refreshed(site, capsys):
    code, out, err = kiosk(site, capsys, "catalog", "refresh", "--source", str(site["source"]))
    assert code == 0, err
    return out + err


def test_refresh_report_shows_ids_escaped_and_no_fake_line(site, capsys):
    shown = refreshed(site, capsys)
    assert raw_controls(shown) == []
    assert "\\x1b[2J" in shown and "\\r" in shown and "\\n" in shown
    lines = shown.splitlines()
    assert not any(line.startswith("Loaded 999") for line in lines), shown
    assert any(line.startswith("  - bad-\\x1b[2J") for line in lines), shown


def test_catalog_status_escapes_the_publisher_in_text_and_json(site, capsys):
    refreshed(site, capsys)
    code, out, _ = kiosk(site, capsys, "catalog", "status")
    assert code == 0 and raw_controls(out) == []
    assert "Publisher:     Leerwinkel\\x1b[2J" in out
    assert not any(line.startswith("Loaded 999") for line in out.splitlines())
    code, out, _ = kiosk(site, capsys, "catalog", "status", "--json")
    assert code == 0 and raw_controls(out) == []
    assert json.loads(out)["publisher"] == f"Leerwinkel{CLEAR}{FAKE_LINE}\u202e"


def test_match_shows_titles_and_provider_names_escaped_and_cut(site, capsys):
    refreshed(site, capsys)
    answers = site["tmp"] / "answers.json"
    answers.write_text(json.dumps({"goal": site["first"]["goals"][0]}), encoding="utf-8")
    code, out, err = kiosk(site, capsys, "match", "--answers", str(answers), "--today", TODAY)
    assert code == 0, err
    assert raw_controls(out) == []
    line = next(line for line in out.splitlines() if "Lassen" in line)
    assert "Lassen\\x1b[2J\\x1b[H\\u202eTITEL\\x9b31m\\u200b\\x07" in line
    assert "…" in line and len(line) < 250               # a 300-character title is cut
    assert "CVO\\x1b]0;pwned\\x07 \\u2066Gent\\u2069\\x7f" in out
    code, out, _ = kiosk(site, capsys, "match", "--answers", str(answers), "--today", TODAY,
                         "--json")
    assert code == 0 and raw_controls(out) == []
    titles = [r["title"] for r in json.loads(out)["results"]]
    assert EVIL_TITLE in titles                           # JSON keeps the text exact


def test_handoff_show_escapes_catalog_titles(site, capsys):
    refreshed(site, capsys)
    answers = site["tmp"] / "answers.json"
    answers.write_text('{"goal": "beroep"}', encoding="utf-8")
    code, url, err = kiosk(site, capsys, "booking-url", "--answers", str(answers),
                           "--course", site["first"]["id"])
    assert code == 0, err
    code, out, err = kiosk(site, capsys, "handoff", "show", url.strip())
    assert code == 0, err
    assert raw_controls(out) == []
    assert f"  - {site['first']['id']}: Lassen\\x1b[2J" in out


def test_error_messages_escape_what_they_quote(site, capsys):
    code, out, err = kiosk(site, capsys, "handoff", "show", f"{CLEAR}{FAKE_LINE}")
    assert code == 1 and raw_controls(err) == [] and err.count("\n") == 1


@pytest.mark.parametrize("text, shown", [
    ("a\x1bb", "a\\x1bb"), ("a\nb\tc", "a\\nb\\tc"), ("\x9b\x7f", "\\x9b\\x7f"),
    ("\u202eabc\u2066", "\\u202eabc\\u2066"), ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
    ("Café العربية Українська", "Café العربية Українська"),
])
def test_one_line_escapes_only_what_a_terminal_acts_on(text, shown):
    assert printable.one_line(text) == shown


def test_one_line_cuts_with_an_ellipsis_and_costs_little_for_huge_text():
    cut = printable.one_line("\x1b" * 5_000_000, 40)
    assert len(cut) == 40 and cut.endswith("…")
    assert printable.json_text({"t": "\x9b\u202e"}) == '{"t": "\\u009b\\u202e"}'
