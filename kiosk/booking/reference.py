"""The compact sealed reference a booking link carries, and reading it back.

The reference packs the answers (as `answers.answers_for_link` gives them) and the course
ids into a few bytes (vocabulary indices, bit masks), adds the date and the kiosk id, and
seals them with the site's secret: encrypted and authenticated with AES-SIV (a key derived
from the secret by HKDF-SHA256), so only the Leerwinkel can read the visitor's answers.
AES-SIV needs no random nonce, so the same answers give the same link all day.

Two older kinds are still read: references signed with a truncated HMAC-SHA256 but not
encrypted (version 1, accepted for LEGACY_DAYS after they were made), and unsigned ones
(made when the site has no secret; they now carry only the goal and the courses).
See docs/booking.md.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import unquote_plus

from kiosk import clock
from kiosk.booking.packing import (  # noqa: F401  (named kiosk.booking.reference.* before)
    COURSE_ID,
    EPOCH,
    KIOSK_ID,
    MAX_COURSES,
    NO_DISTANCE,
    _Malformed,
    _pack,
    _unpack,
    valid_course_id,
)
from kiosk.guidance.answers import SPECS

VERSION = 1                 # signed or unsigned, readable: the older kinds
SEALED = 2                  # encrypted and authenticated: what the kiosk makes with a secret
LEGACY_DAYS = 90            # signed readable references are accepted this long after their day
SIG_BYTES = 16
TAG_BYTES = 16              # the AES-SIV tag
MAX_TEXT = 10_000           # a link or booking note to look for a reference in
MIN_BODY = 13               # the shortest packed body (no answers, no courses, 1-char kiosk id)
KEY_ID_BYTES = 2

TOKEN_RUN = re.compile(r"[A-Za-z0-9_-]{16,}", re.ASCII)


class HandoffError(Exception):
    """A link or token that cannot be trusted or read, or a booking set-up that cannot work.
    The message says why in plain words."""


@dataclass
class Handoff:
    """What a verified reference carries."""
    answers: dict
    course_ids: list[str]
    kiosk_id: str
    made_on: date
    signed: bool
    key: str | None = None          # "current", "previous" or None (unsigned)
    token: str = field(default="", repr=False)
    kind: str = "unsigned"          # "sealed", "signed" (older, readable) or "unsigned"


# ---------------------------------------------------------------- course ids and kiosk id



def clean_courses(course_ids) -> list[str]:
    """Valid course ids, without repeats, in the visitor's order. More than MAX_COURSES
    is an error."""
    kept = []
    for cid in course_ids or ():
        if valid_course_id(cid) and cid not in kept:
            kept.append(cid)
    if len(kept) > MAX_COURSES:
        raise HandoffError(f"A booking can carry at most {MAX_COURSES} courses, "
                           f"not {len(kept)}.")
    return kept


def kiosk_id(cfg) -> str:
    """The site's kiosk id (its form is checked when the config loads)."""
    return cfg.site.kiosk_id


# ---------------------------------------------------------------- the reference

def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes | None:
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError:
        return None
    return data if _b64(data) == text else None     # only the one canonical spelling


def _secrets(cfg) -> list[tuple[str, str]]:
    """(secret, "current"/"previous") for every key this site accepts, current first."""
    keys = [(cfg.booking.secret, "current")] if cfg.booking.secret else []
    keys += [(s, "previous") for s in cfg.booking.previous_secrets if s]
    return keys


def _key_id(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"leerwinkel key id", hashlib.sha256).digest()[:KEY_ID_BYTES]


def _seal_key(secret: str):
    """AES-SIV for this secret (cryptography loads here, on the first booking, not at
    start-up)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.ciphers.aead import AESSIV
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF
    key = HKDF(algorithm=hashes.SHA256(), length=64, salt=b"leerwinkel booking reference",
               info=b"aes-siv v2").derive(secret.encode())
    return AESSIV(key)


def _sign(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:SIG_BYTES]


def make_reference(cfg, answers: dict, course_ids: list[str], now=None) -> str:
    """The compact reference: base64url of version 2, key id and the packed answers and
    courses sealed with AES-SIV (the header is authenticated too). Without a secret an
    unsigned version 1 reference that carries only the goal and the courses: nothing
    else of the visitor may travel readable. Holds the date, never the time. The answers
    and course ids are those that travel: as `answers_for_link` and `clean_courses` give
    them."""
    now = now or clock.today()
    day = now.date() if isinstance(now, datetime) else now
    secret = cfg.booking.secret
    if not secret:
        readable = {k: v for k, v in answers.items() if k in SPECS and SPECS[k].readable}
        return _b64(bytes([VERSION, 0]) + _pack(readable, course_ids, kiosk_id(cfg), day))
    header = bytes([SEALED]) + _key_id(secret)
    body = _pack(answers, course_ids, kiosk_id(cfg), day)
    return _b64(header + _seal_key(secret).encrypt(body, [header]))


def _read_body(body: bytes) -> tuple[dict, list[str], str, date]:
    """A whole packed body, in its one canonical packing; _Malformed otherwise."""
    answers, courses, kid, made_on, end = _unpack(body)
    if end != len(body) or _pack(answers, courses, kid, made_on) != body:
        raise _Malformed
    return answers, courses, kid, made_on


def _open_sealed(data: bytes, token: str, cfg, today: date) -> Handoff:
    if len(data) < 1 + KEY_ID_BYTES + TAG_BYTES + MIN_BODY:
        raise _Malformed
    header = data[:1 + KEY_ID_BYTES]
    keys = _secrets(cfg)
    if not keys:
        raise HandoffError("This reference is encrypted, but the site config has no "
                           "booking.secret, so it cannot be read.")
    matching = [(s, kind) for s, kind in keys if hmac.compare_digest(_key_id(s), header[1:])]
    from cryptography.exceptions import InvalidTag
    for secret, kind in matching:
        try:
            body = _seal_key(secret).decrypt(data[len(header):], [header])
        except InvalidTag:
            continue
        try:
            answers, courses, kid, made_on = _read_body(body)
        except _Malformed:
            raise HandoffError("This reference was made by a kiosk with the site's key but "
                               "cannot be read: the kiosk's version is too new.") from None
        if (today - made_on).days > cfg.booking.max_reference_age_days:   # too old to act on
            raise HandoffError(f"This booking link was made on {made_on.isoformat()}, more "
                               f"than {cfg.booking.max_reference_age_days} days ago (booking."
                               "max_reference_age_days): ask the visitor's answers again.")
        return Handoff(answers, courses, kid, made_on, True, kind, token, "sealed")
    if matching:
        raise HandoffError("This link was altered after the kiosk made it: its seal "
                           "does not match. Do not trust what it says.")
    raise HandoffError("This link was sealed with a key this site does not know: it comes "
                       "from another Leerwinkel's kiosk, or its key is no longer accepted.")


def _open_legacy(data: bytes, token: str, cfg, today: date) -> Handoff:
    """A version 1 reference: signed (readable, during the transition) or unsigned."""
    if len(data) < 2 or data[1] not in (0, 1):
        raise _Malformed
    signed = data[1] == 1
    start = 2 + (KEY_ID_BYTES if signed else 0)
    body = data[start:len(data) - SIG_BYTES] if signed else data[start:]
    answers, courses, kid, made_on = _read_body(body)
    handoff = Handoff(answers, courses, kid, made_on, signed, token=token,
                      kind="signed" if signed else "unsigned")
    keys = _secrets(cfg)
    if not signed:
        if keys:
            raise HandoffError("This reference carries no signature, but this site signs its "
                               "links: it was not made by this site's kiosk, or it was altered.")
        return handoff
    if not keys:
        raise HandoffError("This reference is signed, but the site config has no "
                           "booking.secret, so it cannot be checked.")
    payload, sig = data[:len(data) - SIG_BYTES], data[len(data) - SIG_BYTES:]
    matching = [(s, kind) for s, kind in keys if hmac.compare_digest(_key_id(s), data[2:4])]
    for secret, kind in matching:
        if hmac.compare_digest(_sign(secret, payload), sig):
            if (today - made_on).days > LEGACY_DAYS:
                raise HandoffError(f"This link is in the old readable format and was made on "
                                   f"{made_on.isoformat()}; such links are accepted only "
                                   f"{LEGACY_DAYS} days after they were made.")
            handoff.key = kind
            return handoff
    if matching:
        raise HandoffError("This link was altered after the kiosk made it: its signature "
                           "does not match. Do not trust what it says.")
    raise HandoffError("This link was signed with a key this site does not know: it comes "
                       "from another Leerwinkel's kiosk, or its key is no longer accepted.")


def _decode(token: str, cfg, today: date) -> Handoff:
    """Raises _Malformed when token is not a reference, HandoffError when it is one that
    cannot be trusted."""
    data = _unb64(token)
    if not data:
        raise _Malformed
    if data[0] == SEALED:
        return _open_sealed(data, token, cfg, today)
    if data[0] == VERSION:
        return _open_legacy(data, token, cfg, today)
    raise _Malformed


def read_handoff(cfg, url_or_token: str, today: date | None = None) -> Handoff:
    """The reference inside a link, a booking note or a bare token, checked against the
    site's current and previous secrets. Raises HandoffError when it cannot be trusted:
    the reason of the longest run of text that looked like a reference."""
    if len(url_or_token or "") > MAX_TEXT:
        raise HandoffError(f"This text is longer than {MAX_TEXT} characters: it is not a "
                           "booking link or note of the kiosk.")
    text = unquote_plus((url_or_token or "").strip())
    runs = sorted(set(TOKEN_RUN.findall(text)), key=len, reverse=True)
    refused = None
    for run in runs:
        try:
            return _decode(run, cfg, today or clock.today())
        except _Malformed:
            continue
        except HandoffError as exc:
            refused = refused or exc
    if refused:
        raise refused
    raise HandoffError("No kiosk reference found in this text: the link is incomplete "
                       "or was altered.")
