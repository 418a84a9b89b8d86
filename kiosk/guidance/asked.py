"""What the visitor asked, in short: the few answers the results screen repeats above the
list (large, readable from afar), in the visitor's language.

Only what narrows the search where it can be seen is repeated: the goal, the place and
the times. An unknown answer ("rather not say", "doesn't matter") is left
out rather than shown as a blank.
"""
from __future__ import annotations

from dataclasses import dataclass

from kiosk.guidance import places, questionnaire
from kiosk.text import i18n

SUMMARISED = ("goal", "postcode", "times")     # the questions a visitor answers on screen
PLACE_ICON = "location.png"


@dataclass(frozen=True)
class Line:
    icon: str      # a file in assets/icons/
    text: str      # in the visitor's language (a place name as the data spell it)


def _question(question_id: str) -> questionnaire.Question:
    return next(q for q in questionnaire.load() if q.id == question_id)


def _chosen(question_id: str, value) -> list[questionnaire.Option]:
    values = value if isinstance(value, list) else [value]
    return [o for o in _question(question_id).options if o.value in values and o.value is not None]


def summary(answers: dict, lang: str) -> list[Line]:
    """The lines that say what the visitor asked, in SUMMARISED order."""
    _ = i18n.gettext_for(lang)
    lines = []
    for question_id in SUMMARISED:
        value = answers.get(question_id)
        if value in (None, "", []):
            continue
        if question_id == "postcode":
            name = places.place_name(str(value))
            lines.append(Line(PLACE_ICON, f"{value} {name}" if name else str(value)))
            continue
        options = _chosen(question_id, value)
        if options:
            icon = options[0].icon if len(options) == 1 else _question(question_id).icon
            lines.append(Line(icon, i18n.join_list([_(o.label) for o in options], lang)))
    return lines
