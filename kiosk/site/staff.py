"""The staff PIN: stored only as a salted scrypt hash in the site config, and a lockout
after wrong PINs that survives a restart (its state is a small file in the cache folder)."""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from kiosk import paths
from kiosk.files import check_output_path, write_atomically

log = logging.getLogger("kiosk")

_N, _R, _P = 2**14, 8, 1
MIN_PIN_DIGITS, MAX_PIN_DIGITS = 4, 12


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_N, r=_R, p=_P, dklen=32)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    """True when pin matches the stored hash. No hash set = no staff access."""
    try:
        scheme, salt, _digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt" or not valid_pin_hash(stored):
        return False
    return hmac.compare_digest(hash_pin(pin, bytes.fromhex(salt)), stored)


PIN_HASH = re.compile(r"scrypt\$[0-9a-f]{32}\$[0-9a-f]{64}", re.ASCII)


def valid_pin_hash(stored: str) -> bool:
    """The form `hash_pin` writes: scrypt, 16 bytes of salt, 32 of digest, in hex."""
    return isinstance(stored, str) and PIN_HASH.fullmatch(stored) is not None


def valid_pin(pin: str) -> bool:
    """4 to 12 of the digits 0-9 the keypad has (not Arabic-Indic or other digits)."""
    return (isinstance(pin, str) and pin.isascii() and pin.isdigit()
            and MIN_PIN_DIGITS <= len(pin) <= MAX_PIN_DIGITS)


def write_pin_hash(path: Path, pin_hash: str) -> None:
    """Set [staff] pin_hash in the config file, keeping its other text and comments, its
    mode and its owner; a file that does not exist yet is made, readable by its owner
    only (it is where the booking secret goes too). Raises OSError."""
    check_output_path(path)
    doc = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
    doc.setdefault("staff", tomlkit.table())["pin_hash"] = pin_hash
    write_atomically(path, tomlkit.dumps(doc), mode_if_new=0o600)


LOCKOUT_FILE = "pin-lockout.json"
FREE_TRIES = 3                 # wrong PINs before the entry locks
FIRST_LOCK_S = 30              # the lock after FREE_TRIES wrong PINs; doubles with each next one
LONGEST_LOCK_S = 15 * 60


def lock_seconds(failures: int) -> int:
    """How long the PIN entry locks after this many wrong PINs in a row."""
    if failures < FREE_TRIES:
        return 0
    return min(FIRST_LOCK_S * 2 ** min(failures - FREE_TRIES, 20), LONGEST_LOCK_S)


@dataclass
class PinCheck:
    ok: bool
    wait_s: int = 0            # > 0: the entry is locked for this many seconds more


class PinLockout:
    """Wrong PINs in a row and the time until which PIN entry is locked.

    Kept in cache_dir/pin-lockout.json so that restarting the kiosk does not reset it;
    `clock` gives the wall-clock time in seconds (injectable for tests)."""

    def __init__(self, cache_dir: Path | None = None, clock: Callable[[], float] = time.time):
        self.path = paths.cache_dir(cache_dir) / LOCKOUT_FILE
        self.clock = clock
        self.unsaved: tuple[int, float] | None = None   # the state a full disk refused

    def _load(self) -> tuple[int, float]:
        if self.unsaved is not None:
            return self.unsaved
        try:
            state = json.loads(self.path.read_text(encoding="utf-8"))
            return max(int(state["failures"]), 0), float(state["locked_until"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0, 0.0

    def _save(self, failures: int, locked_until: float) -> None:
        """Keep the state in the file; when the disk refuses (full, read-only), in memory
        until a later save succeeds: wrong PINs still count, the right PIN still works."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(self.path, json.dumps({"failures": failures,
                                                     "locked_until": locked_until}))
        except OSError as exc:
            log.warning("PIN lockout kept in memory only: %s", exc.strerror or exc)
            self.unsaved = (failures, locked_until)
        else:
            self.unsaved = None

    def wait_s(self) -> int:
        """Seconds until a PIN may be tried again (0 = now). A clock set back cannot make
        the wait longer than the longest lock."""
        _failures, locked_until = self._load()
        return min(math.ceil(max(locked_until - self.clock(), 0)), LONGEST_LOCK_S)

    def check(self, pin: str, stored: str) -> PinCheck:
        """Try a PIN: refused unchecked while locked; a wrong one counts, a right one resets."""
        wait = self.wait_s()
        if wait:
            return PinCheck(ok=False, wait_s=wait)
        if verify_pin(pin, stored):
            self._save(0, 0.0)
            return PinCheck(ok=True)
        failures = self._load()[0] + 1
        lock = lock_seconds(failures)
        self._save(failures, self.clock() + lock if lock else 0.0)
        return PinCheck(ok=False, wait_s=lock)
