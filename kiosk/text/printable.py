"""Untrusted text made safe to print on a terminal or show in a message.

Feed ids and titles, provider names, answers and link contents come from outside. Before
they reach a terminal, every character that could move the cursor, clear the screen,
change colours, reverse the reading direction or hide itself is shown as a visible escape
(`\\x1b`, `\\u202e`, `\\n`), and long text is cut with an ellipsis. Printing goes through
`printable` (plain text) or `json_text` (JSON output) only.
"""
from __future__ import annotations

import json
import re

LINE_LIMIT = 300            # characters of one printed line of untrusted text
ELLIPSIS = "…"

# C0 controls (tab and newline are decided by the caller), DEL, C1 controls, the soft
# hyphen, zero-width characters, bidi marks, embeddings, overrides and isolates, the line
# and paragraph separators and the byte-order mark.
_UNSAFE = ("\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e"
           "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb")
_UNSAFE_LINE = re.compile(f"[{_UNSAFE}\t\n]")
_UNSAFE_TEXT = re.compile(f"[{_UNSAFE}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_one(match: re.Match) -> str:
    if match.group() in _NAMED:
        return _NAMED[match.group()]
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape(text: str, keep_newlines: bool = False) -> str:
    """text with every unsafe character as a visible escape; newlines and tabs too unless
    keep_newlines."""
    return (_UNSAFE_TEXT if keep_newlines else _UNSAFE_LINE).sub(_escape_one, str(text))


def is_clean(text: str) -> bool:
    """True when text has no control, invisible or direction-changing character (nor a
    tab or newline): such text can be used as an identifier."""
    return not _UNSAFE_LINE.search(text)


def quoted(value, limit: int = 60) -> str:
    """A short, safe rendering of any value for a message: a text quoted, escaped and cut;
    a number as written when short; anything else by its kind only (never its repr, which
    for a deeply nested value fails and for a huge one is huge)."""
    if isinstance(value, str):
        return "'" + one_line(value, limit) + "'"
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, (int, float)):
        text = repr(value) if not isinstance(value, int) or value.bit_length() < 64 else ""
        return text if text and len(text) <= limit else "a very long number"
    return {dict: "an object", list: "a list"}.get(type(value), "a value")


def cut(text: str, limit: int = LINE_LIMIT) -> str:
    """text of at most limit characters, ending in an ellipsis when it was longer."""
    return text if len(text) <= limit else text[:max(limit - 1, 0)] + ELLIPSIS


def one_line(text, limit: int = LINE_LIMIT) -> str:
    """Untrusted text as one safe line: escaped (newlines too), then cut. Only a cut of the
    text is escaped, so a huge value costs no more than a short one."""
    text = "" if text is None else str(text)
    return cut(escape(text[:limit * 2 + 1]), limit)


def printable(text, limit: int = LINE_LIMIT) -> str:
    """Text of several lines made safe: each line escaped and cut; the line breaks stay."""
    return "\n".join(one_line(line, limit) for line in str(text).split("\n"))


def json_text(value, indent: int | None = None) -> str:
    """JSON for a terminal: the same document json.loads gives back, with every unsafe
    character (C1, bidi, zero-width, …) written as a \\u escape."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _UNSAFE_TEXT.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
