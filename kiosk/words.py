"""The words for the vocabulary (kiosk/vocab.py), in one place.

Every value of the vocabulary is said the same way everywhere: in the reasons of a
result, on the detail screen, in the booking summary and for the counsellor. The texts
are Dutch msgids; assets/locales/ holds them in the other languages. Where a value has
more than one role (a goal as a short label, a reason or a sentence for the counsellor),
each role has its own table here.
"""
from .i18n import N_

TIMES = {"dag": N_("overdag"), "avond": N_("op avonden"), "weekend": N_("in het weekend")}
FORMATS = {"klassikaal": N_("in een klas"),
           "afstand": N_("online of op afstand: je leert thuis"),
           "combinatie": N_("deels in de klas, deels online")}
OUTCOMES = {"diploma-secundair": N_("leidt tot een diploma secundair onderwijs"),
            "certificaat": N_("leidt tot een certificaat"),
            "beroepskwalificatie": N_("leidt tot een erkend beroep (beroepskwalificatie)"),
            "deelcertificaat": N_("leidt tot een deelcertificaat"),
            "attest": N_("je krijgt een attest"),
            "geen": N_("geen diploma of certificaat")}
# a goal as the reason of a result in an orientation over goals
GOAL_REASONS = {"diploma-secundair": N_("om je diploma secundair onderwijs te halen"),
                "nederlands": N_("om Nederlands te leren"),
                "basisvaardigheden": N_("om beter te lezen, schrijven of rekenen"),
                "digitaal": N_("om met computer en smartphone te werken"),
                "beroep": N_("om een beroep te leren"),
                "talen": N_("om een andere taal te leren"),
                "hoger-onderwijs": N_("hoger onderwijs: graduaat of bachelor")}
# a goal in the short summary a booking link carries
GOAL_SHORT = {"diploma-secundair": N_("diploma secundair"), "nederlands": N_("Nederlands leren"),
              "basisvaardigheden": N_("basisvaardigheden"),
              "digitaal": N_("digitale vaardigheden"),
              "beroep": N_("leren voor een beroep"), "talen": N_("andere talen"),
              "hoger-onderwijs": N_("hoger onderwijs"), "weet-niet": N_("doel nog niet zeker")}
# a goal for the counsellor
GOAL_LONG = {"diploma-secundair": N_("een diploma secundair onderwijs halen"),
             "nederlands": N_("Nederlands leren (NT2)"),
             "basisvaardigheden": N_("beter lezen, schrijven of rekenen"),
             "digitaal": N_("leren werken met computer en smartphone"),
             "beroep": N_("een opleiding voor een beroep"), "talen": N_("een andere taal leren"),
             "hoger-onderwijs": N_("hoger onderwijs (HBO5, graduaat, bachelor)"),
             "weet-niet": N_("weet het nog niet")}
DIPLOMAS = {"geen": N_("geen diploma"), "basisonderwijs": N_("basisonderwijs"),
            "secundair-onvolledig": N_("secundair onderwijs, niet afgewerkt"),
            "secundair": N_("diploma secundair onderwijs"), "hoger": N_("hoger onderwijs"),
            "buitenlands": N_("buitenlands diploma, nog niet erkend (NARIC-Vlaanderen)")}
DUTCH_LEVELS = {"geen": N_("nog geen Nederlands"), "moedertaal": N_("moedertaal")}  # else A1…C1
STATUSES = {"werkzoekend": N_("werkzoekend"), "werkend": N_("werkt"),
            "leefloon": N_("leefloon"), "inburgeraar": N_("inburgeraar"),
            "student": N_("student"), "andere": N_("andere")}
FREE_FOR = {"werkzoekend": N_("gratis voor werkzoekenden"),
            "werkend": N_("gratis voor werkenden"),
            "leefloon": N_("gratis met een leefloon"),
            "inburgeraar": N_("gratis voor inburgeraars"),
            "student": N_("gratis voor studenten"),
            "andere": N_("gratis voor jou")}
REDUCED_FOR = {"werkzoekend": N_("goedkoper voor werkzoekenden"),
               "werkend": N_("goedkoper voor werkenden"),
               "leefloon": N_("goedkoper met een leefloon"),
               "inburgeraar": N_("goedkoper voor inburgeraars"),
               "student": N_("goedkoper voor studenten"),
               "andere": N_("goedkoper voor jou")}
# a visitor's language, named in Dutch for the counsellor
LANGUAGES = {"nl": N_("Nederlands"), "en": N_("Engels"), "fr": N_("Frans"),
             "ar": N_("Arabisch"), "uk": N_("Oekraïens"), "tr": N_("Turks")}
MONTHS = (N_("januari"), N_("februari"), N_("maart"), N_("april"), N_("mei"), N_("juni"),
          N_("juli"), N_("augustus"), N_("september"), N_("oktober"), N_("november"),
          N_("december"))
