"""The reference spelled for typing: Crockford base32 in groups of four (no I, L, O or U;
case and dashes do not matter; O is read as 0 and I or L as 1), as the paper slip prints it
and the counsellor page accepts it. It carries the same sealed bytes as the link."""
from __future__ import annotations

import base64
import re

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TYPOS = str.maketrans({"O": "0", "I": "1", "L": "1"})
GROUP = 4
SPELLED = re.compile(r"[0-9A-Za-z]{4}(?:[\s-]+[0-9A-Za-z]{1,4})+")


def spell(reference: str) -> str:
    """'ABCD-EFGH-…' for a base64url reference."""
    data = base64.urlsafe_b64decode(reference + "=" * (-len(reference) % 4))
    number, bits = int.from_bytes(data, "big"), len(data) * 8
    chars = (bits + 4) // 5
    number <<= chars * 5 - bits
    text = "".join(ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(chars)))
    return "-".join(text[i:i + GROUP] for i in range(0, len(text), GROUP))


def read(text: str) -> str | None:
    """The base64url reference a typed code spells, or None when it is not one."""
    clean = re.sub(r"[\s-]", "", text or "").upper().translate(TYPOS)
    if len(clean) < 16 or any(c not in ALPHABET for c in clean):
        return None
    number = 0
    for c in clean:
        number = number << 5 | ALPHABET.index(c)
    size = len(clean) * 5 // 8
    pad = len(clean) * 5 - size * 8
    if number & ((1 << pad) - 1):
        return None                 # spare bits must be zero: one spelling per reference
    data = (number >> pad).to_bytes(size, "big")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def find(text: str) -> str | None:
    """The reference when the whole text is a typed code (groups of up to four letters
    and digits), else None: a link or note is read as it is."""
    text = (text or "").strip()
    return read(text) if len(text) <= 400 and SPELLED.fullmatch(text) else None
