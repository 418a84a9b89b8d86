"""Counsellors who may log in: names with scrypt password hashes in one JSON file in the
site's data folder (never in the repository), and a lockout after repeated failures.

The file holds, per name, the hash, the number of wrong passwords in a row and until when
the name is locked. It is rewritten atomically under a lock; a damaged file refuses every
login (and says so in the log) rather than letting anyone in.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from kiosk import paths
from kiosk.files import write_atomically

FILE_NAME = "counsellor-users.json"
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}", re.ASCII)
MIN_PASSWORD = 10
MAX_PASSWORD = 200
MAX_FILE_BYTES = 1_000_000
# scrypt: 2**15 rounds of 8 blocks, 32 MB of memory per try; 0.1 to 0.3 s (bench/counsellor.py)
SCRYPT = {"n": 2 ** 15, "r": 8, "p": 1}
SCRYPT_MAXMEM = 64 * 1024 * 1024


class UserError(Exception):
    """A name, password or users file that cannot be used; the message says why."""


def users_path(cfg) -> Path:
    return Path(cfg.counsellor.users_file) if cfg.counsellor.users_file else \
        paths.cache_dir() / FILE_NAME


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str, salt: bytes | None = None, cost: dict | None = None) -> str:
    """'scrypt$n$r$p$salt$hash' (base64), for the users file."""
    cost = cost or SCRYPT
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, maxmem=SCRYPT_MAXMEM,
                            dklen=32, **cost)
    return f"scrypt${cost['n']}${cost['r']}${cost['p']}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        cost = {"n": int(n), "r": int(r), "p": int(p)}
        if cost["n"] > 2 ** 20 or cost["r"] > 16 or cost["p"] > 4:
            return False
        again = hash_password(password, base64.b64decode(salt), cost).split("$")[-1]
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(again, digest)


# a hash to check against when the name is unknown: a login takes as long either way
_DUMMY = hash_password(secrets.token_hex(8))


@dataclass
class Attempt:
    ok: bool
    locked: bool = False            # the name is locked (now, or by this failure)


class Users:
    """The users file of one site, safe to use from several request threads."""

    def __init__(self, path: Path, max_failures: int = 5, lockout_minutes: int = 15):
        self.path, self.max_failures = path, max_failures
        self.lockout = timedelta(minutes=lockout_minutes)
        self._lock = threading.Lock()

    def _read(self) -> dict:
        try:
            with open(self.path, "rb") as handle:
                raw = handle.read(MAX_FILE_BYTES + 1)
        except FileNotFoundError:
            return {}
        if len(raw) > MAX_FILE_BYTES:
            raise UserError(f"The users file {self.path} is too large.")
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise UserError(f"The users file {self.path} is damaged.") from None
        if not isinstance(data, dict) or not isinstance(data.get("users"), dict):
            raise UserError(f"The users file {self.path} is damaged.")
        return data["users"]

    def _write(self, users: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(self.path, json.dumps({"users": users}, indent=1, sort_keys=True))
        self.path.chmod(0o600)

    def names(self) -> list[str]:
        with self._lock:
            return sorted(self._read())

    def add(self, name: str, password: str) -> bool:
        """Add a counsellor or set a new password (which also unlocks). True when new."""
        if not NAME.fullmatch(name or ""):
            raise UserError("A name is 1 to 40 lower-case letters, digits, '.', '_' or '-'.")
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise UserError(f"A password has {MIN_PASSWORD} to {MAX_PASSWORD} characters.")
        record = {"hash": hash_password(password), "failures": 0, "locked_until": ""}
        with self._lock:
            users = self._read()
            new = name not in users
            users[name] = record
            self._write(users)
        return new

    def login(self, name: str, password: str, now: datetime | None = None) -> Attempt:
        """Checks a name and password; counts failures and locks a name after
        max_failures in a row. A locked name is refused even with the right password."""
        now = now or datetime.now(UTC)
        if not NAME.fullmatch(name or "") or len(password or "") > MAX_PASSWORD:
            check_password("x", _DUMMY)
            return Attempt(False)
        with self._lock:
            users = self._read()
            record = users.get(name)
            if record is None:
                check_password(password, _DUMMY)
                return Attempt(False)
            until = record.get("locked_until") or ""
            if until and datetime.fromisoformat(until) > now:
                return Attempt(False, locked=True)
            if check_password(password, record.get("hash", "")):
                if record.get("failures"):
                    record.update(failures=0, locked_until="")
                    self._write(users)
                return Attempt(True)
            record["failures"] = int(record.get("failures", 0)) + 1
            locked = record["failures"] >= self.max_failures
            if locked:
                record.update(failures=0, locked_until=(now + self.lockout).isoformat())
            self._write(users)
            return Attempt(False, locked=locked)


def for_site(cfg) -> Users:
    return Users(users_path(cfg), cfg.counsellor.max_failures, cfg.counsellor.lockout_minutes)
