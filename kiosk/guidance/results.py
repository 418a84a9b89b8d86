"""The ranked matches of one question, each built only when it is looked at, and said
in a language only when read (a language switch builds nothing again)."""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from kiosk import vocab
from kiosk.catalog import db as catalog_mod
from kiosk.guidance import reasons as reasons_mod
from kiosk.guidance.course_facts import as_reason
from kiosk.guidance.ranking import FIRST_PAGE
from kiosk.text.i18n import gettext_for


@dataclass(frozen=True)
class Result:
    course: dict            # catalog.decode_course(row)
    provider: dict          # providers row (id, name, type, website, phone)
    distance_km: float | None
    facts: tuple            # the reasons, language-neutral (reasons.Reason), most telling first
    cost: str               # "free" | "reduced" | "full" | "unknown" for THIS visitor
    score: float = 0.0      # the ranking score (docs/matching.md)
    statuses: tuple = ()    # the visitor's statuses (answers `status`), for the price
    lang: str = "nl"        # the language reasons and price are said in
    answers: dict | None = None   # the checked answers and the day: the fee rules read them
    today: date | None = None

    @property
    def reasons(self) -> list[str]:
        """The plain-language reasons in the result's language, most telling first."""
        return reasons_mod.render(self, self.lang)

    @property
    def price(self) -> str:
        """What THIS visitor pays, in the result's language (one line)."""
        return reasons_mod.price_of(self, gettext_for(self.lang))

    def in_language(self, lang: str) -> Result:
        return self if lang == self.lang else replace(self, lang=lang)

    def first_reasons(self, count: int) -> list[str]:
        """The first count reasons, the last of them what this visitor pays when the
        price is not among them already (a result in a list always says its price)."""
        price = as_reason(self.price)
        shown = self.reasons[:count]
        if price and price not in shown:
            shown = shown[:count - 1] + [price]
        return shown

    @property
    def kind(self) -> str:
        """"course", or the kind of a route (kiosk/vocab.py ROUTE_KINDS)."""
        return self.course.get("kind") or vocab.COURSE


class Results(Sequence):
    """The ranked matches. Each Result (full course row, provider, reasons) is built the
    first time it is looked at, so a catalog of 100,000 courses stays fast."""

    def __init__(self, catalog, rows, make, prepare=None, lang: str = "nl"):
        """make(light, course, provider) -> Result; prepare(lights), when given, is told
        the light rows of each batch before they are made. lang: the language the
        results are said in."""
        self._catalog, self._rows, self._make, self._prepare = catalog, rows, make, prepare
        self._built: dict[int, Result] = {}     # shared by every language's view
        self.lang = lang

    def in_language(self, lang: str) -> Results:
        """The same results said in lang: what is built already is not built again."""
        other = Results(self._catalog, self._rows, self._make, self._prepare, lang)
        other._built = self._built
        return other

    def __len__(self):
        return len(self._rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            wanted = range(*index.indices(len(self._rows)))
            self._load(wanted)
            return [self._built[i].in_language(self.lang) for i in wanted]
        if index < 0:
            index += len(self._rows)
        if not 0 <= index < len(self._rows):
            raise IndexError(index)
        if index not in self._built:
            self._load(range(index, min(index + FIRST_PAGE, len(self._rows))))
        return self._built[index].in_language(self.lang)

    def __iter__(self):
        for start in range(0, len(self._rows), 500):
            yield from self[start:start + 500]

    def __eq__(self, other):
        return isinstance(other, Sequence) and list(self) == list(other)

    def __repr__(self):
        return f"Results({len(self)} courses)"

    def _load(self, indexes):
        missing = [i for i in indexes if i not in self._built]
        if not missing:
            return
        self._rows[max(missing)]      # settles the order of everything before it
        wanted = json.dumps(sorted({self._rows[i].provider for i in missing}))
        providers = {r["id"]: r for r in self._catalog.db.query(
            "select * from providers where id in (select value from json_each(?))", [wanted])}
        rowids = json.dumps([self._rows[i].rowid for i in missing])
        full = {r["rowid"]: r for r in self._catalog.db.query(
            "select rowid, * from courses where rowid in (select value from json_each(?))",
            [rowids])}
        if self._prepare:
            self._prepare([self._rows[i] for i in missing])
        for i in missing:
            light = self._rows[i]
            row = full[light.rowid]
            course = catalog_mod.decode_course(row)
            course.pop("rowid", None)
            self._built[i] = self._make(light, course, providers.get(light.provider, {}))
