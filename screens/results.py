"""Results: the matching courses as a recycled list, each with its reasons."""
from __future__ import annotations

from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.recycleview.views import RecycleDataViewBehavior

from kiosk.booking.reference import MAX_COURSES
from kiosk.text import glossary, i18n
from screens.text import result_heading, title_language, tr, trn
from screens.widgets import AskedLine, KioskScreen, running_app

RELAXED_MESSAGES = {
    "max_distance_km": i18n.N_("We vonden niets zo dichtbij. We zochten verder weg."),
    "times": i18n.N_("We vonden niets op de momenten die je koos. Dit zijn andere momenten."),
    "formats": i18n.N_("We vonden niets op de manier van leren die je koos. Dit zijn andere manieren."),
    "needs": i18n.N_("We vonden niets in een andere taal. Dit zijn lessen in het Nederlands."),
    "practice": i18n.N_("Dichtbij vonden we alleen groepen om te oefenen. We zochten verder "
                        "naar lessen."),
}
WAYS = i18n.N_("Jouw wegen")
COURSES = i18n.N_("Opleidingen")
CARD_DP, WAY_CARD_DP, SECTION_DP = 300, 390, 44


NEXT_STEP = i18n.N_("Wil je over een opleiding praten? Tik op 'Kies om te bespreken'. "
                    "Tik dan op de blauwe knop onderaan.")
NEXT_STEP_NONE = i18n.N_("Tik op de blauwe knop onderaan. Dan maak je een afspraak.")


def booking_label(count: int, lang: str) -> str:
    """The booking button: 'talk with a counsellor', or an appointment about the chosen."""
    if not count:
        return tr("Praat met een begeleider", lang)
    return trn("Maak een afspraak over {count} gekozen opleiding",
               "Maak een afspraak over {count} gekozen opleidingen", count, lang)


class ResultRow(RecycleDataViewBehavior, BoxLayout):
    """One course in the list. Feed text is shown literally (no markup)."""
    index = NumericProperty(0)
    title = StringProperty("")
    title_lang = StringProperty("nl")
    provider = StringProperty("")
    reasons = StringProperty("")
    marked = BooleanProperty(False)
    section = StringProperty("")          # "Jouw wegen" / "Opleidingen" above the first of each
    way = BooleanProperty(False)          # a route, not a course

    def refresh_view_attrs(self, rv, index, data):
        self.index = index
        return super().refresh_view_attrs(rv, index, data)

    def open(self):
        running_app().manager.get_screen("results").open_result(self.index)

    def toggle_mark(self):
        running_app().manager.get_screen("results").toggle_mark(self.index)


PAGE = 20


class ResultsScreen(KioskScreen):
    summary = StringProperty("")
    asked = BooleanProperty(False)        # the visitor's answers are summarised on top
    notice = StringProperty("")
    more = NumericProperty(0)             # results not in the list yet
    next_step = StringProperty("")        # what to do next, in words
    booking_label = StringProperty("")
    more_text = StringProperty("")

    def on_activate(self):
        self.shown = PAGE
        self.refresh()

    def show_more(self):
        self.shown += PAGE
        self.refresh()

    def refresh(self):
        """Fill the list with the first `shown` results (each built only when listed)."""
        visit = self.visit
        outcome = visit.outcome
        if outcome is None:
            return
        lang = self.app.lang
        rows = []
        previous = None
        for result in outcome.results[:self.shown]:
            title, provider = result_heading(result, lang)
            way = result.kind != "course" and not outcome.orientation
            section = ""
            if way != previous and (way or previous is not None):
                section = tr(WAYS if way else COURSES, lang)
            previous = way
            height = (WAY_CARD_DP if way else CARD_DP) + (SECTION_DP if section else 0)
            rows.append({
                "title": title,
                "title_lang": title_language(result, lang),
                "provider": provider,
                "reasons": ("\n".join("• " + r for r in result.first_reasons(4 if way else 3))),
                "marked": visit.is_marked(result.course["id"]),
                "section": section, "way": way, "view_size": (None, dp(height)),
            })
        self.ids.list.data = rows
        self.show_asked()
        count = len(outcome.results)
        self.more = count - len(rows)
        self.more_text = trn("Toon nog {count} opleiding", "Toon nog {count} opleidingen",
                             self.more, lang) if self.more else ""
        if outcome.orientation and count:
            self.summary = tr("Ideeën om te leren", lang)
        elif count:
            self.summary = trn("{count} opleiding past bij jou.",
                               "{count} opleidingen passen bij jou.", count, lang)
        else:
            self.summary = tr("We vonden geen opleiding die past. Een begeleider helpt je graag verder.", lang)  # noqa: E501
        # "here are other times" only above courses: relaxing that found nothing says nothing
        notices = [tr(RELAXED_MESSAGES[name], lang) for name in outcome.relaxed
                   if name in RELAXED_MESSAGES and count]
        if outcome.unknown_postcode:
            notices.append(tr("We kennen je postcode niet. Daarom zie je geen afstand bij de opleidingen.", lang))  # noqa: E501
        if outcome.orientation:
            notices.append(tr("Je weet nog niet wat je wil leren? Hier zijn ideeën. Praat er zeker over met een begeleider.", lang))  # noqa: E501
        # what the glossary words on the cards mean, each once (the cards have no room)
        cards = "\n".join(row["reasons"] for row in rows)
        notices += ["(?) " + line for line in glossary.explain(cards, lang)]
        self.notice = "\n".join(notices)
        self.next_step = tr(NEXT_STEP if count else NEXT_STEP_NONE, lang)
        self.show_marked_count()

    def show_asked(self) -> None:
        """What the visitor asked, a line each, on top of a portrait screen (landscape keeps
        its rows for the list)."""
        box = self.ids.asked
        box.clear_widgets()
        lines = self.visit.asked() if self.app.portrait else []
        for line in lines:
            box.add_widget(AskedLine(icon=line.icon, text=line.text))
        self.asked = bool(lines)

    def show_marked_count(self):
        self.booking_label = booking_label(len(self.visit.marked), self.app.lang)

    def open_result(self, index: int):
        self.app.show_detail(index)

    def toggle_mark(self, index: int):
        visit = self.visit
        course_id = visit.outcome.results[index].course["id"]
        if not visit.toggle_mark(course_id):
            self.notice = trn("Je kan maximaal {count} opleiding kiezen.",
                              "Je kan maximaal {count} opleidingen kiezen.", MAX_COURSES,
                              self.app.lang)
        self.ids.list.data[index]["marked"] = visit.is_marked(course_id)
        self.ids.list.refresh_from_data()
        self.show_marked_count()

    def go_back(self):
        self.app.go_back_from_question()


SCREEN_CLASS = ResultsScreen
