"""Arabic vowel marks (harakat) survive shaping and are drawn (kiosk/text/arabic.py)."""
import os

os.environ.setdefault("KIVY_NO_ARGS", "1")

from kivy.core.text import Label as CoreLabel  # noqa: E402

from kiosk.text import arabic, fonts  # noqa: E402
from screens.text import shape_line  # noqa: E402

WELCOME = "أهلًا وسهلًا"          # tanwin fath on both words
SHADDA = "تعلّم لغة أخرى"        # shadda on the lam


def test_shaping_keeps_every_vowel_mark_in_reading_order():
    for text in (WELCOME, SHADDA):
        drawn = shape_line(text)
        assert arabic.marks(text)
        # the line is drawn right to left: its marks come out in reverse
        assert arabic.marks(drawn) == arabic.marks(text)[::-1]


def test_each_mark_follows_the_letter_it_sits_on_in_drawing_order():
    drawn = shape_line(WELCOME)
    for i, char in enumerate(drawn):
        if char in arabic.HARAKAT:
            assert i > 0 and drawn[i - 1] not in " " + arabic.HARAKAT


def _pixels(text: str) -> bytes:
    font = fonts.first_existing(fonts.FONT_CANDIDATES)
    assert font is not None, "DejaVu Sans (fonts-dejavu-core) is needed to draw Arabic"
    # Kivy's SDL2 text renderer, the one the screens draw with, without a window
    label = CoreLabel(text=shape_line(text), font_size=64, font_name=str(font))
    label.resolve_font_name()
    label._size = label.get_extents(label.text)
    label._render_begin()
    label._render_text(label.text, 0, 0)
    return bytes(label._render_end().data)


def test_the_marks_are_drawn_on_screen():
    bare = "".join(c for c in WELCOME if c not in arabic.HARAKAT)
    with_marks, without = _pixels(WELCOME), _pixels(bare)
    assert with_marks != without
    # the marks add ink above the letters: more lit pixels, not just a shift
    assert sum(with_marks[3::4]) > sum(without[3::4])


def test_the_font_check_asks_for_the_marks():
    assert set(arabic.HARAKAT) <= fonts.needed_characters("ar")
