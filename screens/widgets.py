"""Widgets shared by the screens: big touch buttons, the top bar, the base screen."""
from __future__ import annotations

from kivy.app import App
from kivy.graphics import Color, Ellipse, InstructionGroup
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import Screen
from kivy.uix.widget import Widget

from kiosk.text import i18n


def running_app():
    """The kiosk app (screens/app.py): the one way screens and widgets reach it."""
    return App.get_running_app()


class KioskScreen(Screen):
    """A screen that is told when it becomes visible (on_activate) and can be read aloud.
    on_activate runs again when the visitor changes language (KioskApp.set_language), so
    text a screen builds in Python follows the language like the text its kv rules build.
    A screen shows `visit` (kiosk.visit.VisitController) and forwards taps to it or to
    `app` (the screen manager's moves)."""

    @property
    def app(self):
        return running_app()

    @property
    def visit(self):
        return running_app().visit

    def on_pre_enter(self, *args):
        self.on_activate()

    def on_activate(self):
        pass

    def go_back(self):
        self.app.go_home()


class MirroredInRTL:
    """A horizontal row whose children swap sides for right-to-left languages."""
    _mirrored = False

    def on_kv_post(self, base_widget):
        self.follow_direction(running_app().rtl)

    def follow_direction(self, rtl: bool) -> None:
        """Called now and by KioskApp.on_rtl when the reading direction changes."""
        if rtl != self._mirrored:
            self.children.reverse()
            self._mirrored = rtl
            self._trigger_layout()


class BigButton(MirroredInRTL, ButtonBehavior, BoxLayout):
    """A large touch target: optional icon above or beside a wrapped label."""
    text = StringProperty("")
    icon = StringProperty("")
    selected = BooleanProperty(False)
    primary = BooleanProperty(False)
    value = ObjectProperty(None, allownone=True)
    font_size = StringProperty("26sp")
    speech_lang = StringProperty("")     # the text's language when not the screen's


class IconButton(ButtonBehavior, BoxLayout):
    """A top-bar button: icon and a short word."""
    text = StringProperty("")
    icon = StringProperty("")
    mirror_in_rtl = BooleanProperty(False)   # an arrow: points the other way in RTL


class TopBar(MirroredInRTL, BoxLayout):
    """Back, start over, language and read aloud: on every screen of a visit.
    Mirrored for right-to-left languages, so 'back' sits where the reader starts."""
    screen = ObjectProperty(None, allownone=True)
    show_back = BooleanProperty(True)


class AskedLine(MirroredInRTL, BoxLayout):
    """A pictogram and a few words: one thing the visitor asked, above the results."""
    icon = StringProperty("")
    text = StringProperty("")


class StepDots(Widget):
    """One dot per question of the visit, those up to this one filled: the step seen from
    afar. Filled from the start side (the right in right-to-left languages)."""
    number = NumericProperty(0)
    total = NumericProperty(0)
    rtl = BooleanProperty(False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._dots = InstructionGroup()
        self.canvas.add(self._dots)
        self.bind(pos=self._draw, size=self._draw, number=self._draw, total=self._draw,
                  rtl=self._draw)

    def _draw(self, *args) -> None:
        from screens import theme
        self._dots.clear()
        count = int(self.total)
        if count <= 0:
            return
        size, gap = dp(20), dp(14)
        x0 = self.center_x - (count * size + (count - 1) * gap) / 2
        for i in range(count):
            step = count - i if self.rtl else i + 1
            self._dots.add(Color(*(theme.PRIMARY if step <= self.number else theme.DOT_EMPTY)))
            self._dots.add(Ellipse(pos=(x0 + i * (size + gap), self.center_y - size / 2),
                                   size=(size, size)))


def fill_language_buttons(box, on_choose, height="80dp") -> None:
    """One big button per offered language, named in that language; the current one marked."""
    app = running_app()
    box.clear_widgets()
    for lang in app.languages():
        button = BigButton(text=i18n.LANGUAGE_NAMES.get(lang, lang), value=lang,
                           selected=lang == app.lang, height=height, speech_lang=lang,
                           font_size="26sp" if app.portrait else "20sp")   # names whole
        button.bind(on_release=on_choose)
        box.add_widget(button)
