"""The sealed booking reference (docs/booking.md): only the Leerwinkel reads the visitor's
answers; the booking platform sees the goal and the chosen courses, nothing else. Old
signed references stay readable during the transition; secrets are checked and made."""
from datetime import date, timedelta
from urllib.parse import unquote

import pytest
from conftest import COURSES, NOW, PRIVATE, SECRET, legacy_token, make_cfg, write_site

from kiosk.booking import handoff, reference
from kiosk.booking.handoff import HandoffError, booking_url, describe, secret_problem
from kiosk.booking.reference import read_handoff
from kiosk.cli import main as cli
from kiosk.text import words

TODAY = date(2027, 3, 12)


def test_sealed_link_reads_back_as_sealed():
    cfg = make_cfg()
    found = read_handoff(cfg, booking_url(cfg, PRIVATE, COURSES, NOW), today=TODAY)
    assert found.answers == PRIVATE and found.course_ids == COURSES
    assert found.kind == "sealed" and found.signed and found.key == "current"
    assert "Versleuteld" in describe(found)


@pytest.mark.parametrize("preset, template", [
    ("generic", "https://boek.be/?ref={reference}&s={summary}&c={courses}&g={goal}"),
    ("calcom", "https://cal.com/leerwinkel-gent/intake"),
    ("easyappointments", "https://afspraak.gent.be/index.php"),
])
def test_no_answer_but_goal_and_courses_can_be_read_from_the_link(preset, template):
    cfg = make_cfg(preset, template=template)
    url = booking_url(cfg, PRIVATE, COURSES, NOW)
    readable = unquote(url).replace("+", " ")
    for word in ("leefloon", "A2", "2060", "buitenlands", "avond", "klassikaal", "Taal",
                 "Arabisch"):
        assert word not in readable, (word, readable)
    assert handoff.summary(PRIVATE, COURSES) == (
        "Doel: diploma secundair. Opleidingen: " + ", ".join(COURSES) + ".")
    token = reference.make_reference(cfg, PRIVATE, COURSES, NOW)
    raw = reference._unb64(token)
    packed = reference._pack(PRIVATE, COURSES, "gent-bib-1", NOW.date())
    assert raw[0] == reference.SEALED
    # the packed answers appear nowhere, in no part; no offset unpacks to them
    assert packed[2:12] not in raw and b"gent-bib-1" not in raw
    unpacked = 0
    for start in range(len(raw)):
        try:
            answers = reference._unpack(raw[start:])[0]
        except reference._Malformed:         # only "not a reference", never a crash
            continue
        unpacked += 1
        assert not (answers.get("status") == "leefloon" and answers.get("postcode") == "2060")
    # the scan can find: the packed bytes themselves unpack to the private answers
    assert reference._unpack(packed)[0]["status"] == "leefloon"
    assert unpacked < len(raw), "every offset unpacked: the scan checks nothing"


def test_a_sealed_reference_cannot_be_read_without_the_secret():
    url = booking_url(make_cfg(), PRIVATE, COURSES, NOW)
    with pytest.raises(HandoffError, match="encrypted, but the site config has no"):
        read_handoff(make_cfg(secret=""), url)
    with pytest.raises(HandoffError, match="key this site does not know"):
        read_handoff(make_cfg(secret="a-guess-at-the-secret-0123456789xyz"), url)


def test_any_change_to_the_sealed_bytes_is_detected():
    cfg = make_cfg()
    raw = bytearray(reference._unb64(reference.make_reference(cfg, PRIVATE, COURSES, NOW)))
    for i in range(len(raw)):
        changed = bytearray(raw)
        changed[i] ^= 0x01
        with pytest.raises(HandoffError):
            read_handoff(cfg, reference._b64(bytes(changed)), today=TODAY)
    with pytest.raises(HandoffError, match="altered"):
        read_handoff(cfg, reference._b64(bytes(raw[:-1])), today=TODAY)


def test_rotation_reads_sealed_links_of_the_previous_secret():
    old = make_cfg(secret="the-old-secret-1234567890-abcdefgh")
    url = booking_url(old, PRIVATE, COURSES, NOW)
    rotating = make_cfg(previous=["the-old-secret-1234567890-abcdefgh"])
    found = read_handoff(rotating, url, today=TODAY)
    assert found.key == "previous" and found.kind == "sealed" and found.answers == PRIVATE


def test_old_signed_readable_references_are_still_verified_during_the_transition():
    cfg = make_cfg()
    token = legacy_token(SECRET, PRIVATE, COURSES, TODAY - timedelta(days=3))
    found = read_handoff(cfg, f"Ref: {token}", today=TODAY)
    assert found.kind == "signed" and found.key == "current" and found.answers == PRIVATE
    assert "Oud formaat" in describe(found)
    old = legacy_token(SECRET, PRIVATE, COURSES, TODAY - timedelta(days=reference.LEGACY_DAYS + 1))
    with pytest.raises(HandoffError, match="old readable format"):
        read_handoff(cfg, old, today=TODAY)
    raw = bytearray(reference._unb64(token))
    raw[6] ^= 0x01                                            # an answer changed
    with pytest.raises(HandoffError):
        read_handoff(cfg, reference._b64(bytes(raw)), today=TODAY)
    foreign = legacy_token("someone-elses-secret-0123456789abc", PRIVATE, COURSES, TODAY)
    with pytest.raises(HandoffError, match="key this site does not know"):
        read_handoff(cfg, foreign, today=TODAY)


def test_cli_handoff_show_says_which_kind_of_reference(tmp_path, capsys, monkeypatch):
    conf = write_site(tmp_path, monkeypatch, SECRET)
    token = legacy_token(SECRET, PRIVATE, COURSES, date.today())
    assert cli.main(["--config", str(conf), "handoff", "show", token]) == 0
    out = capsys.readouterr().out
    assert "Oud formaat" in out and words.STATUSES["leefloon"] in out
    sealed = booking_url(make_cfg(), PRIVATE, COURSES)
    assert cli.main(["--config", str(conf), "handoff", "show", sealed]) == 0
    assert "Versleuteld" in capsys.readouterr().out


def test_link_with_three_courses_stays_within_a_sharp_qr_code():
    """The sealed reference is as long as the signed one was (AES-SIV: no nonce, a 16-byte
    tag like the HMAC), so the QR code keeps its version and module size."""
    cfg = make_cfg()
    sealed = reference.make_reference(cfg, PRIVATE, COURSES, NOW)
    legacy = legacy_token(SECRET, PRIVATE, COURSES, NOW.date())
    assert len(sealed) <= len(legacy)
    assert len(booking_url(cfg, PRIVATE, COURSES, NOW)) < 300


# ---------------------------------------------------------------- the secret itself

@pytest.mark.parametrize("secret, problem", [
    ("", "geen boekingssleutel"), ("x", "te kort"), ("a" * 31, "te kort"),
    ("a" * 32, None), (SECRET, None)])
def test_missing_or_short_secret_is_a_problem(secret, problem):
    found = secret_problem(make_cfg(secret=secret))
    assert found is None if problem is None else problem in found


def test_booking_url_warns_on_stderr_about_a_weak_secret(tmp_path, capsys, monkeypatch):
    conf = write_site(tmp_path, monkeypatch, "x")
    answers = tmp_path / "a.json"
    answers.write_text('{"goal": "digitaal"}', encoding="utf-8")
    assert cli.main(["--config", str(conf), "booking-url", "--answers", str(answers)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("https://") and out.count("\n") == 1
    assert "warning" in err and "te kort" in err and "kiosk booking new-secret" in err


def test_without_a_secret_only_goal_and_courses_travel():
    bare = make_cfg(secret="")
    found = read_handoff(bare, booking_url(bare, PRIVATE, COURSES, NOW), today=TODAY)
    assert found.answers == {"goal": PRIVATE["goal"]} and found.course_ids == COURSES
    assert found.kind == "unsigned" and "Niet versleuteld" in describe(found)


def test_new_secret_command_prints_a_strong_secret_and_where_it_goes(capsys):
    assert cli.main(["booking", "new-secret"]) == 0
    first = capsys.readouterr().out
    assert cli.main(["booking", "new-secret"]) == 0
    second = capsys.readouterr().out
    secret = first.splitlines()[0]
    assert len(secret) >= 43 and secret != second.splitlines()[0]
    assert f'secret = "{secret}"' in first and "[booking]" in first
    assert secret_problem(make_cfg(secret=secret)) is None


def test_a_huge_text_is_refused_before_it_is_searched():
    with pytest.raises(HandoffError, match="longer than 10000 characters"):
        read_handoff(make_cfg(), "A" * 1_000_000)
