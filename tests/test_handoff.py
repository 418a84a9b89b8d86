import io
import json
import subprocess
import sys
from datetime import date, timedelta
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import zxingcpp
from conftest import ANSWERS, COURSES, NOW, SECRET, make_cfg, make_course, provider, write_catalog
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from kiosk import vocab
from kiosk.booking import handoff, reference
from kiosk.booking.handoff import (
    HandoffError,
    booking_url,
    describe,
    make_reference,
    qr_png,
)
from kiosk.booking.reference import read_handoff
from kiosk.guidance.answers import (
    ALL_DIPLOMAS,
    ALL_GOALS,
    MULTI,
    SINGLE,
    answers_for_link,
    known_languages,
)
from kiosk.site import config
from kiosk.site import config as config_mod


def token_of(url):
    return parse_qs(urlsplit(url).query)["ref"][0]


def replace_token(url, new):
    return url.replace(token_of(url), new)


# ---------------------------------------------------------------- reference round trip

def test_link_round_trips_to_the_same_answers_courses_kiosk_and_date():
    cfg = make_cfg()
    found = read_handoff(cfg, booking_url(cfg, ANSWERS, COURSES, NOW), today=NOW.date())
    assert found.answers == ANSWERS
    assert found.course_ids == COURSES
    assert found.kiosk_id == "gent-bib-1"
    assert found.made_on == date(2027, 3, 12)
    assert found.signed and found.key == "current"


def test_same_inputs_give_the_same_link_seconds_apart_but_the_date_counts():
    cfg = make_cfg()
    first = booking_url(cfg, ANSWERS, COURSES, NOW)
    assert booking_url(cfg, dict(ANSWERS), list(COURSES), NOW + timedelta(seconds=7)) == first
    assert booking_url(cfg, ANSWERS, COURSES) == booking_url(cfg, ANSWERS, COURSES)
    assert booking_url(cfg, ANSWERS, COURSES, NOW + timedelta(days=1)) != first


def test_no_courses_means_talk_about_my_options():
    cfg = make_cfg()
    url = booking_url(cfg, {"goal": "weet-niet"}, [], NOW)
    assert "Praten over mijn mogelijkheden" in parse_qs(urlsplit(url).query)["summary"][0]
    text = describe(read_handoff(cfg, url, today=NOW.date()))
    assert "Geen opleiding gekozen" in text
    assert "weet het nog niet" in text


def test_more_than_three_courses_is_refused():
    with pytest.raises(HandoffError, match="at most 3 courses"):
        booking_url(make_cfg(), ANSWERS, COURSES + ["syntra-x-2027"], NOW)


def test_repeated_course_ids_count_once():
    cfg = make_cfg()
    url = booking_url(cfg, ANSWERS, COURSES + [COURSES[0]], NOW)
    assert read_handoff(cfg, url, today=NOW.date()).course_ids == COURSES


@given(st.lists(st.from_regex(r"[A-Za-z][A-Za-z0-9._-]{0,63}", fullmatch=True),
                min_size=0, max_size=3, unique=True))
@settings(max_examples=150, deadline=None)
def test_any_valid_course_ids_round_trip(ids):
    cfg = make_cfg()
    assert read_handoff(cfg, make_reference(cfg, {}, ids, NOW), today=NOW.date()).course_ids == ids


def test_typical_link_with_three_courses_stays_short():
    url = booking_url(make_cfg(), ANSWERS, COURSES, NOW)
    assert len(url) < 300, url
    calcom = booking_url(make_cfg("calcom", template="https://cal.com/leerwinkel-gent/intake"),
                         ANSWERS, COURSES, NOW)
    assert len(calcom) < 340, calcom


# ---------------------------------------------------------------- signature

def test_every_single_character_change_in_the_token_is_refused():
    cfg = make_cfg()
    url = booking_url(cfg, ANSWERS, COURSES, NOW)
    token = token_of(url)
    for i, c in enumerate(token):
        for other in {"A", "b", "9", "-"} - {c}:
            bad = token[:i] + other + token[i + 1:]
            with pytest.raises(HandoffError):
                read_handoff(cfg, replace_token(url, bad), today=NOW.date())


def test_changed_answer_with_the_old_signature_says_altered():
    cfg = make_cfg()
    raw = reference._unb64(make_reference(cfg, ANSWERS, COURSES, NOW))
    # the answers are sealed: a changed answer is a changed byte of the ciphertext
    goal_at = 1 + reference.KEY_ID_BYTES + reference.TAG_BYTES + 2
    changed = bytearray(raw)
    changed[goal_at] ^= vocab.GOALS.index("nederlands") + 1
    with pytest.raises(HandoffError, match="altered"):
        read_handoff(cfg, reference._b64(bytes(changed)), today=NOW.date())


def test_token_signed_with_a_foreign_key_is_refused():
    other_site = make_cfg(secret="another-leerwinkels-secret-xyz")
    url = booking_url(other_site, ANSWERS, COURSES, NOW)
    with pytest.raises(HandoffError, match="key this site does not know"):
        read_handoff(make_cfg(), url, today=NOW.date())


def test_previous_secret_is_accepted_while_rotating():
    old = make_cfg(secret="the-old-secret-1234567890")
    url = booking_url(old, ANSWERS, COURSES, NOW)
    rotating = make_cfg(secret="the-new-secret-0987654321", previous=["the-old-secret-1234567890"])
    assert read_handoff(rotating, url, today=NOW.date()).key == "previous"
    assert "vorige sleutel" in describe(read_handoff(rotating, url, today=NOW.date()))
    done = make_cfg(secret="the-new-secret-0987654321")
    with pytest.raises(HandoffError):
        read_handoff(done, url, today=NOW.date())


def test_without_a_secret_the_reference_is_unsigned_and_marked_so():
    bare = make_cfg(secret="")
    url = booking_url(bare, ANSWERS, COURSES, NOW)
    found = read_handoff(bare, url, today=NOW.date())
    assert not found.signed and found.key is None and found.kind == "unsigned"
    # readable by anyone, so it carries only what the summary shows: goal and courses
    assert found.answers == {"goal": ANSWERS["goal"]} and found.course_ids == COURSES
    readable = unquote(url)
    for needle in ("B1", "9000", "werkzoekend", "leefloon"):
        assert needle not in readable
    assert "niet ondertekend" in describe(found)
    with pytest.raises(HandoffError, match="carries no signature"):
        read_handoff(make_cfg(), url, today=NOW.date())        # a signing site never trusts an unsigned one
    with pytest.raises(HandoffError, match="no booking.secret"):
        read_handoff(bare, booking_url(make_cfg(), ANSWERS, COURSES, NOW), today=NOW.date())


def test_reference_is_found_in_a_bare_token_or_a_booking_note():
    cfg = make_cfg("calcom", template="https://cal.com/leerwinkel-gent/intake")
    url = booking_url(cfg, ANSWERS, COURSES, NOW)
    note = parse_qs(urlsplit(url).query)["notes"][0]
    token = make_reference(cfg, ANSWERS, COURSES, NOW)
    assert note.endswith("Ref: " + token)
    for text in (url, note, token, f"  {token}\n"):
        assert read_handoff(cfg, text, today=NOW.date()).course_ids == COURSES


@pytest.mark.parametrize("junk", ["", "hello", "https://www.leerwinkel.be/afspraak?ref=",
                                  "AQGA8yZkAQQDASojKQAUAmFy"])
def test_text_without_a_reference_is_refused_plainly(junk):
    with pytest.raises(HandoffError, match="No kiosk reference"):
        read_handoff(make_cfg(), junk, today=NOW.date())


# ---------------------------------------------------------------- no personal data

PERSONAL = {"name": "Jan Peeters", "email": "jan.peeters@example.com", "phone": "0470123456",
            "note": "ik woon in de Kerkstraat 12", "first_name": "Fatima"}


def test_personal_data_and_free_text_never_reach_the_link():
    messy = dict(ANSWERS, **PERSONAL, goal="Jan Peeters wil een diploma",
                 postcode="9000 Gent", max_distance_km="twintig", language="klingon",
                 times=["avond", "na het werk"], dutch_level=None)
    cfg = make_cfg()
    url = booking_url(cfg, messy, ["jan.peeters@example.com", "0470123456", COURSES[0]], NOW)
    readable = unquote(url).replace("+", " ")
    for needle in ("Jan", "Peeters", "jan.peeters", "0470123456", "Kerkstraat", "Fatima",
                   "Gent", "twintig", "klingon", "na het werk", "@"):
        assert needle not in readable
    found = read_handoff(cfg, url, today=NOW.date())
    assert found.answers == {"diploma": "secundair-onvolledig", "status": "werkzoekend",
                             "times": ["avond"], "formats": ["klassikaal", "combinatie"]}
    assert found.course_ids == [COURSES[0]]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=3),
    max_leaves=8)
contract_keys = st.sampled_from(["goal", "dutch_level", "diploma", "status", "times", "formats",
                                 "needs", "postcode", "max_distance_km", "language"])
vocab_words = st.sampled_from(ALL_GOALS + vocab.DUTCH_LEVELS + ALL_DIPLOMAS + vocab.STATUSES
                              + vocab.TIMES + vocab.FORMATS + vocab.NEEDS + ("nl", "ar"))
answer_dicts = st.dictionaries(
    contract_keys | st.text(max_size=12),
    json_values | vocab_words | st.lists(vocab_words | st.text(max_size=10), max_size=4),
    max_size=12)


def _allowed(key, value):
    if key in SINGLE:
        return value in SINGLE[key]
    if key == "status" and isinstance(value, str):      # one status travels as one word
        return value in MULTI[key]
    if key in MULTI:
        return len(value) > (1 if key == "status" else 0) and set(value) <= set(MULTI[key])
    if key == "postcode":
        return len(value) == 4 and value.isascii() and value.isdigit()
    if key == "max_distance_km":
        return isinstance(value, int) and value >= 0
    if key == "language":
        return value in known_languages()
    return False


@given(answer_dicts)
@settings(max_examples=300, deadline=None)
def test_only_whitelisted_answers_travel(answers):
    cfg = make_cfg()
    clean = answers_for_link(answers)
    assert all(_allowed(k, v) for k, v in clean.items()), clean
    url = booking_url(cfg, answers, [], NOW)
    assert url == booking_url(cfg, clean, [], NOW)     # nothing else has any influence
    assert read_handoff(cfg, url, today=NOW.date()).answers == clean


@given(st.text(min_size=1, max_size=40))
@settings(max_examples=200, deadline=None)
def test_free_text_as_a_course_id_is_dropped_unless_it_is_an_id(text):
    kept = handoff.clean_courses([text])
    if kept:
        assert reference.valid_course_id(text) and "@" not in text and " " not in text
        assert any(c.isalpha() for c in text)


# ---------------------------------------------------------------- templates and presets

def test_generic_template_fills_every_placeholder():
    template = ("https://boek.example.be/{kiosk_id}/intake?ref={reference}&s={summary}"
                "&c={courses}&g={goal}&l={language}&p={provider_id}&v={service_id}")
    cfg = make_cfg(template=template)
    url = booking_url(cfg, ANSWERS, COURSES, NOW)
    parts = urlsplit(url)
    assert parts.path == "/gent-bib-1/intake"
    q = parse_qs(parts.query)
    assert q["ref"] == [make_reference(cfg, ANSWERS, COURSES, NOW)]
    assert q["c"] == [",".join(COURSES)]
    assert q["g"] == ["diploma-secundair"] and q["l"] == ["ar"]
    assert q["p"] == ["3"] and q["v"] == ["7"]
    assert q["s"] == [handoff.summary(ANSWERS, COURSES)]
    assert all(c in q["s"][0] for c in COURSES)


def test_calcom_preset_prefills_notes_and_metadata():
    cfg = make_cfg("calcom", template="https://cal.com/leerwinkel-gent/intake")
    url = booking_url(cfg, ANSWERS, COURSES, NOW)
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "cal.com",
                                                        "/leerwinkel-gent/intake")
    q = parse_qs(parts.query)
    assert set(q) == {"notes", "metadata[kiosk]", "lang"}
    assert q["metadata[kiosk]"] == ["gent-bib-1"] and q["lang"] == ["ar"]
    assert q["notes"][0].startswith("Doel: diploma secundair. Opleidingen: " + ", ".join(COURSES))
    assert q["notes"][0].endswith(" Ref: " + make_reference(cfg, ANSWERS, COURSES, NOW))


def test_easyappointments_preset_preselects_provider_and_service():
    cfg = make_cfg("easyappointments", template="https://afspraak.gent.be/index.php?lang=nl")
    url = booking_url(cfg, ANSWERS, COURSES, NOW)
    q = parse_qs(urlsplit(url).query)
    assert q == {"lang": ["nl"], "provider": ["3"], "service": ["7"],
                 "ref": [make_reference(cfg, ANSWERS, COURSES, NOW)]}
    cfg.booking.provider_id = ""
    assert "provider" not in parse_qs(urlsplit(booking_url(cfg, ANSWERS, COURSES, NOW)).query)


@pytest.mark.parametrize("text", [
    "الهدف: شهادة التعليم الثانوي. الدورات: cvo-gent-aav-2027-02",
    "Мета: диплом середньої школи. Курси: cvo-gent-nt2-a2-2027 & інше = так?",
    "Café élève naïve #1 / 50% + 2",
])
def test_non_latin_summaries_round_trip_through_urllib(text):
    values = dict.fromkeys(handoff.PLACEHOLDERS, "") | {"summary": text, "goal": text}
    url = handoff.fill_template("https://boek.example.be/{goal}/x?s={summary}&k=1", values)
    assert url.isascii() and " " not in url
    parts = urlsplit(url)
    assert parse_qs(parts.query) == {"s": [text], "k": ["1"]}
    assert unquote(parts.path) == f"/{text}/x"
    calcom = handoff._add_query("https://cal.com/x", [("notes", text)])
    assert parse_qs(urlsplit(calcom).query)["notes"] == [text]


@pytest.mark.parametrize("change, message", [
    ({"booking": {"preset": "doodle"}}, "Unknown booking.preset"),
    ({"booking": {"url_template": "www.leerwinkel.be/{reference}"}}, "starting with https://"),
    ({"booking": {"url_template": "https://x.be/?n={name}"}}, "unknown placeholder {name}"),
    ({"booking": {"url_template": "https://x.be/?n={summary"}}, "unmatched"),
    ({"site": {"kiosk_id": "Balie bib Gent"}}, "site.kiosk_id"),
])
def test_bad_booking_settings_are_refused_when_the_config_loads(tmp_path, change, message):
    """A booking set-up that cannot make a link never loads: the visitor's QR screen
    cannot be the first place a config mistake shows."""
    with pytest.raises(config.ConfigError, match=message) as caught:
        config.from_table(change)
    assert "\n" not in str(caught.value)
    section, values = next(iter(change.items()))
    path = tmp_path / "site.toml"
    path.write_text(f"[{section}]\n" + "".join(f'{k} = "{v}"\n' for k, v in values.items()))
    with pytest.raises(config.ConfigError, match=message):
        config.load(path)


# ---------------------------------------------------------------- describe and QR

def test_describe_speaks_plain_dutch_and_uses_titles():
    cfg = make_cfg()
    text = describe(read_handoff(cfg, booking_url(cfg, ANSWERS, COURSES, NOW), today=NOW.date()),
                    titles={COURSES[0]: "Aanvullende algemene vorming"})
    assert "gemaakt op 12 maart 2027" in text
    assert "Handtekening: in orde" in text
    assert "een diploma secundair onderwijs halen" in text
    assert "op avonden" in text and "Postcode: 9000 (tot 20 km)" in text
    assert "Arabisch (ar)" in text
    assert f"  - {COURSES[0]}: Aanvullende algemene vorming" in text
    assert f"  - {COURSES[1]}\n" in text


def test_unknown_answers_read_as_dont_know():
    cfg = make_cfg()
    text = describe(read_handoff(cfg, booking_url(cfg, {}, [], NOW), today=NOW.date()))
    assert "Doel: weet niet of maakt niet uit" in text
    assert "Wanneer: maakt niet uit" in text


def test_qr_png_scans_back_black_on_white_with_quiet_zone_and_medium_correction():
    url = booking_url(make_cfg(), ANSWERS, COURSES, NOW)
    png = qr_png(url, box_px=6)
    assert png.startswith(b"\x89PNG")
    image = Image.open(io.BytesIO(png)).convert("L")
    assert set(image.getdata()) == {0, 255}
    width, height = image.size
    border = 4 * 6
    for x in range(width):
        for y in list(range(border)) + list(range(height - border, height)):
            assert image.getpixel((x, y)) == 255 and image.getpixel((y, x)) == 255
    found = zxingcpp.read_barcodes(image)
    assert [r.text for r in found] == [url]
    assert found[0].ec_level == "M"


# ---------------------------------------------------------------- command line

@pytest.fixture
def site(tmp_path, cache):
    conf = tmp_path / "site.toml"
    conf.write_text(f'[site]\nkiosk_id = "gent-bib-1"\n[booking]\nsecret = "{SECRET}"\n',
                    encoding="utf-8")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ANSWERS), encoding="utf-8")
    return {"conf": conf, "answers": answers, "cache": cache, "tmp": tmp_path}


@pytest.fixture
def kiosk(site, run_cli):
    """kiosk(*args) -> (returncode, stdout, stderr) of the command line, with the site's
    config, run in this process."""
    return lambda *args: run_cli("--config", site["conf"], *args)


def course_args(ids):
    return [a for cid in ids for a in ("--course", cid)]


def test_cli_booking_url_prints_exactly_the_link(site, kiosk):
    done = kiosk("booking-url", "--answers", str(site["answers"]), *course_args(COURSES))
    assert done.returncode == 0, done.stderr
    cfg = config_mod.load(site["conf"])
    assert done.stdout == booking_url(cfg, ANSWERS, COURSES) + "\n"
    piped = subprocess.run([sys.executable, "-m", "kiosk.cli.main", "--config", str(site["conf"]),
                            "booking-url", "--answers", "-", *course_args(COURSES)],
                           input=json.dumps(ANSWERS), capture_output=True, text=True, timeout=60)
    assert piped.stdout == done.stdout


def test_cli_handoff_show_reads_a_valid_link_with_catalog_titles(site, kiosk):
    write_catalog(site["cache"], [provider("cvo-gent")],
                  [make_course(COURSES[0], "cvo-gent",
                               title={"nl": "Aanvullende algemene vorming"})])
    url = kiosk("booking-url", "--answers", str(site["answers"]),
              *course_args(COURSES)).stdout.strip()
    shown = kiosk("handoff", "show", url)
    assert shown.returncode == 0, shown.stderr
    assert "Handtekening: in orde" in shown.stdout
    assert f"{COURSES[0]}: Aanvullende algemene vorming" in shown.stdout
    assert "Nederlands: B1" in shown.stdout


def test_cli_handoff_show_works_without_a_catalog(site, kiosk):
    url = kiosk("booking-url", "--answers", str(site["answers"])).stdout.strip()
    shown = kiosk("handoff", "show", url)
    assert shown.returncode == 0, shown.stderr
    assert "Geen opleiding gekozen" in shown.stdout


def test_cli_handoff_show_refuses_tampered_and_foreign_links(site, kiosk):
    url = kiosk("booking-url", "--answers", str(site["answers"]),
              *course_args(COURSES)).stdout.strip()
    token = token_of(url)
    flipped = token[:30] + ("A" if token[30] != "A" else "B") + token[31:]
    tampered = kiosk("handoff", "show", replace_token(url, flipped))
    assert tampered.returncode == 1
    assert tampered.stdout == "" and "Traceback" not in tampered.stderr
    assert tampered.stderr.startswith("kiosk: ") and tampered.stderr.count("\n") == 1
    foreign = booking_url(make_cfg(secret="someone-elses-secret-42"), ANSWERS, COURSES)
    refused = kiosk("handoff", "show", foreign)
    assert refused.returncode == 1
    assert "key this site does not know" in refused.stderr


def test_cli_handoff_show_flags_unsigned_links(site, kiosk):
    site["conf"].write_text('[site]\nkiosk_id = "k1"\n', encoding="utf-8")
    url = kiosk("booking-url", "--answers", str(site["answers"])).stdout.strip()
    shown = kiosk("handoff", "show", url)
    assert shown.returncode == 3
    assert "niet ondertekend" in shown.stdout


@pytest.mark.parametrize("setup, args, message", [
    (None, ["--answers", "missing.json"], "does not exist"),
    ("{not json", ["--answers", "{file}"], "not valid JSON"),
    ("[1, 2]", ["--answers", "{file}"], "one JSON object"),
    ("{}", ["--answers", "{file}", *course_args(COURSES + ["syntra-x"])], "at most 3"),
    ("{}", ["--answers", "{file}", "--course", "jan@example.com"], "not a course id"),
])
def test_cli_booking_url_bad_input_gets_one_plain_line(site, kiosk, monkeypatch, setup, args,
                                                       message):
    file = site["tmp"] / "in.json"
    if setup is not None:
        file.write_text(setup, encoding="utf-8")
    args = [a.replace("{file}", str(file)) for a in args]
    monkeypatch.chdir(site["tmp"])
    done = kiosk("booking-url", *args)
    assert done.returncode == 2
    assert message in done.stderr and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr and done.stdout == ""


def test_every_link_carries_the_visitors_language_unless_the_template_names_it():
    for preset, template in (("generic", None), ("calcom", "https://cal.com/x/intake"),
                             ("easyappointments", "https://afspraak.gent.be/index.php")):
        query = parse_qs(urlsplit(booking_url(make_cfg(preset, template=template),
                                              {**ANSWERS, "language": "uk"}, [], NOW)).query)
        assert query["lang"] == ["uk"], preset
    fixed = make_cfg("generic", template="https://x.be/a?lang=nl&ref={reference}")
    assert parse_qs(urlsplit(booking_url(fixed, ANSWERS, [], NOW)).query)["lang"] == ["nl"]
