"""Reading text aloud offline with espeak-ng, when the machine has it."""
from __future__ import annotations

import shutil
import subprocess

VOICES = {"nl": "nl", "en": "en", "fr": "fr-fr", "ar": "ar", "uk": "uk", "tr": "tr"}
_current: subprocess.Popen | None = None


def available() -> bool:
    return shutil.which("espeak-ng") is not None


def speak(text: str, lang: str) -> bool:
    """Start reading `text` aloud, stopping what was being read. False if not possible."""
    global _current
    stop()
    if not available() or not text.strip():
        return False
    _current = subprocess.Popen(["espeak-ng", "-v", VOICES.get(lang, "nl"), "-s", "140", text],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return True


def stop() -> None:
    global _current
    if _current and _current.poll() is None:
        _current.terminate()
    _current = None
