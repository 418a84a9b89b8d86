"""Course detail: what, when, where, cost for this visitor, prerequisites, reasons."""
from __future__ import annotations

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
        result, lang = self.visit.course, self.app.lang
        if result is None:
            return
        course = result.course
        self.title, self.provider = result_heading(result, lang)
        self.title_lang = title_language(result, lang)
        self.summary = pick(course.get("summary"), lang)
        self.summary_lang = i18n.feed_language(course.get("summary"), lang)
        self.facts = "\n".join(course_facts.practical_facts(
            course, result.provider, result.distance_km, lang,
            statuses=self.visit.answers.get("status"), answers=self.visit.answers))
        self.reasons = "\n".join("• " + r for r in result.reasons)
        self.explained = "\n".join("(?) " + line for line in
                                   glossary.explain(self.reasons + "\n" + self.facts, lang,
                                                    names_in_text=(self.provider,)))
        self.marked = self.visit.is_marked(course["id"])

    def toggle_mark(self):
        course_id = self.visit.course.course["id"]
        self.visit.toggle_mark(course_id)
        self.marked = self.visit.is_marked(course_id)

    def go_back(self):
        self.manager.current = "results"


SCREEN_CLASS = DetailScreen
