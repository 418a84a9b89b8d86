"""Modal views: the idle warning and the language picker."""
from __future__ import annotations

from kivy.app import App
from kivy.clock import Clock
from kivy.properties import NumericProperty
from kivy.uix.modalview import ModalView

from kiosk import i18n
from screens.widgets import BigButton


class IdleWarning(ModalView):
    """'Are you still there?' with a big button; counts down to the visit being wiped."""
    seconds = NumericProperty(20)

    def on_open(self):
        self._tick = Clock.schedule_interval(self._count, 1)

    def on_dismiss(self):
        self._tick.cancel()

    def _count(self, dt):
        self.seconds = max(0, self.seconds - 1)


class LanguagePopup(ModalView):
    def on_open(self):
        app = App.get_running_app()
        box = self.ids.choices
        box.clear_widgets()
        for lang in app.languages():
            button = BigButton(text=i18n.LANGUAGE_NAMES.get(lang, lang), value=lang,
                               selected=lang == app.lang)
            button.bind(on_release=self._choose)
            box.add_widget(button)

    def _choose(self, button):
        App.get_running_app().set_language(button.value)
        self.dismiss()
