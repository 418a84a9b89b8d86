"""Building the UI piece by piece: the font, kv rules and screens load when first needed,
so the kiosk starts with only the screen it shows (a faster start, less memory)."""
from __future__ import annotations

import importlib
import logging
from pathlib import Path

from kivy.core.text import LabelBase
from kivy.lang import Builder
from kivy.uix.screenmanager import ScreenManager

from kiosk import paths
from kiosk.text.fonts import FONT_BOLD_CANDIDATES, FONT_CANDIDATES

log = logging.getLogger("kiosk")
HERE = Path(__file__).parent
SCREENS = ("welcome", "question", "results", "detail", "booking", "pin", "staff",
           "unavailable", "closed")
KV_NEEDS = {"closed": ("unavailable",)}   # closed.kv uses SiteNameButton of unavailable.kv


def icon_path(name: str) -> str:
    return str(paths.ASSETS / "icons" / name)


def load_kv(name: str) -> None:
    """Load screens/<name>.kv once, when its first widget is needed."""
    path = str(HERE / f"{name}.kv")
    if path not in Builder.files:
        Builder.load_file(path)


def popups():
    from screens import popups as module
    load_kv("popups")
    return module


def register_font() -> None:
    """One font for Latin, Cyrillic and Arabic (Kivy's default has no Arabic glyphs)."""
    regular = next((f for f in FONT_CANDIDATES if Path(f).exists()), None)
    bold = next((f for f in FONT_BOLD_CANDIDATES if Path(f).exists()), None)
    if regular:
        LabelBase.register("KioskSans", regular, fn_bold=bold or regular)
    else:
        log.warning("DejaVu Sans not found (Debian fonts-dejavu-core): Arabic cannot be shown")
        LabelBase.register("KioskSans", "Roboto-Regular.ttf", fn_bold="Roboto-Bold.ttf")


class LazyScreens(ScreenManager):
    """Builds a screen (its module and kv rules) the first time it is asked for."""

    def get_screen(self, name):
        if name in SCREENS and not self.has_screen(name):
            module = importlib.import_module(f"screens.{name}")
            for kv in (*KV_NEEDS.get(name, ()), name):
                load_kv(kv)
            self.add_widget(module.SCREEN_CLASS(name=name))
        return super().get_screen(name)

    def forget(self, names) -> None:
        """Drop the built screens of `names` that are not showing; they are built afresh
        when next asked for. After a visit nothing of it (its results, the booking code)
        stays in memory, and what those screens held is given back."""
        for screen in [s for s in self.screens if s.name in names and s.name != self.current]:
            self.remove_widget(screen)
