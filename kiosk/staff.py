"""The staff PIN: stored only as a salted scrypt hash in the site config."""
from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

import tomlkit

from .files import write_atomically


_N, _R, _P = 2**14, 8, 1


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
    if scheme != "scrypt":
        return False
    return hmac.compare_digest(hash_pin(pin, bytes.fromhex(salt)), stored)


def valid_pin(pin: str) -> bool:
    return pin.isdigit() and 4 <= len(pin) <= 12


def write_pin_hash(path: Path, pin_hash: str) -> None:
    """Set [staff] pin_hash in the config file, keeping its other text and comments."""
    doc = tomlkit.parse(path.read_text(encoding="utf-8")) if path.exists() else tomlkit.document()
    doc.setdefault("staff", tomlkit.table())["pin_hash"] = pin_hash
    write_atomically(path, tomlkit.dumps(doc))
