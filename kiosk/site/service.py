"""`kiosk install-service`: the kiosk as a systemd user service of this checkout, and
optionally the boot session that shows it (deploy/README.md explains both).

The unit is deploy/systemd/leerwinkel-kiosk.service with this checkout's paths written in.
Run by a normal user, it goes to that user's own systemd (~/.config/systemd/user); run as
root for a kiosk account (`--user`), it goes to /etc/systemd/user with, on request, the
autologin, the session script (bare X or cage) and the files they need.
"""
from __future__ import annotations

import os
import pwd
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kiosk import paths

UNIT = "leerwinkel-kiosk.service"
DEPLOY = paths.ROOT / "deploy"
SESSIONS = {   # the recipe's files: (file in deploy/, where it goes, mode); ~ = the user's home
    "x11": [("session/xinitrc", "/etc/leerwinkel/xinitrc", 0o755),
            ("session/10-leerwinkel-noblank.conf",
             "/etc/X11/xorg.conf.d/10-leerwinkel-noblank.conf", 0o644),
            ("session/bash_profile", "~/.bash_profile", 0o644)],
    "wayland": [("session/cage-session", "/etc/leerwinkel/cage-session", 0o755),
                ("session/cage-bash_profile", "~/.bash_profile", 0o644)],
}
AUTOLOGIN = ("session/autologin.conf", "/etc/systemd/system/getty@tty1.service.d/autologin.conf")
SAFE_PATH = re.compile(r"[^\s\"'\\$%`;]+")       # nothing systemd would expand or split


class ServiceError(Exception):
    """The service cannot be installed as asked; the message says why in one line."""


@dataclass
class File:
    path: Path
    text: str
    mode: int = 0o644


@dataclass
class Plan:
    files: list[File] = field(default_factory=list)
    commands: list[list[str]] = field(default_factory=list)
    next_step: str = ""

    def text(self) -> str:
        """What --dry-run prints: every file in full, then the commands."""
        out = []
        for f in self.files:
            out += [f"# ---- {f.path} (mode {f.mode:04o})", f.text.rstrip("\n")]
        out += ["# ---- then run:"] + [shlex.join(c) for c in self.commands]
        return "\n".join(out) + "\n"


def _checked(value: Path, what: str) -> str:
    text = str(value)
    if not SAFE_PATH.fullmatch(text):
        raise ServiceError(f"the {what} path {text!r} has spaces or characters a systemd "
                           "unit would read differently; use a path without them.")
    return text


def kiosk_command() -> Path:
    """The `kiosk` script of the Python environment running this command."""
    found = Path(sys.executable).parent / "kiosk"
    if not found.is_file():
        raise ServiceError(f"there is no kiosk command at {found}; install this checkout "
                           "in its environment first (pip install -e .).")
    return found


def unit_text(kiosk: Path, config: Path | None, cache_dir: Path) -> str:
    """deploy/systemd's unit with this checkout's command, config and cache folder."""
    lines = []
    for line in (DEPLOY / "systemd" / UNIT).read_text(encoding="utf-8").splitlines():
        if line.startswith("Documentation="):
            line = f"Documentation=file:{_checked(DEPLOY / 'README.md', 'checkout')}"
        elif line.startswith("Environment=KIOSK_CONFIG="):
            if config is None:
                continue                # no site config: the kiosk's defaults
            line = f"Environment=KIOSK_CONFIG={_checked(config, 'config')}"
        elif line.startswith("Environment=KIOSK_CACHE_DIR="):
            line = f"Environment=KIOSK_CACHE_DIR={_checked(cache_dir, 'cache folder')}"
        elif line.startswith("Environment=KIVY_HOME="):
            line = f"Environment=KIVY_HOME={_checked(cache_dir / 'kivy', 'cache folder')}"
        elif line.startswith("ReadWritePaths="):     # the sandbox's only writable folder
            line = f"ReadWritePaths={_checked(cache_dir, 'cache folder')}"
        elif line.startswith("ExecStart="):
            line = f"ExecStart={_checked(kiosk, 'kiosk command')} run --kiosk"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _home(user: str, dry_run: bool) -> Path:
    try:
        return Path(pwd.getpwnam(user).pw_dir)
    except KeyError:
        if dry_run:
            return Path("/home") / user
        raise ServiceError(f"there is no user {user!r}; create it first "
                           f"(adduser --disabled-password {user}).") from None


def _session_files(session: str, user: str, home: Path) -> list[File]:
    src, dest = AUTOLOGIN
    autologin = (DEPLOY / src).read_text(encoding="utf-8")
    files = [File(Path(dest), autologin.replace("--autologin kiosk", f"--autologin {user}"))]
    for src, dest, mode in SESSIONS[session]:
        where = home / dest[2:] if dest.startswith("~/") else Path(dest)
        files.append(File(where, (DEPLOY / src).read_text(encoding="utf-8"), mode))
    return files


def plan(config: Path | None, cache_dir: Path, session: str | None = None,
         user: str | None = None, as_root: bool | None = None, dry_run: bool = False,
         kiosk: Path | None = None) -> Plan:
    """The files to write and the commands to run, without doing anything."""
    as_root = os.geteuid() == 0 if as_root is None else as_root
    unit = unit_text(kiosk or kiosk_command(), config and config.absolute(),
                     cache_dir.absolute())
    if not as_root:
        if session or user:
            raise ServiceError("--session and --user change the whole machine: run this as "
                               "root (sudo), naming the account that shows the kiosk.")
        config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
        return Plan([File(config_home / "systemd" / "user" / UNIT, unit)],
                    [["systemctl", "--user", "daemon-reload"],
                     ["systemctl", "--user", "enable", UNIT]],
                    f"Enabled: the kiosk starts with your graphical session. Now: "
                    f"systemctl --user start {UNIT}")
    if not user or not re.fullmatch(r"[a-z_][a-z0-9_-]{0,31}", user):
        raise ServiceError("as root, name the account that shows the kiosk: --user kiosk")
    out = Plan([File(Path("/etc/systemd/user") / UNIT, unit)],
               [["systemctl", "daemon-reload"], ["systemctl", "--global", "enable", UNIT]],
               f"Enabled for {user}'s session. Restart the machine to see the kiosk: "
               "systemctl reboot")
    if session:
        out.files += _session_files(session, user, _home(user, dry_run))
        out.commands.append(["systemctl", "enable", "getty@tty1.service"])
    return out


def apply(todo: Plan, owner: str | None = None) -> None:
    """Write the files and run the commands; a file in a home folder belongs to `owner`."""
    account = pwd.getpwnam(owner) if owner else None
    for f in todo.files:
        f.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = f.path.with_name(f".{f.path.name}.tmp")
        tmp.write_text(f.text, encoding="utf-8")
        tmp.chmod(f.mode)
        if account and f.path.is_relative_to(account.pw_dir):
            os.chown(tmp, account.pw_uid, account.pw_gid)
        os.replace(tmp, f.path)
    for command in todo.commands:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            reason = (done.stderr or done.stdout).strip().splitlines() or ["no message"]
            raise ServiceError(f"{shlex.join(command)} failed: {reason[-1]}")
