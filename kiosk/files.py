"""Writing files so that a crash never leaves half of one behind, and never onto
something that is not a plain file (a device node, a FIFO, a folder)."""
from __future__ import annotations

import os
import stat
from pathlib import Path


class NotAFileError(OSError):
    """The output path names a device, a FIFO, a socket or a folder: it is left alone."""


def check_output_path(path: Path) -> None:
    """Raise NotAFileError when `path` exists and is not a regular file (a symbolic link
    is followed: a link to /dev/sda is refused like /dev/sda itself)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as exc:
        raise NotAFileError(exc.errno, exc.strerror, str(path)) from None
    if not stat.S_ISREG(mode):
        kind = "a folder" if stat.S_ISDIR(mode) else "not a plain file"
        raise NotAFileError(0, f"{kind}; it is left alone", str(path))


def write_atomically(path: Path, text: str | bytes, tmp: Path | None = None,
                     mode_if_new: int = 0o666) -> None:
    """Write `text` (UTF-8, or bytes) to `path` whole or not at all: first to a temporary
    file beside it (`tmp`, by default the name plus ".tmp"), then renamed over `path`.
    A file it replaces keeps its mode and owner (a site config stays root:kiosk 0640);
    a new one gets `mode_if_new` (less the umask). A path that is not a plain file is
    refused (NotAFileError)."""
    path = Path(path)
    check_output_path(path)
    tmp = tmp or path.with_name(path.name + ".tmp")
    data = text.encode("utf-8") if isinstance(text, str) else text
    try:
        old = os.stat(path)
    except FileNotFoundError:
        old = None
    try:
        os.unlink(tmp)                         # a leftover (or a FIFO) is never opened
    except FileNotFoundError:
        pass
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL,
                 stat.S_IMODE(old.st_mode) if old else mode_if_new)
    try:
        if old is not None:
            os.fchmod(fd, stat.S_IMODE(old.st_mode))
            if (old.st_uid, old.st_gid) != (os.geteuid(), os.getegid()):
                try:
                    os.fchown(fd, old.st_uid, old.st_gid)
                except PermissionError:        # not root: the mode at least is kept
                    pass
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except BaseException:
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
    os.close(fd)
    os.replace(tmp, path)


def fsync(path: Path) -> None:
    """Push a file's (or a folder's) content to the disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
