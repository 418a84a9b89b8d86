"""Course detail: what, when, where, cost for this visitor, prerequisites, reasons."""
from __future__ import annotations

from datetime import date

from kivy.app import App
from kivy.properties import BooleanProperty, StringProperty

from kiosk import clock, words
from kiosk.matching import course_title
from screens.text import pick, shape, tr
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
        result = app.course
        if result is None:
            return
        lang = app.lang
        course = result.course
        self.title = pick(course["title"], lang)
        self.provider = shape(result.provider.get("name") or "")
        self.summary = pick(course.get("summary"), lang)
        self.facts = "\n".join(self._facts(result, lang))
        self.reasons = shape("\n".join("• " + r for r in result.reasons))
        self.marked = course["id"] in app.visit.marked

    @staticmethod
    def _facts(result, lang) -> list[str]:
        course = result.course
        lines = []
        when = [tr(words.TIMES[t], lang) for t in course.get("times") or [] if t in words.TIMES]
        how = tr(words.FORMATS.get(course.get("format"), ""), lang) if course.get("format") else ""
        if when or how:
            lines.append(tr("Wanneer en hoe: {what}", lang, what=", ".join(when + ([how] if how else []))))
        if course.get("hours_per_week"):
            lines.append(tr("{hours} uur per week", lang, hours=f"{course['hours_per_week']:g}"))
        if course.get("duration_weeks"):
            lines.append(tr("{weeks} weken", lang, weeks=course["duration_weeks"]))
        if course.get("flexible_start"):
            lines.append(tr("Je kan op elk moment starten.", lang))
        elif course.get("start_dates"):
            today = clock.today().isoformat()
            upcoming = [date.fromisoformat(d) for d in course["start_dates"] if d >= today][:3]
            if upcoming:
                lines.append(tr("Start: {dates}", lang, dates=", ".join(
                    f"{d.day}/{d.month}/{d.year}" for d in upcoming)))
        place = ", ".join(p for p in (course.get("location_name"), course.get("street"),
                                       f"{course.get('postcode') or ''} {course.get('city') or ''}".strip()) if p)
        if place:
            lines.append(tr("Waar: {place}", lang, place=place))
        if result.distance_km is not None:
            lines.append(tr("Afstand: {km} km", lang, km=f"{result.distance_km:.0f}"))
        if course.get("cost_eur") is not None:
            lines.append(tr("Prijs: {eur} euro", lang, eur=f"{course['cost_eur']:.0f}"))
        if course.get("wheelchair"):
            lines.append(tr("Toegankelijk met een rolstoel", lang))
        if course.get("childcare"):
            lines.append(tr("Er is kinderopvang", lang))
        if result.provider.get("phone"):
            lines.append(tr("Telefoon: {phone}", lang, phone=result.provider["phone"]))
        return [shape(line) for line in lines]

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
