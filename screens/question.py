"""One question a screen: big answer buttons, toggles for 'multi', a keypad for the postcode."""
from __future__ import annotations

from kivy.metrics import dp
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)

from kiosk.guidance import questionnaire
from kiosk.text import glossary
from screens.text import tr
from screens.widgets import BigButton, KioskScreen

KEYPAD = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "", "0", "<")


class QuestionScreen(KioskScreen):
    question = ObjectProperty(None, allownone=True)
    postcode = StringProperty("")
    postcode_unknown = BooleanProperty(False)
    chosen = ListProperty([])            # multi: values toggled on
    position = StringProperty("")        # "Vraag 2 van 7", in the visitor's language
    number = NumericProperty(0)          # this question's number in the visit
    total = NumericProperty(0)           # how many the visit has (0: not known yet)
    columns = NumericProperty(1)         # answers side by side when one column would not fit
    row_height = NumericProperty(dp(104))
    hint_text = StringProperty("")     # the hint, and what glossary words in the answers mean

    def show(self, question: questionnaire.Question) -> None:
        self.question = question
        self.chosen = self.visit.chosen(question.id) if question.kind == "multi" else []
        self.postcode = ""
        self.postcode_unknown = False
        if self.manager.current == self.name:     # else entering the screen builds them
            self.build_options()
            self.app.view_changed()              # the next question on the same screen

    def on_kv_post(self, base_widget):
        super().on_kv_post(base_widget)
        self._keypad = self.ids.keypad_area.__self__      # kept while out of the layout

    def on_activate(self):
        if self.question is not None:
            self.build_options()

    def build_options(self) -> None:
        """Fill the answer area for the current question and language."""
        lang = self.app.lang
        question = self.question
        self.show_step(lang)
        hint = [tr(question.hint, lang)] if question.hint else []
        labels = " ".join(tr(option.label, lang) for option in question.options)
        explained = glossary.explain(" ".join(hint) + "\n" + labels, lang)
        self.hint_text = "\n".join(hint + explained)
        box = self.ids.options
        box.clear_widgets()
        lower = self.ids.lower
        if question.kind == "postcode" and self._keypad.parent is None:
            lower.add_widget(self._keypad, index=len(lower.children))
        elif question.kind != "postcode" and self._keypad.parent is not None:
            lower.remove_widget(self._keypad)
        if question.kind == "postcode":
            return
        self.fit_columns(len(question.options))
        for option in question.options:
            button = BigButton(text=tr(option.label, lang), icon=option.icon, value=option.value,
                               selected=option.value in self.chosen, height=self.row_height)
            button.bind(on_release=self.option_pressed)
            box.add_widget(button)

    def show_step(self, lang: str) -> None:
        """The step as words and dots; the total is not shown before the goal is known."""
        number, total = self.visit.position(self.question.id) or (0, None)
        self.number, self.total = number, total or 0
        if not number:
            self.position = ""
        elif total:
            self.position = tr("Vraag {number} van {total}", lang, number=number, total=total)
        else:
            self.position = tr("Vraag {number}", lang, number=number)

    def fit_columns(self, count: int) -> None:
        """As few columns as let every answer show at once in the reach area (at most 3)."""
        app = self.app
        room = app.reach_band[1] - app.reach_band[0] - dp(8) - dp(32) - self.lower_height()
        spacing = dp(16)
        self.row_height = dp(104) if app.portrait else dp(96)
        for columns in (1, 2, 3):
            if not app.portrait and columns == 1:
                continue
            rows = -(-count // columns)
            if rows * (self.row_height + spacing) - spacing <= room or columns == 3:
                break
        if columns > 1 and app.portrait:
            self.row_height = dp(120)          # two lines of a longer answer beside an icon
        self.columns = columns

    def lower_height(self) -> float:
        """Height of what sits under the answer buttons: the multi row and the navigation
        bar (the postcode keypad lays itself out)."""
        below = dp(96)
        if self.question is not None and self.question.kind == "multi":
            below += dp(104) + dp(16)
        return below

    def option_pressed(self, button) -> None:
        if self.question.kind == "multi":
            if button.value in self.chosen:
                self.chosen.remove(button.value)
            else:
                self.chosen.append(button.value)
            button.selected = button.value in self.chosen
            return
        self.app.show_question(self.visit.answer(self.question.id, button.value))

    def confirm(self) -> None:
        """'Verder' under a multi question or the keypad."""
        if self.question.kind == "postcode":
            self.confirm_postcode()
        else:
            self.confirm_multi()

    def confirm_multi(self) -> None:
        self.app.show_question(self.visit.answer(self.question.id, list(self.chosen)))

    # --- postcode keypad ----------------------------------------------------------------
    def key(self, key: str) -> None:
        self.postcode_unknown = False
        if key == "<":
            self.postcode = self.postcode[:-1]
        elif key and len(self.postcode) < 4:
            self.postcode += key

    def confirm_postcode(self) -> None:
        if not self.visit.known_postcode(self.postcode):
            self.postcode_unknown = True
            return
        self.app.show_question(self.visit.answer("postcode", self.postcode))

    def skip(self) -> None:
        """'Rather not say' / continue without: the answer stays unknown."""
        self.app.show_question(self.visit.skip(self.question.id))

    def go_back(self):
        self.app.go_back_from_question()


SCREEN_CLASS = QuestionScreen
