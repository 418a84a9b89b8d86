"""The vocabulary (docs/vocabulary.md), in one place: the words of feeds, answers and links."""
from __future__ import annotations

import re

GOALS = ("diploma-secundair", "nederlands", "basisvaardigheden", "digitaal",
         "beroep", "talen", "hoger-onderwijs")
GOAL_UNSURE = "weet-niet"
DUTCH_LEVELS = ("geen", "A1", "A2", "B1", "B2", "C1", "moedertaal")
DIPLOMAS = ("geen", "basisonderwijs", "secundair-onvolledig", "secundair", "hoger")
FOREIGN_DIPLOMA = "buitenlands"
STATUSES = ("werkzoekend", "werkend", "leefloon", "inburgeraar", "student", "andere")
WORKER = "werkend"                 # the status that opleidingsverlof and cheques are for
TIMES = ("dag", "avond", "weekend")
FORMATS = ("klassikaal", "afstand", "combinatie")
OUTCOMES = ("diploma-secundair", "certificaat", "beroepskwalificatie",
            "deelcertificaat", "attest", "geen", "diploma-hoger")
PROVIDER_TYPES = ("cvo", "cbe", "vdab", "syntra", "hoger-onderwijs", "ligo", "andere")
OLD_PROVIDER_TYPES = {"cbe": "ligo"}      # accepted in a feed, stored as the new word
# what the fee rules read (docs/rules.md): the study area of adult education, the
# richtgraad of a Dutch (NT2) course, the region a course is given in
STUDY_AREAS = ("aav", "nt2", "basiseducatie", "talen", "beroepsgericht", "hbo5", "andere")
RICHTGRADEN = (1, 2, 3, 4)
FEE_REGIONS = ("vlaanderen", "brussel")


# One rule for course ids, shared by the feed check and the booking link: a course the
# screen can list is a course the booking link can carry.
COURSE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", re.ASCII)
COURSE_ID_RULE = ("letters a-z, digits, '.', '_' and '-', at most 64, starting with a "
                  "letter or digit, with at least one letter")


def valid_course_id(value) -> bool:
    """A course id as feeds give it and booking links carry it (COURSE_ID_RULE); the
    letter keeps a phone number or e-mail address from passing for one."""
    return (isinstance(value, str) and COURSE_ID.fullmatch(value) is not None
            and any(c.isalpha() for c in value))


def rank(values: tuple, value) -> int | None:
    """Position of value in an ordered vocabulary, None when unknown/absent."""
    try:
        return values.index(value)
    except ValueError:
        return None


def mask(values: tuple, chosen) -> int:
    """Bit mask of the chosen values (bit i = values[i])."""
    return sum(1 << i for i, v in enumerate(values) if v in (chosen or ()))


# ---------------------------------------------------------------- routes and needs

COURSE = "course"                  # the kind of a catalog record that is a course
# the kinds of a record that is a route, not a course (docs/vocabulary.md)
ROUTE_KINDS = ("intake", "exam", "recognition-diploma", "recognition-experience",
               "tweedekans", "work-training", "youth-route", "orientation")
KINDS = (COURSE,) + ROUTE_KINDS
INTAKE = "intake"
# what a visitor may need to be able to go (answers key `needs`)
NEEDS = ("kinderopvang", "rolstoel", "andere-taal", "gratis")

# ---------------------------------------------------------------- follow-up questions
# (docs/vocabulary.md): the words of the questions that decide the route, in answers
# and feeds alike
SECTORS = ("zorg", "bouw", "logistiek", "horeca", "kantoor", "techniek", "handel",
           "schoonmaak", "kinderopvang")
TAUGHT_LANGUAGES = ("en", "fr", "de", "es", "it", "ar", "tr")   # goal `talen`: ISO 639-1
SKILLS = ("lezen-schrijven", "rekenen", "digitaal")
READING = ("nederlands", "andere-taal", "nog-niet")     # "can you read a short text?"
# a course's literacy: `alfa` is for who cannot read yet, `geletterd` asks that you can
LITERACY = ("alfa", "geletterd")
EXPERIENCE = ("geen", "minder-dan-2-jaar", "2-jaar-of-meer")
EXPERIENCED = "2-jaar-of-meer"
AGE_BANDS = ("jonger-dan-25", "25-of-ouder")
YOUNG = "jonger-dan-25"
YOUTH_AGE = 25              # a youth route has max_age below this

# regions by postcode (Belgian postcodes run by province): the intake of the visitor's
# region is the one whose own place lies in the same region
REGIONS = (("brussel", 1000, 1299), ("waals-brabant", 1300, 1499),
           ("vlaams-brabant", 1500, 1999), ("antwerpen", 2000, 2999),
           ("vlaams-brabant", 3000, 3499), ("limburg", 3500, 3999),
           ("wallonie", 4000, 7999), ("west-vlaanderen", 8000, 8999),
           ("oost-vlaanderen", 9000, 9999))


class Postcode(str):
    """A Belgian postcode: 4 ASCII digits from 1000 to 9999, the one check every part
    (answers, feeds, places, regions, the site config) makes. `Postcode(value)` raises
    ValueError; `Postcode.parse(value)` gives None instead. A whole number or text with
    spaces around it is read too."""
    PATTERN = re.compile(r"[1-9][0-9]{3}", re.ASCII)

    def __new__(cls, value):
        found = cls.parse(value)
        if found is None:
            raise ValueError(f"not a Belgian postcode: {str(value)[:20]!r}")
        return str.__new__(cls, found)

    @classmethod
    def parse(cls, value) -> Postcode | None:
        if isinstance(value, Postcode):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not cls.PATTERN.fullmatch(value.strip()):
            return None
        return str.__new__(cls, value.strip())


def region(postcode) -> str | None:
    """The region (province, or Brussels) of a Belgian postcode; None when unknown."""
    code = Postcode.parse(postcode)
    if code is None:
        return None
    number = int(code)
    return next((name for name, low, high in REGIONS if low <= number <= high), None)
