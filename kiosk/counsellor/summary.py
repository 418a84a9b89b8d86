"""Everything the counsellor page shows for one booking, as plain Dutch facts: the answers,
the chosen courses with what this visitor pays, the results as the visitor saw them
(matched again on the booking's day and today's catalog), the routes, what to bring and
what the kiosk could not know. No web framework here; app.py only lays it out."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kiosk import vocab
from kiosk.booking import handoff as handoff_mod
from kiosk.booking import shortcode
from kiosk.counsellor import checklist
from kiosk.guidance import course_facts, matching
from kiosk.text import words
from kiosk.text.i18n import gettext_for, join_list
from kiosk.text.printable import one_line

RESULTS_SHOWN = 8           # the first results, as the visitor's list began
NOT_KNOWN = (
    "Naam, adres, telefoon en e-mail: de kiosk vraagt ze niet.",
    "Of de bezoeker al een opleiding volgt of gevolgd heeft, en bij wie.",
    "Inkomen en werkgever: de prijs zegt 'vraag na' waar die ertoe doen.",
    "Of een buitenlands diploma al erkend is, en op welk niveau.",
    "Het echte niveau Nederlands: dat meet een test (Huis van het Nederlands).",
    "Welke resultaten de bezoeker geopend of gelezen heeft: alleen de keuze reist mee.",
)


# what a refusal of kiosk.booking.reference means, in Dutch beside its own (English) words
REFUSALS = (
    ("altered after the kiosk made it",
     "Deze link of code is veranderd nadat de kiosk hem maakte. Vertrouw de inhoud niet en "
     "vraag de bezoeker wat hij of zij zocht."),
    ("key this site does not know", "Deze code komt van de kiosk van een andere Leerwinkel, "
                                    "of van een sleutel die deze site niet meer aanvaardt."),
    ("accepted only", "Deze code is in het oude formaat en te oud om nog te aanvaarden."),
    ("no booking.secret", "Deze computer heeft de sleutel van de site niet: vraag de IT."),
    ("too new", "De kiosk is nieuwer dan deze pagina: vraag de IT om bij te werken."),
    ("carries no signature", "Deze code is niet ondertekend, maar deze site ondertekent "
                             "alles: hij komt niet van de kiosk van deze site."),
)


def refusal_meaning(message: str) -> str:
    return next((meaning for words_in, meaning in REFUSALS if words_in in message),
                "Er staat geen bruikbare code van de kiosk in deze tekst.")


@dataclass
class Course:
    id: str
    found: bool
    title: str = ""
    provider: str = ""
    place: str = ""
    starts: str = ""
    when: str = ""
    price: str = ""
    contact: str = ""
    url: str = ""
    kind: str = ""
    picked: bool = False        # in the results: one the visitor chose


@dataclass
class Page:
    kiosk: str
    day: date
    day_text: str
    trust: str
    kind_text: str
    unsigned: bool
    code: str
    answers: list[tuple[str, str]]
    language: str
    chosen: list[Course]
    results: list[Course] = field(default_factory=list)
    result_count: int = 0
    relaxed: str = ""
    routes: list[Course] = field(default_factory=list)
    catalog_note: str = ""
    bring: list[checklist.Item] = field(default_factory=list)
    not_known: list[str] = field(default_factory=list)


def _place(course: dict) -> str:
    town = f"{course.get('postcode') or ''} {course.get('city') or ''}".strip()
    parts = [course.get("location_name"), course.get("street"), town]
    return one_line(", ".join(p for p in parts if p), 160)


def _starts(course: dict, day: date) -> str:
    if course.get("flexible_start"):
        return "starten kan op elk moment"
    upcoming = course_facts.upcoming_starts(course, day)
    if not upcoming:
        return "geen startdatum meer na de dag van de aanvraag"
    return "start " + join_list((course_facts.day_text(d) for d in upcoming), "nl")


def _when(course: dict) -> str:
    parts = [words.TIMES[t] for t in course.get("times") or [] if t in words.TIMES]
    if course.get("format") in words.FORMATS:
        parts.append(words.FORMATS[course["format"]])
    if course.get("hours_per_week"):
        parts.append(f"{course['hours_per_week']:g} uur per week")
    if course.get("duration_weeks"):
        parts.append(f"{course['duration_weeks']} weken")
    return join_list(parts, "nl")


def _contact(provider: dict) -> str:
    return one_line(" · ".join(v for v in (provider.get("phone"), provider.get("website")) if v),
                    160)


def course_facts_for(course: dict | None, cid: str, provider: dict, day: date,
                     statuses) -> Course:
    """One course as the page lists it; found=False when the catalog no longer has it."""
    if course is None:
        return Course(cid, False)
    _ = gettext_for("nl")
    return Course(cid, True, title=one_line(matching.course_title(course, "nl"), 160),
                  provider=one_line(provider.get("name") or course.get("provider") or "", 120),
                  place=_place(course), starts=_starts(course, day), when=_when(course),
                  price=course_facts.visitor_price(course, statuses, _),
                  contact=_contact(provider), url=one_line(course.get("url") or "", 300),
                  kind=course.get("kind") or "")


def _statuses(answers: dict) -> list[str]:
    chosen = answers.get("status")
    chosen = [chosen] if isinstance(chosen, str) else chosen or []
    return [s for s in vocab.STATUSES if s in chosen]


def _catalog_note(catalog, day: date) -> str:
    refreshed = (catalog.meta().get("refreshed_at") or "")[:10]
    if refreshed and refreshed > day.isoformat():
        return (f"De catalogus is vernieuwd op {refreshed}, na de dag van de aanvraag: "
                "de resultaten en prijzen kunnen iets verschillen van wat de bezoeker zag.")
    return ""


RELAXED = {"max_distance_km": "de afstand", "times": "de momenten", "formats": "de lesvorm",
           "needs": "de vraag naar een andere taal",
           "practice": "de afstand (dichtbij waren er alleen oefengroepen)"}


def _matched(page: Page, catalog, answers: dict, day: date, statuses, chosen) -> None:
    """The visitor's results, matched again with 'today' pinned to the booking's day."""
    providers = catalog.providers()
    try:
        outcome = matching.match(catalog, answers, today=day, lang="nl")
    except matching.AnswersError:
        return
    page.result_count = len(outcome.results)
    for result in outcome.results[:RESULTS_SHOWN]:
        row = course_facts_for(result.course, result.course["id"],
                               providers.get(result.course.get("provider"), result.provider),
                               day, statuses)
        row.picked = row.id in chosen
        (page.routes if row.kind else page.results).append(row)
    if outcome.relaxed:
        page.relaxed = ("Niets paste bij alle antwoorden; de kiosk liet los: "
                        + join_list((RELAXED.get(r, r) for r in outcome.relaxed), "nl") + ".")


def build(found, catalog) -> Page:
    """The page for a verified hand-off (kiosk.booking.reference.Handoff). catalog: the
    current catalog (kiosk.catalog.db.Catalog) or None when there is none."""
    _ = gettext_for("nl")
    answers, day = found.answers, found.made_on
    statuses = _statuses(answers)
    code = answers.get("language")
    trust = {"current": "Handtekening in orde: deze gegevens komen van de kiosk van deze site.",
             "previous": "Handtekening in orde, met de vorige sleutel van deze site."}.get(
        found.key, "LET OP: niet ondertekend. Niets bewijst dat dit van de kiosk komt.")
    page = Page(
        kiosk=found.kiosk_id or "?", day=day,
        day_text=f"{day.day} {words.MONTHS[day.month - 1]} {day.year}", trust=trust,
        kind_text=_(handoff_mod.KINDS[found.kind]), unsigned=not found.signed,
        code=shortcode.spell(found.token) if found.token else "",
        answers=handoff_mod.answer_rows(answers, "nl"),
        language=f"{words.LANGUAGES.get(code, code)} ({code})" if code else "niet bekend",
        chosen=[], bring=checklist.for_answers(answers), not_known=list(NOT_KNOWN))
    if catalog is None:
        page.chosen = [Course(cid, False) for cid in found.course_ids]
        page.catalog_note = ("Er is geen catalogus op deze computer: de opleidingen en "
                             "resultaten kunnen niet getoond worden.")
        return page
    providers = catalog.providers()
    for cid in found.course_ids:
        course = catalog.course(cid)
        provider = providers.get(course.get("provider"), {}) if course else {}
        page.chosen.append(course_facts_for(course, cid, provider, day, statuses))
    page.catalog_note = _catalog_note(catalog, day)
    _matched(page, catalog, answers, day, statuses, set(found.course_ids))
    return page
