"""The vocabulary (docs/vocabulary.md), in one place: the words of feeds, answers and links."""

GOALS = ("diploma-secundair", "nederlands", "basisvaardigheden", "digitaal",
         "beroep", "talen", "hoger-onderwijs")
GOAL_UNSURE = "weet-niet"
DUTCH_LEVELS = ("geen", "A1", "A2", "B1", "B2", "C1", "moedertaal")
DIPLOMAS = ("geen", "basisonderwijs", "secundair-onvolledig", "secundair", "hoger")
FOREIGN_DIPLOMA = "buitenlands"
STATUSES = ("werkzoekend", "werkend", "leefloon", "inburgeraar", "student", "andere")
TIMES = ("dag", "avond", "weekend")
FORMATS = ("klassikaal", "afstand", "combinatie")
OUTCOMES = ("diploma-secundair", "certificaat", "beroepskwalificatie",
            "deelcertificaat", "attest", "geen")
PROVIDER_TYPES = ("cvo", "cbe", "vdab", "syntra", "hoger-onderwijs", "ligo", "andere")


def rank(values: tuple, value) -> int | None:
    """Position of value in an ordered vocabulary, None when unknown/absent."""
    try:
        return values.index(value)
    except ValueError:
        return None


def mask(values: tuple, chosen) -> int:
    """Bit mask of the chosen values (bit i = values[i])."""
    return sum(1 << i for i, v in enumerate(values) if v in (chosen or ()))
