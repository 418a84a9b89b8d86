"""The sealed reference's expiry and id rules, exactly: the day a reference stops being
accepted, the limits on the text it is looked for in, the key id older kiosks made, and
the whole reason staff read for each refusal. Written against the surviving mutants of
the mutation run (docs/testing.md)."""
from datetime import timedelta

import pytest
from conftest import ANSWERS, COURSES, NOW, SECRET, legacy_token, make_cfg

from kiosk.booking import packing, reference
from kiosk.booking.reference import HandoffError

DAY = NOW.date()
ALTERED = "This link was altered after the kiosk made it: its {} does not match. Do not trust " \
          "what it says."
UNKNOWN = "This link was {} with a key this site does not know: it comes from another " \
          "Leerwinkel's kiosk, or its key is no longer accepted."


def refusal(cfg, text, today=DAY) -> str:
    with pytest.raises(HandoffError) as e:
        reference.read_handoff(cfg, text, today)
    return str(e.value)


def altered(token: str) -> str:
    """The token with one bit of its last byte flipped (still canonical base64url)."""
    raw = bytearray(reference._unb64(token))
    raw[-1] ^= 1
    return reference._b64(bytes(raw))


def test_a_sealed_reference_lives_exactly_max_reference_age_days():
    cfg = make_cfg()
    token = reference.make_reference(cfg, ANSWERS, COURSES, NOW)
    days = cfg.booking.max_reference_age_days
    handoff = reference.read_handoff(cfg, token, DAY + timedelta(days=days))
    assert handoff == reference.Handoff(
        handoff.answers, COURSES, "gent-bib-1", DAY, True, "current", token, "sealed")
    assert handoff.token == token
    assert refusal(cfg, token, DAY + timedelta(days=days + 1)) == (
        f"This booking link was made on {DAY.isoformat()}, more than {days} days ago "
        "(booking.max_reference_age_days): ask the visitor's answers again.")


def test_the_key_id_older_kiosks_made_stays_the_same():
    assert reference._key_id(SECRET).hex() == "4411"
    assert reference._key_id("another secret of enough length 0123").hex() != "4411"


def test_each_refusal_of_a_sealed_reference_says_exactly_why():
    cfg = make_cfg()
    token = reference.make_reference(cfg, ANSWERS, COURSES, NOW)
    assert refusal(cfg, altered(token)) == ALTERED.format("seal")
    assert refusal(make_cfg(secret="another secret of enough length 0123"), token) == \
        UNKNOWN.format("sealed")
    assert refusal(make_cfg(secret=""), token) == (
        "This reference is encrypted, but the site config has no booking.secret, so it "
        "cannot be read.")
    # a second key with the same key id is tried after the first fails
    previous = make_cfg(secret="a new secret of enough length 01234567", previous=[SECRET])
    assert reference.read_handoff(previous, token, DAY).key == "previous"


def test_a_sealed_reference_shorter_than_the_shortest_is_not_one():
    cfg = make_cfg()
    raw = reference._unb64(reference.make_reference(cfg, ANSWERS, COURSES, NOW))
    shortest = 1 + reference.KEY_ID_BYTES + reference.TAG_BYTES + reference.MIN_BODY
    assert refusal(cfg, reference._b64(raw[:shortest - 1])) == (
        "No kiosk reference found in this text: the link is incomplete or was altered.")
    assert refusal(cfg, reference._b64(raw[:shortest])) == ALTERED.format("seal")


def test_each_refusal_of_a_legacy_reference_says_exactly_why():
    cfg = make_cfg()
    token = legacy_token(SECRET, ANSWERS, COURSES, DAY)
    handoff = reference.read_handoff(cfg, token, DAY)
    assert (handoff.kiosk_id, handoff.token, handoff.kind, handoff.key) == \
        ("gent-bib-1", token, "signed", "current")
    assert refusal(cfg, altered(token)) == ALTERED.format("signature")
    assert refusal(make_cfg(secret="another secret of enough length 0123"), token) == \
        UNKNOWN.format("signed")
    assert refusal(make_cfg(secret=""), token) == (
        "This reference is signed, but the site config has no booking.secret, so it cannot "
        "be checked.")
    unsigned = reference.make_reference(make_cfg(secret=""), ANSWERS, COURSES, NOW)
    assert refusal(cfg, unsigned) == (
        "This reference carries no signature, but this site signs its links: it was not "
        "made by this site's kiosk, or it was altered.")
    plain = reference.read_handoff(make_cfg(secret=""), unsigned, DAY)
    assert (plain.kiosk_id, plain.token, plain.kind, plain.key) == \
        ("gent-bib-1", unsigned, "unsigned", None)


def test_only_version_and_kind_bytes_make_a_legacy_reference():
    cfg = make_cfg(secret="")
    body = reference._pack({}, [], "k", DAY)
    for prefix in (bytes([reference.VERSION]), bytes([reference.VERSION, 2])):
        with pytest.raises(reference._Malformed):
            reference._open_legacy(prefix + body, "t", cfg, DAY)
    assert reference._open_legacy(bytes([reference.VERSION, 0]) + body, "t", cfg, DAY).kiosk_id \
        == "k"


def test_the_text_a_reference_is_looked_for_in():
    cfg = make_cfg()
    token = reference.make_reference(cfg, ANSWERS, COURSES, NOW)
    longest = " " * (reference.MAX_TEXT - len(token)) + token
    assert reference.read_handoff(cfg, longest, DAY).course_ids == COURSES
    assert refusal(cfg, longest + " ") == (
        f"This text is longer than {reference.MAX_TEXT} characters: it is not a booking "
        "link or note of the kiosk.")
    assert refusal(cfg, "") == refusal(cfg, None) == (
        "No kiosk reference found in this text: the link is incomplete or was altered.")
    # two references in one note: the longest one's reason is the one given
    legacy = legacy_token(SECRET, {"goal": "talen"}, [], DAY)
    note = f"ref={altered(legacy)} and ref={altered(token)}"
    assert len(token) > len(legacy)
    assert refusal(cfg, note) == ALTERED.format("seal")
    # a run that is no reference is passed over, also when it is the longest
    assert reference.read_handoff(cfg, f"{'A' * 200} {token}", DAY).course_ids == COURSES


def test_course_ids_pack_to_their_fixed_bytes():
    """Three characters of ID_ALPHABET in two bytes, padded at the end: older kiosks'
    references must keep reading the same."""
    def packed(*indexes):                    # alphabet positions + 1; 0 is the padding
        n = 0
        for i in indexes:
            n = n * 40 + i
        return f"{n:04x}"
    assert packing._pack_id("a").hex() == "81" + packed(14, 0, 0)
    assert packing._pack_id("-").hex() == "81" + packed(1, 0, 0)
    assert packing._pack_id("z-").hex() == "82" + packed(39, 1, 0)
    assert packing._pack_id("abcd").hex() == "84" + packed(14, 15, 16) + packed(17, 0, 0)


def _secret_whose_key_id(predicate) -> str:
    return next(s for s in (f"a secret of enough length {i:08d}" for i in range(1_000_000))
                if predicate(reference._key_id(s)))


def test_a_body_the_site_key_opens_but_cannot_read_is_from_a_newer_kiosk():
    cfg = make_cfg()
    header = bytes([reference.SEALED]) + reference._key_id(SECRET)
    newer = header + reference._seal_key(SECRET).encrypt(b"\xff" * 20, [header])
    assert refusal(cfg, reference._b64(newer)) == (
        "This reference was made by a kiosk with the site's key but cannot be read: the "
        "kiosk's version is too new.")


def test_every_key_with_the_reference_key_id_is_tried():
    """Key ids are two bytes: two secrets can share one, and the second may be the one."""
    token = reference.make_reference(make_cfg(), ANSWERS, COURSES, NOW)
    twin = _secret_whose_key_id(lambda kid: kid == reference._key_id(SECRET))
    cfg = make_cfg(secret=twin, previous=[SECRET])
    assert reference.read_handoff(cfg, token, DAY).key == "previous"


def test_the_longest_reference_in_a_note_gives_the_reason():
    """Also when a shorter one sorts first as text."""
    cfg = make_cfg()
    ours = reference.make_reference(cfg, ANSWERS, COURSES, NOW)
    other_secret = _secret_whose_key_id(lambda kid: kid > reference._key_id(SECRET))
    theirs = reference.make_reference(make_cfg(secret=other_secret), {}, [], NOW)
    assert len(theirs) < len(ours) and theirs > ours
    assert refusal(cfg, f"{theirs} {altered(ours)}") == ALTERED.format("seal")
    assert refusal(cfg, theirs) == UNKNOWN.format("sealed")
