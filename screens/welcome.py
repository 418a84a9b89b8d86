"""Welcome: language choice and the start button. Five quick taps on the site name open
the staff PIN screen (the documented hidden gesture).

Between visitors the upper half invites passers-by: the greeting and the invitation
cycle calmly through the offered languages (a slow fade every ATTRACT_S seconds), starting
with the current one; it needs no touch and stops while another screen is shown."""
from __future__ import annotations

from kivy.animation import Animation
from kivy.clock import Clock
from kivy.properties import StringProperty

from kiosk.text import i18n
from screens.home import HomeScreen
from screens.text import tr

ATTRACT_S = 6.0          # seconds each language stays
FADE_S = 0.8             # a slow fade, no movement

GREETING = i18n.N_("Welkom")
INVITATION = i18n.N_("Zoek een opleiding die bij je past.")


class WelcomeScreen(HomeScreen):
    greeting = StringProperty("")
    invitation = StringProperty("")
    greeting_lang = StringProperty("")      # the language the greeting is in now
    _cycle = None

    def on_activate(self):
        super().on_activate()
        self.show_greeting(self.app.lang)
        if self._cycle is not None:
            self._cycle.cancel()
        self._cycle = Clock.schedule_interval(self._next_language, ATTRACT_S)

    def on_leave(self, *args):
        if self._cycle is not None:
            self._cycle.cancel()
            self._cycle = None
        box = self.ids.greeting
        Animation.cancel_all(box)
        box.opacity = 1

    def show_greeting(self, lang: str) -> None:
        self.greeting_lang = lang
        self.greeting = tr(GREETING, lang)
        self.invitation = tr(INVITATION, lang)

    def _next_language(self, dt=None) -> None:
        languages = self.app.languages()
        if len(languages) < 2 or self.app.speaking:     # nothing to cycle; or being read
            return
        at = languages.index(self.greeting_lang) if self.greeting_lang in languages else -1
        following = languages[(at + 1) % len(languages)]
        box = self.ids.greeting
        fade_out = Animation(opacity=0, duration=FADE_S)
        fade_out.bind(on_complete=lambda *args: self._fade_in(following))
        fade_out.start(box)

    def _fade_in(self, lang: str) -> None:
        self.show_greeting(lang)
        Animation(opacity=1, duration=FADE_S).start(self.ids.greeting)


SCREEN_CLASS = WelcomeScreen
