"""What the read-aloud button says: every text shown, taken from the real widget tree.

The open popup is read when there is one, else the current screen. Labels are read in
reading order (top to bottom, then from the start side of the line); a label's text is in
the screen's language unless it names its own (`speech_lang`: a Dutch course title, a
language's name on the picker). Arabic texts the kiosk ships are said in their vocalised
form (kiosk/spoken_forms.py).
"""
from __future__ import annotations

from kivy.core.window import Window
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView

from kiosk import spoken_forms


def _shown(widget) -> bool:
    return widget.opacity > 0 and widget.width > 1 and widget.height > 1


def _in_order(children, rtl: bool):
    """Children in reading order: rows from the top, then from the start side."""
    return sorted(children, key=lambda w: (-round(w.top / 8), -w.right if rtl else w.x))


def labels_in_reading_order(root, rtl: bool):
    """The labels a visitor sees under root, in reading order."""
    if not _shown(root):
        return
    if isinstance(root, Label):
        if root.text.strip():
            yield root
        return
    for child in _in_order(root.children, rtl):
        yield from labels_in_reading_order(child, rtl)


def reading_root(app):
    """The open popup (the top one), else the current screen."""
    popups = [w for w in Window.children if isinstance(w, ModalView)]
    return popups[0] if popups else app.manager.current_screen


def segments(root, lang: str, rtl: bool) -> list[tuple[str, str]]:
    """(text, language) pairs for every label shown under root."""
    out = []
    for label in labels_in_reading_order(root, rtl):
        text_lang = getattr(label, "speech_lang", "") or lang
        out.append((spoken_forms.spoken(label.text, text_lang), text_lang))
    return out


def as_text(parts) -> str:
    """The segments as one text (what tests and the log see)."""
    return "\n".join(text for text, _ in parts)
