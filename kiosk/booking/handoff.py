"""Booking hand-off: the link a visitor scans, its summary, what a counsellor reads, and
the QR code.

Only the answers a link may carry (`answers.answers_for_link`) and course ids travel;
anything else is dropped before a link is built, and only the goal and the courses travel
readable: the rest is inside the sealed reference (kiosk/booking/reference.py). See docs/booking.md.
"""
from __future__ import annotations

import io
import re
import secrets
import string
from datetime import datetime
from urllib.parse import quote, quote_plus, urlencode

# the reference's names, for the callers of the hand-off
from kiosk.booking.reference import (  # noqa: F401 - HandoffError named here too
    Handoff,
    HandoffError,
    clean_courses,
    kiosk_id,
    make_reference,
)
from kiosk.guidance.answers import (
    ANSWERS,
    LANGUAGE_CODE,
    POSTCODE,
    SOME_OF,
    answers_for_link,
    known_languages,
)
from kiosk.site.config import PLACEHOLDERS, PRESETS  # noqa: F401 - named here too
from kiosk.text import words
from kiosk.text.i18n import N_, gettext_for, join_list

MIN_SECRET_CHARS = 32
# what a counsellor is told about the kind of reference
KINDS = {"sealed": N_("Versleuteld: alleen de Leerwinkel kan deze antwoorden lezen."),
         "signed": N_("Oud formaat: ondertekend maar niet versleuteld. De kiosk aanvaardt "
                      "het nog even."),
         "unsigned": N_("Niet versleuteld: zonder sleutel draagt de code alleen het doel en "
                        "de opleidingen.")}


# ---------------------------------------------------------------- the secret

def secret_problem(cfg) -> str | None:
    """A plain Dutch sentence for staff when the booking secret is missing or too short to
    keep links safe; None when it is fine. The caller translates it (gettext)."""
    secret = cfg.booking.secret or ""
    if not secret:
        return N_("Er is geen boekingssleutel ([booking] secret): afspraakcodes dragen dan "
                  "alleen het doel en de opleidingen. Maak er een met: kiosk booking new-secret")
    if len(secret) < MIN_SECRET_CHARS:
        return N_("De boekingssleutel ([booking] secret) is te kort: wie één afspraakcode "
                  "heeft, kan hem raden. Maak een nieuwe met: kiosk booking new-secret")
    return None


def new_secret() -> str:
    """A strong random booking secret: 32 random bytes, base64url (43 characters)."""
    return secrets.token_urlsafe(32)


def new_secret_text(secret: str) -> str:
    """What `kiosk booking new-secret` prints: the secret and where it goes."""
    return (f"{secret}\n\nPut it in the site config of every kiosk and counsellor computer "
            "of this site:\n\n[booking]\n"
            f'secret = "{secret}"\n\nWhen replacing a secret, move the old one to '
            "previous_secrets first (docs/booking.md).")


# ---------------------------------------------------------------- the link

def summary(answers: dict, course_ids: list[str], lang: str = "nl") -> str:
    """The short readable line a booking shows: only the goal and the chosen courses, e.g.
    'Doel: diploma secundair. Opleidingen: a, b.' The other answers travel only sealed."""
    _ = gettext_for(lang)
    parts = []
    if answers.get("goal"):
        parts.append(_("Doel: {goal}.").format(goal=_(words.GOAL_SHORT[answers["goal"]])))
    if course_ids:
        parts.append(_("Opleidingen: {ids}.").format(ids=join_list(course_ids, lang)))
    else:
        parts.append(_("Praten over mijn mogelijkheden."))
    return " ".join(parts)


def fill_template(template: str, values: dict) -> str:
    """The template with each {placeholder} replaced by its URL-encoded value ('+' for
    spaces in the query part, '%20' before it). The template was checked when the config
    was loaded (kiosk/site/config.py): a web address with known placeholders only."""
    out = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        out.append(literal)
        if name is None:
            continue
        in_query = "?" in "".join(out)
        value = str(values[name])
        out.append(quote_plus(value, safe="") if in_query else quote(value, safe=""))
    return "".join(out)


def _add_query(base: str, params: list[tuple[str, str]]) -> str:
    params = [(k, v) for k, v in params if v]
    if not params:
        return base
    return base + ("&" if "?" in base else "?") + urlencode(params)


def booking_url(cfg, answers: dict, course_ids: list[str], now: datetime | None = None) -> str:
    """The text the booking QR code encodes. The same answers, courses and config give the
    same link all day: the reference holds the date, never the time."""
    preset = cfg.booking.preset
    clean = answers_for_link(answers, known_languages(cfg))
    courses = clean_courses(course_ids)
    reference = make_reference(cfg, clean, courses, now)
    text = summary(clean, courses)
    direct = counsellor_link(cfg, reference)
    if direct:
        text += f" {direct}"
    values = {"summary": text, "courses": ",".join(courses), "goal": clean.get("goal", ""),
              "language": clean.get("language", ""), "reference": reference,
              "kiosk_id": kiosk_id(cfg), "provider_id": cfg.booking.provider_id,
              "service_id": cfg.booking.service_id}
    base = fill_template(cfg.booking.url_template, values)
    if preset == "calcom":
        base = _add_query(base, [("notes", f"{text} Ref: {reference}"),
                                 ("metadata[kiosk]", values["kiosk_id"])])
    elif preset == "easyappointments":
        base = _add_query(base, [("provider", cfg.booking.provider_id),
                                 ("service", cfg.booking.service_id),
                                 ("ref", reference)])
    return with_language(base, values["language"])


def with_language(url: str, language: str) -> str:
    """The link with `lang=<code>` (docs/booking.md), so a booking page that has the
    visitor's language opens in it; a link that already names `lang` keeps its own."""
    if not language or re.search(r"[?&]lang=", url):
        return url
    return _add_query(url, [("lang", language)])


# ---------------------------------------------------------------- for the counsellor

def _said(spec, a: dict, _, lang: str) -> str:
    """One answer as the counsellor reads it (kiosk/guidance/answers.py describes it)."""
    value = a.get(spec.key)
    if spec.kind == SOME_OF and isinstance(value, str):
        value = [value]
    if spec.kind == POSTCODE:
        where = value or _(spec.unanswered)
        if "max_distance_km" in a:
            where += " " + _("(tot {km} km)").format(km=a["max_distance_km"])
        return where
    if not value:
        return _(spec.unanswered)
    if spec.kind == SOME_OF:
        return join_list((spec.said(v, _) for v in value), lang)
    if spec.kind == LANGUAGE_CODE and value in spec.words:
        return f"{spec.said(value, _)} ({value})"
    return spec.said(value, _)


def describe(handoff: Handoff, lang: str = "nl", titles: dict | None = None) -> str:
    """Plain text for the counsellor: who signed, when, the answers and the courses.
    titles maps course ids to titles (from the current catalog) when known."""
    _ = gettext_for(lang)
    a = handoff.answers
    day = handoff.made_on
    lines = [_("Aanvraag van kiosk {kiosk}, gemaakt op {day} {month} {year}.").format(
        kiosk=handoff.kiosk_id or "?", day=day.day, month=_(words.MONTHS[day.month - 1]),
        year=day.year)]
    if handoff.key == "current":
        lines.append(_("Handtekening: in orde. Deze gegevens komen van de kiosk."))
    elif handoff.key == "previous":
        lines.append(_("Handtekening: in orde, met de vorige sleutel van deze site."))
    else:
        lines.append(_("LET OP: niet ondertekend. Niets bewijst dat dit van de kiosk komt."))
    lines.append(_(KINDS[handoff.kind]))
    lines.append("")

    lines += [f"{label}: {value}" for label, value in answer_rows(a, lang)]
    lines.append("")
    if handoff.course_ids:
        lines.append(_("Gekozen opleidingen:"))
        for cid in handoff.course_ids:
            title = (titles or {}).get(cid)
            lines.append(f"  - {cid}" + (f": {title}" if title else ""))
    else:
        lines.append(_("Geen opleiding gekozen: wil praten over de mogelijkheden."))
    return "\n".join(lines)


def answer_rows(a: dict, lang: str = "nl") -> list[tuple[str, str]]:
    """The visitor's answers as (label, value) in plain words, every described key named,
    also the ones the visitor left open (kiosk/guidance/answers.py ANSWERS)."""
    _ = gettext_for(lang)
    return [(_(spec.label), _said(spec, a, _, lang)) for spec in ANSWERS if spec.label]


def counsellor_link(cfg, reference: str) -> str:
    """The direct link to one booking on the counsellor page (booking.counsellor_url), or
    "" when the site has none."""
    base = cfg.booking.counsellor_url
    return f"{base.rstrip('/')}/r/{reference}" if base else ""


# ---------------------------------------------------------------- the QR code

def qr_png(text: str, box_px: int = 10) -> bytes:
    """A PNG of the QR code: black on white, 4-module quiet zone, medium error correction."""
    import qrcode
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M,
                       box_size=box_px, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    image = qr.make_image(fill_color="black", back_color="white")
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()
