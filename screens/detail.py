"""Course detail: what, when, where, cost for this visitor, prerequisites, reasons."""
from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty, StringProperty

from kiosk import course_facts
from kiosk.matching import course_title
from screens.text import pick, result_heading, shape
from screens.widgets import KioskScreen


class DetailScreen(KioskScreen):
    title = StringProperty("")
    provider = StringProperty("")
    summary = StringProperty("")
    facts = StringProperty("")
    reasons = StringProperty("")
    marked = BooleanProperty(False)

    def on_activate(self):
        app = App.get_running_app()
        if app.course is None:
            return
        result, lang = app.course, app.lang
        course = result.course
        self.title, self.provider = result_heading(result, lang)
        self.summary = pick(course.get("summary"), lang)
        self.facts = shape("\n".join(course_facts.practical_facts(
            course, result.provider, result.distance_km, lang,
            statuses=app.visit.answers.get("status"))))
        self.reasons = shape("\n".join("• " + r for r in result.reasons))
        self.marked = course["id"] in app.visit.marked

    def toggle_mark(self):
        app = App.get_running_app()
        app.visit.toggle_mark(app.course.course["id"])
        self.marked = app.course.course["id"] in app.visit.marked

    def go_back(self):
        App.get_running_app().manager.current = "results"

    def spoken_text(self) -> str:
        app = App.get_running_app()
        if app.course is None:
            return ""
        return ". ".join([course_title(app.course.course, app.lang)] + app.course.reasons)


SCREEN_CLASS = DetailScreen
