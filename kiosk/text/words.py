"""The words for the vocabulary (kiosk/vocab.py), in one place.

Every value of the vocabulary is said the same way everywhere: in the reasons of a
result, on the detail screen, in the booking summary and for the counsellor. The texts
are Dutch msgids; assets/locales/ holds them in the other languages. Where a value has
more than one role (a goal as a short label, a reason or a sentence for the counsellor),
one table holds all its roles side by side.
"""
from kiosk.text.i18n import N_

TIMES = {"dag": N_("overdag"), "avond": N_("op avonden"), "weekend": N_("in het weekend")}
FORMATS = {"klassikaal": N_("in een klas"),
           "afstand": N_("online of op afstand: je leert thuis"),
           "combinatie": N_("deels in de klas, deels online")}
OUTCOMES = {"diploma-secundair": N_("je krijgt een diploma secundair onderwijs"),
            "certificaat": N_("je krijgt een certificaat"),
            "diploma-hoger": N_("je krijgt een diploma hoger onderwijs"),
            "beroepskwalificatie": N_("je krijgt een erkend bewijs voor een beroep"),
            "deelcertificaat": N_("je krijgt een bewijs voor een deel van een beroep"),
            "attest": N_("je krijgt een bewijs dat je de les volgde"),
            "geen": N_("je krijgt geen diploma of certificaat")}
# goal: (the reason of a result in an orientation over goals, the goal in the short
# summary a booking link carries, the goal for the counsellor)
_GOALS = {
    "diploma-secundair": (N_("om je diploma secundair onderwijs te halen"),
                          N_("diploma secundair"), N_("een diploma secundair onderwijs halen")),
    "nederlands": (N_("om Nederlands te leren"), N_("Nederlands leren"),
                   N_("Nederlands leren (NT2)")),
    "basisvaardigheden": (N_("om beter te lezen, schrijven of rekenen"), N_("lezen, schrijven, rekenen"),
                          N_("beter lezen, schrijven of rekenen")),
    "digitaal": (N_("om met computer en smartphone te werken"), N_("computer en smartphone"),
                 N_("leren werken met computer en smartphone")),
    "beroep": (N_("om een beroep te leren"), N_("leren voor een beroep"),
               N_("een opleiding voor een beroep")),
    "talen": (N_("om een andere taal te leren"), N_("andere talen"),
              N_("een andere taal leren")),
    "hoger-onderwijs": (N_("om te studeren aan een hogeschool: graduaat of bachelor"), N_("hoger onderwijs"),
                        N_("hoger onderwijs (HBO5, graduaat, bachelor)")),
    "weet-niet": (None, N_("doel nog niet zeker"), N_("weet het nog niet")),
}
GOAL_REASONS = {goal: texts[0] for goal, texts in _GOALS.items() if texts[0]}
GOAL_SHORT = {goal: texts[1] for goal, texts in _GOALS.items()}
GOAL_LONG = {goal: texts[2] for goal, texts in _GOALS.items()}
DIPLOMAS = {"geen": N_("geen diploma"), "basisonderwijs": N_("basisonderwijs"),
            "secundair-onvolledig": N_("secundair onderwijs, niet afgemaakt"),
            "secundair": N_("diploma secundair onderwijs"), "hoger": N_("hoger onderwijs"),
            "buitenlands": N_("diploma uit een ander land, nog niet erkend")}
DUTCH_LEVELS = {"geen": N_("nog geen Nederlands"), "moedertaal": N_("moedertaal")}  # else A1…C1
# status: (for the counsellor, a course free for them, a course cheaper for them, why
# this visitor pays less)
_STATUSES = {
    "werkzoekend": (N_("werkzoekend"), N_("gratis voor werkzoekenden"),
                    N_("goedkoper voor werkzoekenden"), N_("je zoekt werk")),
    "werkend": (N_("werkt"), N_("gratis voor werkenden"), N_("goedkoper voor werkenden"),
                N_("je werkt")),
    "leefloon": (N_("leefloon"), N_("gratis met een leefloon"), N_("goedkoper met een leefloon"),
                 N_("je krijgt een leefloon")),
    "inburgeraar": (N_("inburgeraar"), N_("gratis als je inburgering volgt"),
                    N_("goedkoper als je inburgering volgt"), N_("je volgt inburgering")),
    "student": (N_("student"), N_("gratis voor studenten"), N_("goedkoper voor studenten"),
                N_("je gaat naar school")),
    "andere": (N_("andere"), N_("gratis voor jou"), N_("goedkoper voor jou"), None),
}
STATUSES = {status: texts[0] for status, texts in _STATUSES.items()}
FREE_FOR = {status: texts[1] for status, texts in _STATUSES.items()}
REDUCED_FOR = {status: texts[2] for status, texts in _STATUSES.items()}
BECAUSE = {status: texts[3] for status, texts in _STATUSES.items()}
# route kind -> what it is, for a result's reasons
KIND_REASONS = {
    "intake": N_("eerst hier een intake: een gesprek en een korte test. Daarna kiest een "
                 "begeleider met jou de juiste cursus Nederlands"),
    "exam": N_("een andere weg: je leert zelf, in je eigen tempo, en doet examens bij de "
               "Examencommissie"),
    "recognition-diploma": N_("laat je diploma uit het buitenland erkennen: dan weet je "
                              "welk diploma het hier is"),
    "recognition-experience": N_("heb je al ervaring in een beroep? Laat die erkennen met "
                                 "een ervaringsbewijs (EVC)"),
    "tweedekans": N_("een andere weg: je volgt lessen bij een centrum voor volwassenen en "
                     "haalt zo je diploma"),
    "work-training": N_("je leert op de werkvloer, bij een werkgever, met begeleiding van "
                        "de VDAB"),
    "youth-route": N_("voor jongeren tot 25 jaar: je leert op school en op de werkvloer"),
    "orientation": N_("je leert hoe het leven in België werkt, in een taal die je kent"),
}
# the follow-up questions' values, for the counsellor (kiosk/guidance/answers.py)
SECTORS = {"zorg": N_("zorg"), "bouw": N_("bouw"), "logistiek": N_("logistiek en transport"),
           "horeca": N_("horeca"), "kantoor": N_("kantoor"), "techniek": N_("techniek"),
           "handel": N_("handel en winkel"), "schoonmaak": N_("schoonmaak"),
           "kinderopvang": N_("kinderopvang")}
TAUGHT_LANGUAGES = {"en": N_("Engels"), "fr": N_("Frans"), "de": N_("Duits"),
                    "es": N_("Spaans"), "it": N_("Italiaans"), "ar": N_("Arabisch"),
                    "tr": N_("Turks")}
SKILLS = {"lezen-schrijven": N_("lezen en schrijven"), "rekenen": N_("rekenen"),
          "digitaal": N_("computer en smartphone")}
READING = {"nederlands": N_("kan een korte tekst lezen in het Nederlands"),
           "andere-taal": N_("kan een korte tekst lezen in een andere taal"),
           "nog-niet": N_("kan nog geen tekst lezen")}
EXPERIENCE = {"geen": N_("geen werkervaring in dat beroep"),
              "minder-dan-2-jaar": N_("minder dan 2 jaar werkervaring"),
              "2-jaar-of-meer": N_("2 jaar of meer werkervaring")}
AGE_BANDS = {"jonger-dan-25": N_("jonger dan 25"), "25-of-ouder": N_("25 of ouder")}
# needs: (for a visitor's reasons when a course does not say, for the counsellor)
_NEEDS = {
    "kinderopvang": (N_("vraag na of er kinderopvang is"), N_("kinderopvang")),
    "rolstoel": (N_("vraag na of het toegankelijk is met een rolstoel"),
                 N_("toegang met een rolstoel")),
    "andere-taal": (N_("let op: de les is in het Nederlands"),
                    N_("een opleiding in een andere taal dan Nederlands")),
    "gratis": (None, N_("alleen gratis opleidingen")),
}
NEED_CHECKS = {need: texts[0] for need, texts in _NEEDS.items() if texts[0]}
NEEDS = {need: texts[1] for need, texts in _NEEDS.items()}
REGIONS = {"brussel": N_("Brussel"), "waals-brabant": N_("Waals-Brabant"),
           "vlaams-brabant": N_("Vlaams-Brabant"), "antwerpen": N_("de provincie Antwerpen"),
           "limburg": N_("Limburg"), "wallonie": N_("Wallonië"),
           "west-vlaanderen": N_("West-Vlaanderen"), "oost-vlaanderen": N_("Oost-Vlaanderen")}
# a visitor's language, named in Dutch for the counsellor
LANGUAGES = {"nl": N_("Nederlands"), "en": N_("Engels"), "fr": N_("Frans"),
             "ar": N_("Arabisch"), "uk": N_("Oekraïens"), "tr": N_("Turks")}
MONTHS = (N_("januari"), N_("februari"), N_("maart"), N_("april"), N_("mei"), N_("juni"),
          N_("juli"), N_("augustus"), N_("september"), N_("oktober"), N_("november"),
          N_("december"))
