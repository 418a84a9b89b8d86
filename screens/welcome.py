"""Welcome: language choice and the start button. Five quick taps on the site name open
the staff PIN screen (the documented hidden gesture)."""
from __future__ import annotations

from screens.home import HomeScreen


class WelcomeScreen(HomeScreen):
    pass


SCREEN_CLASS = WelcomeScreen
