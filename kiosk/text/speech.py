"""Reading text aloud offline with espeak-ng, when the machine has it.

A screen is read as a list of segments (text, language): the kiosk's own texts in the
visitor's language, course titles and provider names in Dutch, each language name of the
picker in its own language. Segments are spoken one after another, each with its own
voice, by a background thread; `stop()` ends the reading at once. Where an MBROLA Dutch
voice is installed (Debian `mbrola` and `mbrola-nl2`), Dutch uses it; espeak-ng's own
voice is the fallback.
"""
from __future__ import annotations

import io
import math
import os
import shutil
import struct
import subprocess
import threading
import wave
from pathlib import Path

VOICES = {"nl": "nl", "en": "en", "fr": "fr-fr", "ar": "ar", "uk": "uk", "tr": "tr"}
# better offline voices, used when their data is installed: (espeak voice, data file)
BETTER_VOICES = {"nl": [("mb-nl2", "/usr/share/mbrola/nl2/nl2"),
                        ("mb-nl3", "/usr/share/mbrola/nl3/nl3")]}
RATE = 140                                     # words a minute: slower than espeak's 175
MAX_CHARS = 20_000                             # a screen never says more than this
SILENT_DIR_ENV = "KIOSK_SPEECH_WAV_DIR"        # write speech there instead of playing it

_lock = threading.Lock()
_current: subprocess.Popen | None = None
_reader: threading.Thread | None = None
_stopped = threading.Event()                   # the current reading's stop signal


def available() -> bool:
    return shutil.which("espeak-ng") is not None


def voice(lang: str) -> str:
    """The espeak-ng voice for lang: an installed MBROLA voice first, else espeak's own."""
    if shutil.which("mbrola"):
        for name, data in BETTER_VOICES.get(lang, ()):
            if Path(data).exists():
                return name
    return VOICES.get(lang, VOICES["nl"])


def merge(segments) -> list[tuple[str, str]]:
    """Drop empty segments and join neighbours in the same language (fewer voice starts)."""
    out: list[tuple[str, str]] = []
    for text, lang in segments:
        text = " ".join((text or "").split())
        if not text:
            continue
        if out and out[-1][1] == lang:
            out[-1] = (f"{out[-1][0]} {text}", lang)
        else:
            out.append((text, lang))
    return out


def _run(text: str, lang: str, wav: str | None = None) -> subprocess.Popen:
    command = ["espeak-ng", "-v", voice(lang), "-s", str(RATE)]
    if wav:
        command += ["-w", wav]
    process = subprocess.Popen(command + ["--stdin"], stdin=subprocess.PIPE,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    process.stdin.write(text[:MAX_CHARS].encode("utf-8"))      # never read as options
    process.stdin.close()
    return process


def speak(text: str, lang: str, wav: str | None = None) -> bool:
    """Start reading `text` aloud (or into the file `wav`), stopping what was being read.
    False when it is not possible."""
    return speak_segments([(text, lang)], wav=wav)


def speak_segments(segments, wav: str | None = None) -> bool:
    """Read the segments (text, lang) one after another, each in its language's voice;
    with `wav`, into that file (one language only). False when there is nothing to say
    or no espeak-ng."""
    global _current, _reader, _stopped
    stop()
    parts = merge(segments)
    if not available() or not parts:
        return False
    if wav:
        text = " ".join(t for t, _ in parts)
        with _lock:
            _current = _run(text, parts[0][1], wav)
        return True
    _stopped = threading.Event()                  # a reading stopped before stays stopped
    _reader = threading.Thread(target=_read_all, args=(parts, _stopped), daemon=True)
    _reader.start()
    return True


def _read_all(parts, stopped: threading.Event) -> None:
    global _current
    silent = os.environ.get(SILENT_DIR_ENV)
    for number, (text, lang) in enumerate(parts):
        wav = str(Path(silent) / f"{number:03d}-{lang}.wav") if silent else None
        with _lock:
            if stopped.is_set():
                return
            _current = _run(text, lang, wav)
            process = _current
        process.wait()
        if wav and process.returncode == 0:
            _play_silently(wav, stopped)


def _play_silently(wav: str, stopped: threading.Event) -> None:
    """On a device without sound output (KIOSK_SPEECH_WAV_DIR set): the speech is written
    to a file and the reading takes as long as playing it would."""
    with wave.open(wav) as sound:
        seconds = sound.getnframes() / sound.getframerate()
    stopped.wait(seconds)


def speaking() -> bool:
    """True while a reading is going on."""
    if _stopped.is_set():
        return False
    if _reader is not None and _reader.is_alive():
        return True
    return _current is not None and _current.poll() is None


def wait(timeout: float = 30) -> int | None:
    """Wait for the current reading to end; its (last) exit code, None when nothing was read."""
    if _reader is not None:
        _reader.join(timeout)
    return _current.wait(timeout) if _current else None


def stop() -> None:
    global _current
    _stopped.set()
    with _lock:
        if _current and _current.poll() is None:
            _current.terminate()
        _current = None


def sound_output() -> bool:
    """The machine has a sound card (ALSA) or a sound server to play on."""
    cards = Path("/dev/snd")
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    return ((cards.is_dir() and any(cards.glob("pcm*")))
            or bool(os.environ.get("PULSE_SERVER"))
            or bool(runtime and Path(runtime, "pulse", "native").exists()))


def tone_wav(freq: float = 880.0, seconds: float = 0.35, rate: int = 22050) -> bytes:
    """A short soft two-note chime as WAV bytes: the idle warning's sound."""
    frames = bytearray()
    count = int(rate * seconds)
    for i in range(count):
        note = freq if i < count // 2 else freq * 0.75
        fade = min(1.0, i / (rate * 0.01), (count - i) / (rate * 0.05))
        sample = int(9000 * fade * math.sin(2 * math.pi * note * i / rate))
        frames += struct.pack("<h", sample)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return buf.getvalue()
