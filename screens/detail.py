"""Course detail: what, when, where, cost for this visitor, prerequisites, reasons."""
from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty, StringProperty

from kiosk.guidance import course_facts
from kiosk.text import glossary, i18n
from screens.text import pick, result_heading, title_language
from screens.widgets import KioskScreen


class DetailScreen(KioskScreen):
    title = StringProperty("")
    title_lang = StringProperty("nl")       # Dutch unless the feed translated the title
    summary_lang = StringProperty("nl")
    provider = StringProperty("")
    summary = StringProperty("")
    facts = StringProperty("")
    reasons = StringProperty("")
    explained = StringProperty("")       # what the glossary words in the texts above mean
    marked = BooleanProperty(False)

    def on_activate(self):
        app = App.get_running_app()
        if app.course is None:
            return
        result, lang = app.course, app.lang
        course = result.course
        self.title, self.provider = result_heading(result, lang)
        self.title_lang = title_language(result, lang)
        self.summary = pick(course.get("summary"), lang)
        self.summary_lang = i18n.feed_language(course.get("summary"), lang)
        self.facts = "\n".join(course_facts.practical_facts(
            course, result.provider, result.distance_km, lang,
            statuses=app.visit.answers.get("status"), answers=app.visit.answers))
        self.reasons = "\n".join("• " + r for r in result.reasons)
        self.explained = "\n".join("(?) " + line for line in
                                   glossary.explain(self.reasons + "\n" + self.facts, lang,
                                                    names_in_text=(self.provider,)))
        self.marked = course["id"] in app.visit.marked

    def toggle_mark(self):
        app = App.get_running_app()
        app.visit.toggle_mark(app.course.course["id"])
        self.marked = app.course.course["id"] in app.visit.marked

    def go_back(self):
        App.get_running_app().manager.current = "results"


SCREEN_CLASS = DetailScreen
