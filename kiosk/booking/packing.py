"""The bytes inside a booking reference: the answers (as kiosk/guidance/answers.py
describes them), the course ids, the kiosk id and the date, packed into a few bytes
(vocabulary indices, bit masks) and read back in one canonical packing. Sealing and
signing are kiosk/booking/reference.py's."""
from __future__ import annotations

import struct
from datetime import date, timedelta

from kiosk import vocab
from kiosk.guidance.answers import ANSWERS, LANGUAGE, ONE_OF, SOME_OF, SPECS
from kiosk.site.config import KIOSK_ID

MAX_COURSES = 3             # courses a visitor marks to discuss; a booking carries them all
EPOCH = date(2000, 1, 1)
NO_DISTANCE = 0xFFFF
COURSE_ID = vocab.COURSE_ID             # the one rule for ids, shared with the feed check
valid_course_id = vocab.valid_course_id


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


STATUSES = SPECS["status"].values
SEVERAL = 0x80              # a status byte with this bit: a mask of several statuses


def _status_byte(statuses) -> int:
    """0 none, 1..6 one status (as links always had), else SEVERAL | their mask."""
    mask = vocab.mask(SPECS["status"].values, [statuses] if isinstance(statuses, str) else statuses)
    return mask.bit_length() if mask & (mask - 1) == 0 else SEVERAL | mask


def _statuses(byte: int) -> list[str]:
    if byte & SEVERAL:
        return [v for i, v in enumerate(STATUSES) if byte >> i & 1]
    if byte > len(STATUSES):
        raise _Malformed
    return [STATUSES[byte - 1]] if byte else []


# The fixed layout of the first links (their keys keep it): the single-choice answers'
# indices, the status byte, the times and formats masks in one byte, postcode and
# kilometres, the language. Every other key that travels sealed follows the courses, in
# the order of the description, one field each (a single choice: its index + 1 in as
# many bytes as it needs; several: their mask), trailing zero fields left out, so a link
# made before a key existed reads as "not answered".
HEAD_SINGLE = ("goal", "dutch_level", "diploma")
HEAD = HEAD_SINGLE + ("status", "times", "formats", "postcode", "max_distance_km", "language")
TRAILER = tuple(s for s in ANSWERS if s.key not in HEAD and (s.sealed or s.readable))
assert all(s.kind in (ONE_OF, SOME_OF) for s in TRAILER), "the trailer packs choices only"


def _width(spec) -> int:
    """Bytes of a trailer field."""
    largest = len(spec.values) if spec.kind == ONE_OF else (1 << len(spec.values)) - 1
    return max(1, (largest.bit_length() + 7) // 8)


def _pack_trailer(answers: dict) -> bytes:
    fields = []
    for spec in TRAILER:
        chosen = answers.get(spec.key)
        if spec.kind == ONE_OF:
            n = spec.values.index(chosen) + 1 if chosen in spec.values else 0
        else:
            n = vocab.mask(spec.values, [chosen] if isinstance(chosen, str) else chosen)
        fields.append(n.to_bytes(_width(spec), "big"))
    while fields and not any(fields[-1]):
        fields.pop()
    return b"".join(fields)


def _unpack_trailer(r: _Reader, answers: dict) -> None:
    for spec in TRAILER:
        if r.pos >= len(r.data):
            return
        n = int.from_bytes(r.take(_width(spec)), "big")
        if spec.kind == ONE_OF:
            if n > len(spec.values):
                raise _Malformed
            if n:
                answers[spec.key] = spec.values[n - 1]
        else:
            if n >> len(spec.values):
                raise _Malformed
            chosen = [v for i, v in enumerate(spec.values) if n >> i & 1]
            if chosen:
                answers[spec.key] = chosen


def _pack(answers: dict, course_ids: list[str], kiosk_id: str, day: date) -> bytes:
    out = bytearray(struct.pack(">H", (day - EPOCH).days))
    for key in HEAD_SINGLE:
        values = SPECS[key].values
        out.append(values.index(answers[key]) + 1 if key in answers else 0)
    out.append(_status_byte(answers.get("status")))
    out.append(vocab.mask(SPECS["times"].values, answers.get("times"))
               | vocab.mask(SPECS["formats"].values, answers.get("formats")) << 3)
    postcode = answers.get("postcode")
    out += struct.pack(">HH", int(postcode) + 1 if postcode else 0,
                       answers.get("max_distance_km", NO_DISTANCE))
    out += _short_text(answers.get("language", ""))
    out += _short_text(kiosk_id)
    out.append(len(course_ids))
    for cid in course_ids:
        out += _pack_id(cid)
    return bytes(out + _pack_trailer(answers))


class _Malformed(Exception):
    """Bytes that are not a packed body."""


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
    for key in HEAD_SINGLE:
        values = SPECS[key].values
        i = r.byte()
        if i > len(values):
            raise _Malformed
        if i:
            answers[key] = values[i - 1]
    statuses = _statuses(r.byte())
    if statuses:            # one status as one word, as links always carried it
        answers["status"] = statuses[0] if len(statuses) == 1 else statuses
    masks = r.byte()
    if masks >> 6:
        raise _Malformed
    for key, shift in (("times", 0), ("formats", 3)):
        chosen = [v for i, v in enumerate(SPECS[key].values) if masks >> shift & 1 << i]
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
    _unpack_trailer(r, answers)
    return answers, courses, kiosk_id, made_on, r.pos
