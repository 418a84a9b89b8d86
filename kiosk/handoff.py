"""Booking hand-off: the link a visitor scans, its signed reference, and the QR code.

Only the contract's answers (with values from its vocabulary) and course ids travel;
anything else is dropped before a link is built. The reference packs them into a few
bytes (vocabulary indices, bit masks), adds the date and the kiosk id, and signs them with
a truncated HMAC-SHA256 under the site's secret. See docs/booking.md.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import io
import math
import re
import string
import struct
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import quote, quote_plus, unquote_plus, urlencode

from . import clock, vocab, words
from .i18n import LANGUAGE_NAMES, gettext_for

MAX_COURSES = 3
VERSION = 1
SIG_BYTES = 16
KEY_ID_BYTES = 2
EPOCH = date(2000, 1, 1)
NO_DISTANCE = 0xFFFF

COURSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", re.ASCII)
KIOSK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,31}", re.ASCII)
POSTCODE = re.compile(r"[0-9]{4}", re.ASCII)
LANGUAGE = re.compile(r"[a-z]{2,3}", re.ASCII)
TOKEN_RUN = re.compile(r"[A-Za-z0-9_-]{16,}", re.ASCII)

ALL_GOALS = vocab.GOALS + (vocab.GOAL_UNSURE,)
ALL_DIPLOMAS = vocab.DIPLOMAS + (vocab.FOREIGN_DIPLOMA,)
# answer key -> its vocabulary (one value each)
SINGLE = {"goal": ALL_GOALS, "dutch_level": vocab.DUTCH_LEVELS,
          "diploma": ALL_DIPLOMAS, "status": vocab.STATUSES}
# answer key -> its vocabulary (a list of values)
MULTI = {"times": vocab.TIMES, "formats": vocab.FORMATS}

PRESETS = ("generic", "calcom", "easyappointments")
PLACEHOLDERS = ("summary", "courses", "goal", "language", "reference", "kiosk_id",
                "provider_id", "service_id")


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


# ---------------------------------------------------------------- whitelist

def known_languages(cfg=None) -> set[str]:
    codes = set(LANGUAGE_NAMES)
    if cfg is not None:
        codes |= {c for c in cfg.site.languages if isinstance(c, str) and LANGUAGE.fullmatch(c)}
    return codes


def valid_course_id(value) -> bool:
    """A course id as the kiosk passes it on: letters, digits, '.', '_', '-', at most 64,
    with at least one letter (so a phone number or e-mail address never fits)."""
    return (isinstance(value, str) and COURSE_ID.fullmatch(value) is not None
            and any(c.isalpha() for c in value))


def clean_answers(answers, languages: set[str] | None = None) -> dict:
    """Only the contract's answer keys with values from its vocabulary; the rest is dropped.
    Missing, null and "any" (empty list) answers are left out."""
    if not isinstance(answers, dict):
        return {}
    languages = known_languages() if languages is None else languages
    out = {}
    for key, values in SINGLE.items():
        value = answers.get(key)
        if isinstance(value, str) and value in values:
            out[key] = value
    for key, values in MULTI.items():
        chosen = answers.get(key)
        if isinstance(chosen, (list, tuple)):
            kept = [v for v in values if v in {c for c in chosen if isinstance(c, str)}]
            if kept:
                out[key] = kept
    postcode = answers.get("postcode")
    if isinstance(postcode, str) and POSTCODE.fullmatch(postcode):
        out["postcode"] = postcode
    km = answers.get("max_distance_km")
    if isinstance(km, (int, float)) and not isinstance(km, bool) and math.isfinite(km) \
            and 0 <= km < NO_DISTANCE:
        out["max_distance_km"] = math.ceil(km)
    lang = answers.get("language")
    if isinstance(lang, str) and lang in languages and LANGUAGE.fullmatch(lang):
        out["language"] = lang
    return out


def clean_courses(course_ids) -> list[str]:
    """Valid course ids, without repeats, in the visitor's order. More than 3 is an error."""
    kept = []
    for cid in course_ids or ():
        if valid_course_id(cid) and cid not in kept:
            kept.append(cid)
    if len(kept) > MAX_COURSES:
        raise HandoffError(f"A booking can carry at most {MAX_COURSES} courses, "
                           f"not {len(kept)}.")
    return kept


def _kiosk_id(cfg) -> str:
    kid = cfg.site.kiosk_id
    if not KIOSK_ID.fullmatch(kid or ""):
        raise HandoffError("The setting site.kiosk_id may hold only letters, digits, '.', "
                           "'_' and '-' (at most 32).")
    return kid


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


def _sign(secret: str, payload: bytes) -> bytes:
    return hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:SIG_BYTES]


def _short_text(text: str) -> bytes:
    raw = text.encode("ascii")
    return bytes([len(raw)]) + raw


# course ids in lower case pack 3 characters into 2 bytes (40**3 < 2**16)
ID_ALPHABET = "-.0123456789_abcdefghijklmnopqrstuvwxyz"
PACKED = 0x80


def _pack_id(cid: str) -> bytes:
    """Length byte (high bit set when packed), then the id."""
    if any(c not in ID_ALPHABET for c in cid):
        return _short_text(cid)
    out = bytearray([PACKED | len(cid)])
    for i in range(0, len(cid), 3):
        n = 0
        for c in cid[i:i + 3].ljust(3, " "):
            n = n * 40 + ID_ALPHABET.find(c) + 1
        out += struct.pack(">H", n)
    return bytes(out)


def _pack(answers: dict, course_ids: list[str], kiosk_id: str, day: date) -> bytes:
    out = bytearray(struct.pack(">H", (day - EPOCH).days))
    for key, values in SINGLE.items():
        out.append(values.index(answers[key]) + 1 if key in answers else 0)
    out.append(vocab.mask(vocab.TIMES, answers.get("times"))
               | vocab.mask(vocab.FORMATS, answers.get("formats")) << 3)
    postcode = answers.get("postcode")
    out += struct.pack(">HH", int(postcode) + 1 if postcode else 0,
                       answers.get("max_distance_km", NO_DISTANCE))
    out += _short_text(answers.get("language", ""))
    out += _short_text(kiosk_id)
    out.append(len(course_ids))
    for cid in course_ids:
        out += _pack_id(cid)
    return bytes(out)


class _Malformed(Exception):
    pass


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise _Malformed
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def byte(self) -> int:
        return self.take(1)[0]

    def course_id(self) -> str:
        head = self.byte()
        if not head & PACKED:
            self.pos -= 1
            return self.text(COURSE_ID)
        length, chars = head & ~PACKED, []
        for _ in range((length + 2) // 3):
            n = struct.unpack(">H", self.take(2))[0]
            group = []
            for _ in range(3):
                n, digit = divmod(n, 40)
                group.append(digit)
            if n:
                raise _Malformed
            chars += [ID_ALPHABET[d - 1] if d else "" for d in reversed(group)]
        cid = "".join(chars)
        if len(cid) != length:
            raise _Malformed
        return cid

    def text(self, pattern) -> str:
        raw = self.take(self.byte())
        try:
            value = raw.decode("ascii")
        except UnicodeDecodeError:
            raise _Malformed from None
        if value and not pattern.fullmatch(value):
            raise _Malformed
        return value


def _unpack(body: bytes) -> tuple[dict, list[str], str, date, int]:
    """Answers, course ids, kiosk id, date and end offset of a reference's body."""
    r = _Reader(body)
    made_on = EPOCH + timedelta(days=struct.unpack(">H", r.take(2))[0])
    answers = {}
    for key, values in SINGLE.items():
        i = r.byte()
        if i > len(values):
            raise _Malformed
        if i:
            answers[key] = values[i - 1]
    masks = r.byte()
    if masks >> 6:
        raise _Malformed
    for key, shift in (("times", 0), ("formats", 3)):
        chosen = [v for i, v in enumerate(MULTI[key]) if masks >> shift & 1 << i]
        if chosen:
            answers[key] = chosen
    postcode, km = struct.unpack(">HH", r.take(4))
    if postcode > 10000:
        raise _Malformed
    if postcode:
        answers["postcode"] = f"{postcode - 1:04d}"
    if km != NO_DISTANCE:
        answers["max_distance_km"] = km
    lang = r.text(LANGUAGE)
    if lang:
        answers["language"] = lang
    kiosk_id = r.text(KIOSK_ID)
    count = r.byte()
    if count > MAX_COURSES:
        raise _Malformed
    courses = [r.course_id() for _ in range(count)]
    if not all(valid_course_id(c) for c in courses):
        raise _Malformed
    return answers, courses, kiosk_id, made_on, r.pos


def make_reference(cfg, answers, course_ids, now=None) -> str:
    """The compact reference: base64url of version, flags, [key id], packed answers and
    courses, [16-byte HMAC-SHA256]. Unsigned (flag 0, no key id, no HMAC) when the config
    has no secret. Holds the date, never the time."""
    now = now or clock.today()
    day = now.date() if isinstance(now, datetime) else now
    body = _pack(clean_answers(answers, known_languages(cfg)), clean_courses(course_ids),
                 _kiosk_id(cfg), day)
    secret = cfg.booking.secret
    if not secret:
        return _b64(bytes([VERSION, 0]) + body)
    payload = bytes([VERSION, 1]) + _key_id(secret) + body
    return _b64(payload + _sign(secret, payload))


def _decode(token: str, cfg) -> Handoff:
    """Raises _Malformed when token is not a reference, HandoffError when it is one that
    cannot be trusted."""
    data = _unb64(token)
    if not data or len(data) < 2 or data[0] != VERSION or data[1] not in (0, 1):
        raise _Malformed
    signed = data[1] == 1
    start = 2 + (KEY_ID_BYTES if signed else 0)
    answers, courses, kiosk_id, made_on, end = _unpack(data[start:])
    if len(data) - start - end != (SIG_BYTES if signed else 0):
        raise _Malformed
    if _pack(answers, courses, kiosk_id, made_on) != data[start:start + end]:
        raise _Malformed            # only the one canonical packing is accepted
    handoff = Handoff(answers, courses, kiosk_id, made_on, signed, token=token)
    keys = _secrets(cfg)
    if not signed:
        if keys:
            raise HandoffError("This reference carries no signature, but this site signs its "
                               "links: it was not made by this site's kiosk, or it was altered.")
        return handoff
    if not keys:
        raise HandoffError("This reference is signed, but the site config has no "
                           "booking.secret, so it cannot be checked.")
    payload, sig = data[:start + end], data[start + end:]
    key_id = data[2:2 + KEY_ID_BYTES]
    matching = [(s, kind) for s, kind in keys if hmac.compare_digest(_key_id(s), key_id)]
    for secret, kind in matching:
        if hmac.compare_digest(_sign(secret, payload), sig):
            handoff.key = kind
            return handoff
    if matching:
        raise HandoffError("This link was altered after the kiosk made it: its signature "
                           "does not match. Do not trust what it says.")
    raise HandoffError("This link was signed with a key this site does not know: it comes "
                       "from another Leerwinkel's kiosk, or its key is no longer accepted.")


def read_handoff(cfg, url_or_token: str) -> Handoff:
    """The reference inside a link, a booking note or a bare token, checked against the
    site's current and previous secrets. Raises HandoffError when it cannot be trusted."""
    text = unquote_plus((url_or_token or "").strip())
    runs = sorted(set(TOKEN_RUN.findall(text)), key=len, reverse=True)
    for run in runs:
        try:
            return _decode(run, cfg)
        except _Malformed:
            continue
    raise HandoffError("No kiosk reference found in this text: the link is incomplete "
                       "or was altered.")


# ---------------------------------------------------------------- the link

def summary(answers: dict, course_ids: list[str], lang: str = "nl") -> str:
    """The short readable line a booking shows, e.g.
    'Doel: diploma secundair. Opleidingen: a, b. Taal: ar'."""
    _ = gettext_for(lang)
    parts = []
    if answers.get("goal"):
        parts.append(_("Doel: {goal}.").format(goal=_(words.GOAL_SHORT[answers["goal"]])))
    if course_ids:
        parts.append(_("Opleidingen: {ids}.").format(ids=", ".join(course_ids)))
    else:
        parts.append(_("Praten over mijn mogelijkheden."))
    if answers.get("language") and answers["language"] != "nl":
        parts.append(_("Taal: {code}.").format(code=answers["language"]))
    return " ".join(parts)


def fill_template(template: str, values: dict) -> str:
    """The template with each {placeholder} replaced by its URL-encoded value ('+' for
    spaces in the query part, '%20' before it)."""
    if not re.match(r"https?://", template or ""):
        raise HandoffError("The setting booking.url_template must be a web address "
                           "starting with https:// (or http://).")
    out = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        raise HandoffError("The setting booking.url_template has an unmatched '{' or '}'.") \
            from None
    for literal, name, spec, conversion in parsed:
        out.append(literal)
        if name is None:
            continue
        if name not in values or spec or conversion:
            raise HandoffError(
                f"The setting booking.url_template uses an unknown placeholder {{{name}}}; "
                f"known ones: " + ", ".join("{%s}" % p for p in PLACEHOLDERS) + ".")
        in_query = "?" in "".join(out)
        value = str(values[name])
        out.append(quote_plus(value, safe="") if in_query else quote(value, safe=""))
    return "".join(out)


def _add_query(base: str, params: list[tuple[str, str]]) -> str:
    params = [(k, v) for k, v in params if v]
    if not params:
        return base
    return base + ("&" if "?" in base else "?") + urlencode(params)


def booking_url(cfg, answers: dict, course_ids: list[str], now: datetime | None = None) -> str:
    """The text the booking QR code encodes. The same answers, courses and config give the
    same link all day: the reference holds the date, never the time."""
    preset = cfg.booking.preset
    if preset not in PRESETS:
        raise HandoffError(f"Unknown booking.preset '{preset}' in the config; "
                           f"use one of: {', '.join(PRESETS)}.")
    clean = clean_answers(answers, known_languages(cfg))
    courses = clean_courses(course_ids)
    reference = make_reference(cfg, clean, courses, now)
    text = summary(clean, courses)
    values = {"summary": text, "courses": ",".join(courses), "goal": clean.get("goal", ""),
              "language": clean.get("language", ""), "reference": reference,
              "kiosk_id": _kiosk_id(cfg), "provider_id": cfg.booking.provider_id,
              "service_id": cfg.booking.service_id}
    base = fill_template(cfg.booking.url_template, values)
    if preset == "calcom":
        return _add_query(base, [("notes", f"{text} Ref: {reference}"),
                                 ("metadata[kiosk]", values["kiosk_id"])])
    if preset == "easyappointments":
        return _add_query(base, [("provider", cfg.booking.provider_id),
                                 ("service", cfg.booking.service_id),
                                 ("ref", reference)])
    return base


# ---------------------------------------------------------------- for the counsellor

def describe(handoff: Handoff, lang: str = "nl", titles: dict | None = None) -> str:
    """Plain text for the counsellor: who signed, when, the answers and the courses.
    titles maps course ids to titles (from the current catalog) when known."""
    _ = gettext_for(lang)
    a, unknown = handoff.answers, _("weet niet of maakt niet uit")
    day = handoff.made_on
    lines = [_("Aanvraag van kiosk {kiosk}, gemaakt op {day} {month} {year}.").format(
        kiosk=handoff.kiosk_id or "?", day=day.day, month=_(words.MONTHS[day.month - 1]),
        year=day.year)]
    if handoff.key == "current":
        lines.append(_("Handtekening: in orde. Deze gegevens komen van de kiosk."))
    elif handoff.key == "previous":
        lines.append(_("Handtekening: in orde, met de vorige sleutel van deze site."))
    else:
        lines.append(_("LET OP: niet ondertekend. Niets bewijst dat dit van de kiosk komt."))
    lines.append("")

    def row(label, value):
        lines.append(f"{label}: {value}")

    row(_("Doel"), _(words.GOAL_LONG[a["goal"]]) if "goal" in a else unknown)
    level = a.get("dutch_level")
    row(_("Nederlands"), _(words.DUTCH_LEVELS.get(level, level)) if level else unknown)
    row(_("Diploma"), _(words.DIPLOMAS[a["diploma"]]) if "diploma" in a else unknown)
    row(_("Situatie"), _(words.STATUSES[a["status"]]) if "status" in a else unknown)
    row(_("Wanneer"), ", ".join(_(words.TIMES[t]) for t in a["times"]) if "times" in a
        else _("maakt niet uit"))
    row(_("Hoe"), ", ".join(_(words.FORMATS[f]) for f in a["formats"]) if "formats" in a
        else _("maakt niet uit"))
    where = a.get("postcode") or unknown
    if "max_distance_km" in a:
        where += " " + _("(tot {km} km)").format(km=a["max_distance_km"])
    row(_("Postcode"), where)
    code = a.get("language")
    row(_("Taal van de bezoeker"),
        f"{_(words.LANGUAGES[code])} ({code})" if code in words.LANGUAGES else (code or unknown))
    lines.append("")
    if handoff.course_ids:
        lines.append(_("Gekozen opleidingen:"))
        for cid in handoff.course_ids:
            title = (titles or {}).get(cid)
            lines.append(f"  - {cid}" + (f": {title}" if title else ""))
    else:
        lines.append(_("Geen opleiding gekozen: wil praten over de mogelijkheden."))
    return "\n".join(lines)


# ---------------------------------------------------------------- the QR code

def qr_png(text: str, box_px: int = 10) -> bytes:
    """A PNG of the QR code: black on white, 4-module quiet zone, medium error correction."""
    import qrcode
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M,
                       box_size=box_px, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    image = qr.make_image(fill_color="black", back_color="white")
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()
