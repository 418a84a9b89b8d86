"""Writing files so that a crash never leaves half of one behind."""
from __future__ import annotations

import os
from pathlib import Path


def write_atomically(path: Path, text: str, tmp: Path | None = None) -> None:
    """Write `text` (UTF-8) to `path` whole or not at all: first to a temporary file
    beside it (`tmp`, by default the name plus ".tmp"), then renamed over `path`."""
    path = Path(path)
    tmp = tmp or path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def fsync(path: Path) -> None:
    """Push a file's (or a folder's) content to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
