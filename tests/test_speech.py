"""Reading aloud, offline, in the kiosk's languages."""
import wave

import pytest

from kiosk import i18n, questionnaire, speech


@pytest.mark.parametrize("lang", ["nl", "fr", "en", "ar", "uk"])
def test_question_is_spoken_in_the_visitors_language(tmp_path, lang):
    assert speech.available(), "espeak-ng is installed by scripts/setup"
    title = i18n.gettext_for(lang)(questionnaire.load()[0].title)
    short, long = tmp_path / "short.wav", tmp_path / "long.wav"
    assert speech.speak(title, lang, wav=str(short)) and speech.wait() == 0
    assert speech.speak(f"{title} {title} {title}", lang, wav=str(long)) and speech.wait() == 0
    with wave.open(str(short)) as s, wave.open(str(long)) as l:
        assert s.getnframes() > s.getframerate() * 0.3          # real speech, not silence
        assert l.getnframes() > 2 * s.getnframes()


def test_nothing_to_say_starts_nothing():
    assert speech.speak("   ", "nl") is False
