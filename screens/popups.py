"""Modal views: the idle warning, the language picker and "start over?". Each shows its
panel at the bottom of the screen, within reach, and never over the booking QR code."""
from __future__ import annotations

import tempfile
from pathlib import Path

from kivy.clock import Clock
from kivy.core.window import Window
from kivy.metrics import dp
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.modalview import ModalView

from kiosk.text import speech
from screens.text import trn
from screens.widgets import fill_language_buttons, running_app

MARGIN = dp(24)
_chime = None


def play_chime() -> None:
    """A short sound that draws a visitor's attention back to the screen (the idle
    warning); silent where the machine has no sound output."""
    global _chime
    if not speech.sound_output():        # no sound card: nothing to play, nothing to log
        return
    try:
        if _chime is None:
            from kivy.core.audio import SoundLoader
            path = Path(tempfile.gettempdir()) / "leerwinkel-chime.wav"
            path.write_bytes(speech.tone_wav())
            _chime = SoundLoader.load(str(path)) or False
        if _chime:
            _chime.play()
    except Exception:                 # a missing sound never stops the warning
        _chime = False



def panel_place(size, panel_height, band, qr) -> tuple[float, float, float]:
    """(x, y, width) of a popup panel: at the bottom of the reach band, across the
    screen; beside or below the QR code (x, y, w, h) when one is shown."""
    width, height = size
    low = band[0] + MARGIN
    if qr is None:
        return MARGIN * 2, low, width - MARGIN * 4
    qx, qy, qw, qh = qr
    if qy - MARGIN - low >= panel_height or width <= height:
        return MARGIN * 2, low, width - MARGIN * 4          # below the code
    left, right = qx - MARGIN * 2, width - (qx + qw) - MARGIN * 2
    if right >= left:
        return qx + qw + MARGIN, low, right
    return MARGIN, low, left


class ReachPopup(ModalView):
    """A popup covering the window, its panel (id `panel`) placed by panel_place."""

    def on_pre_open(self):
        screen = running_app().manager.current_screen
        self.qr = screen.qr_rect() if hasattr(screen, "qr_rect") else None
        if self.qr is not None:
            self.overlay_color = (0, 0, 0, 0)      # nothing dims the code a phone reads
        panel = self.ids.panel
        panel.bind(height=self._place)
        Window.bind(size=self._place)
        self._place()

    def on_dismiss(self):
        Window.unbind(size=self._place)

    def dismiss(self, *args, **kwargs):
        """Gone at once: a fade-out would leave a popup that still takes touches."""
        super().dismiss(*args, **{**kwargs, "animation": False})

    def _place(self, *args):
        panel = self.ids.panel
        app = running_app()
        panel.x, panel.y, panel.width = panel_place(Window.size, panel.height,
                                                    app.reach_band, self.qr)

    _frame = None

    def add_widget(self, widget, *args, **kwargs):
        """The first child is the frame; the panel goes into it, to be placed freely."""
        if self._frame is not None:
            self._frame.add_widget(widget)
            return
        super().add_widget(widget, *args, **kwargs)
        self._frame = widget


class IdleWarning(ReachPopup):
    """'Are you still there?' with a big button; counts down to the visit being wiped."""
    seconds = NumericProperty(20)
    countdown_text = StringProperty("")
    _tick = None

    def on_seconds(self, *args):
        self.countdown_text = trn(
            "Nog {count} seconde. Dan begint alles opnieuw en wissen we wat je koos.",
            "Nog {count} seconden. Dan begint alles opnieuw en wissen we wat je koos.",
            int(self.seconds))

    def on_pre_open(self):
        super().on_pre_open()
        # not on_open: that comes after the opening animation, and a visitor (or the
        # idle timer) may dismiss the warning before it ends
        self._tick = Clock.schedule_interval(self._count, 1)
        self.on_seconds()
        play_chime()
        running_app().view_changed()

    def on_dismiss(self):
        super().on_dismiss()
        running_app().view_changed()
        if self._tick is not None:
            self._tick.cancel()
            self._tick = None

    def _count(self, dt):
        self.seconds = max(0, self.seconds - 1)


class LanguagePopup(ReachPopup):
    def on_pre_open(self):
        # before the fade-in, not after it (on_open): the buttons show as the popup does
        fill_language_buttons(self.ids.choices, self._choose, height="104dp")
        super().on_pre_open()
        running_app().view_changed()

    def _choose(self, button):
        running_app().set_language(button.value)
        self.dismiss()


class StartOverQuestion(ReachPopup):
    """'Start over?': the visit is wiped only when the visitor says yes."""

    @classmethod
    def ask(cls) -> None:
        if not any(isinstance(view, cls) for view in Window.children):
            cls().open()


def close_all() -> None:
    """Close every popup at once (the visit ends)."""
    for view in list(Window.children):
        if isinstance(view, ModalView):
            view.dismiss()
