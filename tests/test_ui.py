"""The real app in an off-screen window, one scenario a process, driven by touches.

Each scenario runs tests/visit_driver.py (SDL offscreen, Mesa GL) on the visit day and
reads what it recorded; QR codes are decoded from the screenshots.
"""
from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import zxingcpp
from conftest import ROOT, visit_steps, write_config
from PIL import Image

from kiosk.guidance import questionnaire
from kiosk.site import staff

NL_VISIT = {"goal": "nederlands", "dutch_level": "A1", "status": "inburgeraar",
            "times": ["avond"], "formats": [], "postcode": "9000"}
AR_VISIT = {"goal": "digitaal", "dutch_level": None, "status": "werkzoekend",
            "times": None, "formats": None, "postcode": "1080"}
UK_VISIT = {"goal": "beroep", "dutch_level": "B1", "diploma": "buitenlands",
            "status": "werkzoekend", "times": ["dag"], "formats": None, "postcode": None}


def feed_with_title(tmp_path, title: str) -> Path:
    """The sample feed with one always-open language course renamed to `title`."""
    feed = json.loads((ROOT / "assets" / "sample-catalog.json").read_text(encoding="utf-8"))
    course = next(c for c in feed["courses"] if "talen" in c["goals"] and c.get("flexible_start"))
    course["title"] = {"nl": title}
    feed_file = tmp_path / "feed.json"
    feed_file.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
    return feed_file


def load_catalog(run_cli, source):
    code, _out, err = run_cli("catalog", "refresh", "--source", source)
    assert code == 0, err


def decode_qr(png: str) -> str:
    found = zxingcpp.read_barcodes(Image.open(png))
    qr = [b for b in found if b.format == zxingcpp.BarcodeFormat.QRCode]
    assert len(qr) == 1, f"expected one QR code on screen, found {len(found)}"
    return qr[0].text


def cli_booking_url(run_cli, tmp_path, answers, courses, config):
    answers_file = tmp_path / "answers.json"
    answers_file.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    args = ["booking-url", "--config", config, "--answers", answers_file]
    for course in courses:
        args += ["--course", course]
    code, out, err = run_cli(*args)
    assert code == 0, err
    return out.strip()


def expected_parameters(preset, query, answers, marked):
    """What each preset must carry, as query parameters of the decoded link."""
    if preset == "generic":
        assert query["ref"] and query["doel"] == [answers["goal"]] and "Doel: " in query["s"][0]
    elif preset == "calcom":
        assert "Ref: " in query["notes"][0] and query["metadata[kiosk]"] == ["gent-bib-1"]
    else:
        assert query["provider"] == ["3"] and query["service"] == ["7"] and query["ref"]
    text = " ".join(v for values in query.values() for v in values)
    for course in marked:
        assert course in text


@pytest.mark.parametrize("lang, answers, marks, size, preset", [
    ("nl", NL_VISIT, [0], "1080x1920", "generic"),
    ("ar", AR_VISIT, [0], "1920x1080", "calcom"),
    ("uk", UK_VISIT, [], "1080x1920", "easyappointments"),
])
def test_visit_ends_in_a_qr_code_that_equals_the_booking_url(run_visit, run_cli, tmp_path,
                                                             lang, answers, marks, size, preset):
    config = write_config(tmp_path, preset=preset)
    steps = [["lang", lang], ["start"], *visit_steps(answers)]
    steps += [["shot", "results"]] + [["mark", i] for i in marks]
    steps += [["booking"], ["shot", "booking"]]
    record = run_visit(steps, size=size, config=config)

    assert record["screens"][-1] == "booking"
    assert len(record["marked"]) == len(marks)
    decoded = decode_qr(record["shots"]["booking"])
    assert decoded == record["booking_url"]
    expected = cli_booking_url(run_cli, tmp_path, {**answers, "language": lang},
                               record["marked"], config)
    assert decoded == expected
    url = urlparse(decoded)
    assert url.scheme == "https" and url.netloc
    expected_parameters(preset, parse_qs(url.query), answers, record["marked"])
    code, _out, err = run_cli("handoff", "show", "--config", config, decoded)
    assert code == 0, err
    code, out, _err = run_cli("stats", "--json")
    assert code == 0
    figures = json.loads(out)
    # one visit: every count is 1, shown as "<5" so the visit cannot be recognised
    assert figures["visit"] == {"": "<5"} and figures["booking"] == {"": "<5"}
    assert figures["goal"] == {answers["goal"]: "<5"} and figures["language"] == {lang: "<5"}


def test_idle_visitor_is_warned_then_the_visit_is_wiped(run_visit):
    steps = [["start"], ["answer", "goal", "talen"], ["idle", 61], ["shot", "idle"],
             ["idle", 85], ["wait", 0.5]]
    record = run_visit(steps)
    assert "question" in record["screens"]
    assert record["screens"][-1] == "welcome"
    assert record["answers_at_end"] == {}


def test_kiosk_mode_cannot_be_left_by_escape_f1_or_close(run_visit):
    steps = [["start"], ["escape"], ["close"], ["shot", "after"], ["answer", "goal", "digitaal"]]
    record = run_visit(steps, "--kiosk-mode")
    assert record["close_refused"] is True
    assert record["screens"][-1] == "question"
    assert record["window_children"] == 1        # no settings panel or other view on top


def test_feed_text_is_shown_literally_never_as_markup(run_visit, run_cli, tmp_path):
    feed_file = feed_with_title(tmp_path, "[b]Vet[/b] [color=ff0000]Spaans[/color] & co")
    load_catalog(run_cli, feed_file)
    steps = [["start"], *visit_steps({"goal": "talen"}), ["shot", "results"]]
    record = run_visit(steps)
    assert "[b]Vet[/b] [color=ff0000]Spaans[/color] & co" in record["result_titles"]
    assert record["markup_labels"] == []


def test_staff_gesture_and_pin_open_the_staff_screen_which_refreshes(run_visit, run_cli, tmp_path):
    load_catalog(run_cli, ROOT / "assets" / "sample-catalog.json")
    feed_file = feed_with_title(tmp_path, "Portugees voor beginners")
    config = write_config(tmp_path, f'[catalog]\nsource = "{feed_file}"\n'
                                    f'[staff]\npin_hash = "{staff.hash_pin("4321")}"\n')
    steps = [["staff"], ["pin", "1111"], ["pin", "4321"], ["shot", "staff"],
             ["tap", "Catalogus verversen"], ["settle"], ["wait", 0.3]]
    record = run_visit(steps, "--kiosk-mode", config=config)
    # before each step: welcome, then the PIN screen (a wrong PIN keeps it), then staff
    assert record["screens"][:4] == ["welcome", "pin", "pin", "staff"]
    assert record["staff"]["progress"] == 100
    assert "Loaded 91 courses" in record["staff"]["report"]
    assert "27 aanbieders, 91 opleidingen" in record["staff"]["status"]
    assert "tarievenbestand" not in record["staff"]["status"]       # rules cover today


def test_a_running_kiosk_takes_a_new_catalog_between_visits(run_visit, tmp_path):
    feed_file = feed_with_title(tmp_path, "Spaans voor op reis: nieuw aanbod")
    talen = visit_steps({"goal": "talen"})
    steps = [["start"], *talen[:2], ["refresh", str(feed_file)], *talen[2:],
             ["shot", "during"], ["tap", "Opnieuw"], ["tap", "Ja, wis alles"], ["start"], *talen]
    record = run_visit(steps)
    assert record["refresh_reports"] and "Spaans voor op reis: nieuw aanbod" in record["result_titles"]
    during, after = record["titles_seen"][0], record["titles_seen"][-1]
    assert "Spaans voor op reis: nieuw aanbod" not in during     # the visit kept its catalog
    assert "Spaans voor op reis: nieuw aanbod" in after


def test_unknown_postcode_gets_a_friendly_message_and_the_visit_goes_on(run_visit):
    steps = visit_steps({"goal": "digitaal", "postcode": None})
    at = [s[1] for s in steps].index("postcode")
    steps = [["start"], *steps[:at], ["keypad", "2799"], ["tap", "Verder"],
             ["shot", "unknown-postcode"], *steps[at:]]
    record = run_visit(steps)
    assert record["postcode_refused"] == "2799"
    assert record["screens"][-1] == "results" and record["result_titles"]


def test_daily_refresh_waits_until_no_visitor_is_busy(run_visit, run_cli, tmp_path):
    feed_file = feed_with_title(tmp_path, "Italiaans in het weekend: vers uit de feed")
    config = write_config(tmp_path, f'[catalog]\nsource = "{feed_file}"\nrefresh_at = "06:30"\n')
    load_catalog(run_cli, ROOT / "assets" / "sample-catalog.json")   # yesterday's catalog
    tomorrow = (datetime.now() + timedelta(days=1)).replace(hour=7).isoformat()
    talen = visit_steps({"goal": "talen"})
    steps = [["start"], *talen[:2], ["scheduled", tomorrow], *talen[2:], ["tap", "Opnieuw"],
             ["tap", "Ja, wis alles"], ["scheduled", tomorrow], ["settle"], ["start"], *talen]
    record = run_visit(steps, config=config)
    assert record["scheduled_started"] == [False, True]
    assert "Italiaans in het weekend: vers uit de feed" in record["result_titles"]


def test_unsure_visitor_sees_a_page_of_ideas_and_can_ask_for_more(run_visit):
    steps = [["start"], *visit_steps({"goal": "weet-niet"}), ["shot", "ideas"], ["more"]]
    record = run_visit(steps)
    first, after = record["titles_seen"][0], record["titles_seen"][-1]
    assert len(first) == min(20, record["results_total"])
    assert after[:len(first)] == first and len(after) == min(40, record["results_total"]) > 20


def test_read_aloud_reads_the_question_in_the_chosen_language(run_visit):
    from kiosk.text import i18n
    steps = [["lang", "uk"], ["start"], ["tap", "Voorlezen"]]
    record = run_visit(steps)
    goal = questionnaire.load()[0]
    _ = i18n.gettext_for("uk")
    assert _(goal.title) != goal.title and _(goal.title) in record["last_spoken"]
    assert all(_(o.label) in record["last_spoken"] for o in goal.options)


def test_an_unexpected_error_resets_the_visit_instead_of_crashing(run_visit):
    steps = [["start"], ["answer", "goal", "beroep"], ["fault"], ["wait", 0.5], ["start"],
             ["answer", "goal", "talen"]]
    record = run_visit(steps, check_stderr=False)
    assert record["screens"][3] == "welcome" and record["screens"][-1] == "question"
    assert record["answers_at_end"] == {"goal": "talen"}


def test_changing_language_mid_question_translates_the_answers_on_screen(run_visit):
    from kiosk.text import i18n
    steps = [["start"], ["tap", "Taal"], ["lang", "uk"], ["wait", 0.2]]
    record = run_visit(steps)
    _ = i18n.gettext_for("uk")
    expected = {_(o.label) for o in questionnaire.load()[0].options}
    assert set(record["option_texts"]) == expected


def test_changing_language_on_the_results_translates_their_reasons(run_visit):
    from kiosk.text import i18n
    steps = [["start"], *visit_steps({"goal": "digitaal"}), ["tap", "Taal"], ["lang", "uk"],
             ["wait", 0.2]]
    record = run_visit(steps)
    free = i18n.gettext_for("uk")("Gratis")             # a price is a reason, in lower case
    free = free[:1].lower() + free[1:]
    assert free != "gratis" and any(free in reasons for reasons in record["result_reasons"])
    assert not any("gratis" in reasons for reasons in record["result_reasons"])


def staff_config(tmp_path, text=""):
    return write_config(tmp_path, f'[staff]\npin_hash = "{staff.hash_pin("4321")}"\n{text}')


def test_staff_screen_left_alone_locks_and_needs_the_pin_again(run_visit, tmp_path):
    config = staff_config(tmp_path, "lock_after_s = 20\n")
    steps = [["staff"], ["pin", "4321"], ["idle", 15], ["idle", 21], ["wait", 0.2], ["staff"]]
    record = run_visit(steps, "--kiosk-mode", config=config)
    # seen before each step: still open after 15 s alone, back to welcome after 21 s,
    # and the gesture then asks for the PIN again
    assert record["screens"] == ["welcome", "pin", "staff", "staff", "welcome", "welcome",
                                 "pin"]


def test_a_visitor_cannot_reach_leave_kiosk_mode_without_the_pin(run_visit, tmp_path):
    steps = [["start"], ["answer", "goal", "talen"], ["tap", "Opnieuw"],    # a visitor
             ["tap", "Ja, wis alles"],
             ["staff"], ["pin", "4321"], ["idle", 61],       # staff walk away, screen open
             ["staff"], ["pin", "1234"], ["tap", "Kiosk afsluiten"]]   # the next visitor
    record = run_visit(steps, "--kiosk-mode", config=staff_config(tmp_path),
                       check_errors=False)
    assert record["screens"][4:] == ["welcome", "pin", "staff", "welcome", "pin", "pin"]
    assert "Laatste 7 dagen: <5 bezoeken" in record["staff"]["status"]     # one visit: "<5"
    assert len(record["errors"]) == 1
    assert "Kiosk afsluiten" in record["errors"][0] and "no such widget" in record["errors"][0]


def locked_message(lang: str, seconds: int) -> str:
    from kiosk.text import i18n
    _ = i18n.gettext_for(lang)
    wait = _("{seconds} s").format(seconds=seconds)
    return (_("Te veel verkeerde PINs. Probeer het opnieuw over {wait}.").format(wait=wait))


def test_wrong_pins_lock_the_pin_entry_also_after_a_restart(run_visit, cache, tmp_path):
    config = staff_config(tmp_path)
    wrong = [["staff"], ["pin", "1111"], ["pin", "2222"], ["pin", "3333"]]
    first = run_visit(wrong, "--kiosk-mode", config=config, out="first")
    shown = int(re.search(r"\d+", first["pin"]["message"]).group())    # counting down
    assert first["pin"] == {"locked": True, "message": locked_message("nl", shown)}
    assert 20 < shown <= 30
    lockout = json.loads((cache / staff.LOCKOUT_FILE).read_text())
    assert lockout["failures"] == 3
    # a new process: the right PIN cannot even be typed while the 30 s last
    steps = [["staff"], ["pin", "4321"], ["shot", "pin-locked-nl"],
             ["tap", "Terug naar de kiosk"], ["lang", "ar"], ["staff"], ["shot", "pin-locked-ar"]]
    second = run_visit(steps, "--kiosk-mode", config=config, out="second")
    assert "staff" not in second["screens"] and second["pin"]["locked"]
    left = int(re.search(r"\d+", second["pin"]["message"]).group())
    assert 0 < left < shown and second["pin"]["message"] == locked_message("ar", left)


def test_a_maximal_feed_text_with_markup_builds_results_and_detail_literally(run_visit, run_cli,
                                                                            tmp_path):
    from kiosk.catalog.limits import LIMITS
    head = "[b]Vet[/b] [size=999]Groot[/size] \u202eomgekeerd\u202c e\u0301\u0301\u0301 "
    title = (head + "Spaans " * 60)[:LIMITS.max_title_chars]
    summary = (head + "[color=ff0000]rood[/color] " * 200)[:LIMITS.max_summary_chars]
    feed = json.loads((ROOT / "assets" / "sample-catalog.json").read_text(encoding="utf-8"))
    course = next(c for c in feed["courses"] if "talen" in c["goals"] and c.get("flexible_start"))
    course["title"], course["summary"] = {"nl": title}, {"nl": summary}
    feed_file = tmp_path / "feed.json"
    feed_file.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
    load_catalog(run_cli, feed_file)
    steps = [["start"], *visit_steps({"goal": "talen"}), ["shot", "results"]]
    record = run_visit(steps)
    at = record["result_titles"].index(title)              # shown literally, whole
    assert record["markup_labels"] == []
    record = run_visit([*steps, ["open", at], ["shot", "detail"]], out="detail")
    assert any(title in text for text in record["detail_texts"])
    assert any("[color=ff0000]rood[/color]" in text for text in record["detail_texts"])
    assert record["detail_markup_labels"] == []      # drawn: a hang fails the step's settle


def test_staff_confirm_a_shrinking_catalog_and_see_a_failed_refresh(run_visit, run_cli, tmp_path):
    load_catalog(run_cli, ROOT / "assets" / "sample-catalog.json")      # 91 courses
    feed = json.loads((ROOT / "assets" / "sample-catalog.json").read_text(encoding="utf-8"))
    feed["courses"] = feed["courses"][:5]
    small = tmp_path / "small.json"
    small.write_text(json.dumps(feed, ensure_ascii=False), encoding="utf-8")
    config = write_config(tmp_path, f'[catalog]\nsource = "{small}"\n'
                                    f'[staff]\npin_hash = "{staff.hash_pin("4321")}"\n')
    steps = [["staff"], ["pin", "4321"], ["tap", "Catalogus verversen"], ["settle"],
             ["wait", 0.3], ["tap", "Toch laden: de catalogus wordt kleiner"], ["settle"],
             ["wait", 0.3]]
    record = run_visit(steps, "--kiosk-mode", config=config)
    shrink = next(r for r in record["staff_reports"] if "catalog.max_shrink" in r)
    assert "The new feed has 5 courses where the catalog has 91" in shrink
    assert "Loaded 5 courses" in record["staff"]["report"]
    assert not record["staff"]["confirm_shrink"]
    assert "5 opleidingen" in record["staff"]["status"]
    small.write_text('{"format": "leerwinkel-catalog", "version": 1, "providers": [], '
                     '"courses": [' + "[" * 5000)
    record = run_visit(steps[:5], "--kiosk-mode", config=config, out="failed")
    assert "Laatste verversing mislukt" in record["staff"]["status"]
    assert "catalog.max_depth" in record["staff"]["status"]
