"""Reading aloud, offline, in the kiosk's languages."""
import subprocess
import wave

import pytest

from kiosk import paths
from kiosk.guidance import questionnaire
from kiosk.text import i18n, speech, spoken_forms


@pytest.mark.parametrize("lang", ["nl", "fr", "en", "ar", "uk"])
def test_question_is_spoken_in_the_visitors_language(tmp_path, lang):
    assert speech.available(), "espeak-ng is installed by scripts/setup"
    title = i18n.gettext_for(lang)(questionnaire.load()[0].title)
    short, long = tmp_path / "short.wav", tmp_path / "long.wav"
    assert speech.speak(title, lang, wav=str(short)) and speech.wait() == 0
    assert speech.speak(f"{title} {title} {title}", lang, wav=str(long)) and speech.wait() == 0
    with wave.open(str(short)) as s, wave.open(str(long)) as longer:
        assert s.getnframes() > s.getframerate() * 0.3          # real speech, not silence
        assert longer.getnframes() > 2 * s.getnframes()


def test_nothing_to_say_starts_nothing():
    assert speech.speak("   ", "nl") is False


def test_segments_in_different_languages_are_read_one_after_another():
    parts = speech.merge([("Kies je taal", "nl"), ("", "en"), ("English", "en"),
                          ("Français", "fr"), ("  Nederlands ", "nl"), ("Welkom", "nl")])
    assert parts == [("Kies je taal", "nl"), ("English", "en"), ("Français", "fr"),
                     ("Nederlands Welkom", "nl")]
    assert speech.speak_segments(parts) and speech.speaking()
    speech.stop()                                   # the same button stops it at once
    assert not speech.speaking()
    assert speech.speak_segments(parts[:1]) and speech.wait() == 0   # and starts it again


def test_dutch_uses_espeak_unless_a_better_voice_is_installed():
    assert speech.voice("nl") in {"nl", "mb-nl2", "mb-nl3"}
    assert speech.voice("ar") == "ar" and speech.voice("xx") == "nl"


def test_every_arabic_spoken_form_is_the_shown_text_with_vowel_marks(tmp_path):
    forms = spoken_forms.forms("ar")
    shown = {i18n.gettext_for("ar")(m.id) for m in _catalog("ar") if isinstance(m.id, str)}
    assert len(forms) >= 30
    for text, form in forms.items():
        assert text in shown, text
        said = spoken_forms.without_marks(form).replace("كيلومتر", "كم")
        assert said == spoken_forms.without_marks(text), text
    assert _phonemes("\n".join(forms.values())).count("\n") >= len(forms) // 2
    # espeak-ng takes the marks: it then says vowels it cannot guess without them
    plain, marked = "لا نحتفظ بأي معلومات عنك.", forms["الخدمة مجانية. لا نحتفظ بأي معلومات عنك."]
    assert _phonemes(marked).count("a") > _phonemes(plain).count("a")
    wav = tmp_path / "ar.wav"
    assert speech.speak(marked, "ar", wav=str(wav)) and speech.wait() == 0
    with wave.open(str(wav)) as w:
        assert w.getnframes() > w.getframerate()


def test_the_idle_chime_is_a_short_valid_sound(tmp_path):
    (tmp_path / "chime.wav").write_bytes(speech.tone_wav())
    with wave.open(str(tmp_path / "chime.wav")) as w:
        assert 0.2 < w.getnframes() / w.getframerate() < 1


def _catalog(lang):
    from babel.messages.pofile import read_po
    with (paths.LOCALES / lang / "LC_MESSAGES" / "kiosk.po").open("rb") as fh:
        return list(read_po(fh, locale=lang))


def _phonemes(text):
    return subprocess.run(["espeak-ng", "-v", "ar", "-q", "-x"], input=text.encode(),
                          capture_output=True, check=True).stdout.decode()
