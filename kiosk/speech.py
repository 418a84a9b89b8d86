"""Reading text aloud offline with espeak-ng, when the machine has it."""
from __future__ import annotations

import shutil
import subprocess

VOICES = {"nl": "nl", "en": "en", "fr": "fr-fr", "ar": "ar", "uk": "uk", "tr": "tr"}
_current: subprocess.Popen | None = None


def available() -> bool:
    return shutil.which("espeak-ng") is not None


def speak(text: str, lang: str, wav: str | None = None) -> bool:
    """Start reading `text` aloud (or into the file `wav`), stopping what was being read.
    False when it is not possible."""
    global _current
    stop()
    if not available() or not text.strip():
        return False
    command = ["espeak-ng", "-v", VOICES.get(lang, "nl"), "-s", "140"]
    if wav:
        command += ["-w", wav]
    _current = subprocess.Popen(command + ["--stdin"], stdin=subprocess.PIPE,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _current.stdin.write(text.encode("utf-8"))      # never read as options
    _current.stdin.close()
    return True


def wait(timeout: float = 30) -> int | None:
    """Wait for the current reading to end; its exit code (None when nothing was read)."""
    return _current.wait(timeout) if _current else None


def stop() -> None:
    global _current
    if _current and _current.poll() is None:
        _current.terminate()
    _current = None
