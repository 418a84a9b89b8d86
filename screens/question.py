"""One question a screen: big answer buttons, toggles for 'multi', a keypad for the postcode."""
from __future__ import annotations

from kivy.app import App
from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, StringProperty

from kiosk import glossary, places, questionnaire
from screens.text import tr
from screens.widgets import BigButton, KioskScreen

KEYPAD = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "<")


class QuestionScreen(KioskScreen):
    question = ObjectProperty(None, allownone=True)
    postcode = StringProperty("")
    postcode_unknown = BooleanProperty(False)
    chosen = ListProperty([])            # multi: values toggled on
    position = StringProperty("")
    hint_text = StringProperty("")     # the hint, and what glossary words in the answers mean

    def show(self, question: questionnaire.Question) -> None:
        app = App.get_running_app()
        self.question = question
        self.chosen = list(app.visit.answers.get(question.id) or []) if question.kind == "multi" else []
        self.postcode = ""
        self.postcode_unknown = False
        where = questionnaire.position(app.visit.answers, question.id)
        self.position = f"{where[0]}/{where[1]}" if where else ""
        if self.manager.current == self.name:     # else entering the screen builds them
            self.build_options()
            app.view_changed()                   # the next question on the same screen

    def on_activate(self):
        if self.question is not None:
            self.build_options()

    def build_options(self) -> None:
        """Fill the answer area for the current question and language."""
        app = App.get_running_app()
        lang = app.lang
        question = self.question
        hint = [tr(question.hint, lang)] if question.hint else []
        labels = " ".join(tr(option.label, lang) for option in question.options)
        self.hint_text = "\n".join(hint + glossary.explain(labels, lang))
        box = self.ids.options
        box.clear_widgets()
        if question.kind == "postcode":
            return
        for option in question.options:
            button = BigButton(text=tr(option.label, lang), icon=option.icon, value=option.value,
                               selected=option.value in self.chosen)
            button.bind(on_release=self.option_pressed)
            box.add_widget(button)

    def option_pressed(self, button) -> None:
        app = App.get_running_app()
        if self.question.kind == "multi":
            if button.value in self.chosen:
                self.chosen.remove(button.value)
            else:
                self.chosen.append(button.value)
            button.selected = button.value in self.chosen
            return
        app.visit.answer(self.question.id, button.value)
        app.show_next_question()

    def confirm_multi(self) -> None:
        app = App.get_running_app()
        app.visit.answer(self.question.id, list(self.chosen))
        app.show_next_question()

    # --- postcode keypad ----------------------------------------------------------------
    def key(self, key: str) -> None:
        self.postcode_unknown = False
        if key == "<":
            self.postcode = self.postcode[:-1]
        elif key and len(self.postcode) < 4:
            self.postcode += key

    def confirm_postcode(self) -> None:
        if places.postcode_coordinates(self.postcode) is None:
            self.postcode_unknown = True
            return
        app = App.get_running_app()
        app.visit.answer("postcode", self.postcode)
        app.show_next_question()

    def skip(self) -> None:
        """'Rather not say' / continue without: the answer stays unknown."""
        app = App.get_running_app()
        app.visit.answer(self.question.id, None)
        app.show_next_question()

    def go_back(self):
        App.get_running_app().go_back_from_question()


SCREEN_CLASS = QuestionScreen
