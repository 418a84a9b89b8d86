"""Opening hours with pinned times (kiosk/site/opening_hours.py); 2026-11-30 is a Monday."""
from datetime import datetime

import pytest

from kiosk.site import config
from kiosk.site import opening_hours as oh

WEEK = {"mon": "09:00-12:00, 13:00-17:00", "wed": "13:00-19:00", "sat": "10:00-24:00"}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_empty_table_means_always_open():
    assert oh.is_open({}, at("2026-11-29 03:00")) and oh.next_opening({}, at("2026-11-29 03:00")) is None
    assert oh.next_change({}, at("2026-11-29 03:00")) is None


@pytest.mark.parametrize("now, expected", [
    ("2026-11-30 08:59", False), ("2026-11-30 09:00", True), ("2026-11-30 11:59", True),
    ("2026-11-30 12:00", False), ("2026-11-30 13:30", True), ("2026-11-30 17:00", False),
    ("2026-12-01 10:00", False),                         # Tuesday is not listed: closed
    ("2026-12-05 23:59", True), ("2026-12-06 00:00", False),   # "24:00" is midnight
])
def test_open_now(now, expected):
    assert oh.is_open(WEEK, at(now)) is expected


@pytest.mark.parametrize("now, opens, word", [
    ("2026-11-30 07:00", "2026-11-30 09:00", "vandaag"),
    ("2026-11-30 12:30", "2026-11-30 13:00", "vandaag"),
    ("2026-11-30 18:00", "2026-12-02 13:00", "woensdag"),
    ("2026-12-02 20:00", "2026-12-05 10:00", "zaterdag"),
    ("2026-12-05 09:00", "2026-12-05 10:00", "vandaag"),
    ("2026-12-06 11:00", "2026-12-07 09:00", "morgen"),
])
def test_next_opening_and_how_a_visitor_says_the_day(now, opens, word):
    when = oh.next_opening(WEEK, at(now))
    assert when == at(opens)
    assert oh.day_word(when, at(now)) == word


def test_the_next_change_is_an_opening_or_a_closing():
    assert oh.next_change(WEEK, at("2026-11-30 10:00")) == at("2026-11-30 12:00")
    assert oh.next_change(WEEK, at("2026-11-30 12:10")) == at("2026-11-30 13:00")
    assert oh.next_change(WEEK, at("2026-12-05 20:00")) == at("2026-12-06 00:00")


@pytest.mark.parametrize("table, message", [
    ({"maandag": "09:00-17:00"}, "not a weekday"),
    ({"mon": "9 tot 5"}, "not a range"),
    ({"mon": "17:00-09:00"}, "ends before it starts"),
    ({"mon": "09:00-25:00"}, "not a time of day"),
    ({"mon": 9}, "must be text"),
])
def test_a_bad_table_is_refused_with_a_reason(tmp_path, table, message):
    with pytest.raises(ValueError, match=message):
        oh.parse(table)
    path = tmp_path / "site.toml"
    path.write_text("[site.open]\n" + "".join(
        f'{day} = {value!r}\n'.replace("'", '"') for day, value in table.items()))
    with pytest.raises(config.ConfigError, match="site.open"):
        config.load(path)


def test_the_site_config_takes_a_week(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text('[site]\nopen = {mon = "09:00-12:00, 13:00-17:00", sat = "10:00-24:00"}\n')
    assert config.load(path).site.open["mon"] == "09:00-12:00, 13:00-17:00"


# ------------------------------------------------- the Leerwinkel's hours for a visitor

HOURS = {"tue": "13:00-17:00", "thu": "13:00-17:00", "sat": "10:00-12:00"}


@pytest.mark.parametrize("lang, lines", [
    ("nl", ["di, do 13:00–17:00", "za 10:00–12:00"]),
    ("en", ["Tue, Thu 13:00–17:00", "Sat 10:00–12:00"]),
    ("fr", ["mar., jeu. 13:00–17:00", "sam. 10:00–12:00"]),
    ("ar", ["الثلاثاء، الخميس 13:00–17:00", "السبت 10:00–12:00"]),
    ("uk", ["вт, чт 13:00–17:00", "сб 10:00–12:00"]),
])
def test_the_hours_are_said_in_the_visitors_language(lang, lines):
    assert oh.describe(HOURS, lang) == lines


def test_days_in_a_row_become_a_span_and_a_split_day_keeps_both_ranges():
    week = {d: "09:00-12:00, 13:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri")}
    assert oh.describe(week, "nl") == ["ma–vr 09:00–12:00, 13:00–17:00"]
    assert oh.describe(week, "ar") == ["الاثنين إلى الجمعة 09:00–12:00، 13:00–17:00"]
    assert oh.describe({"sat": "10:00-24:00"}, "en") == ["Sat 10:00–24:00"]
    assert oh.describe({}, "fr") == []


def test_the_day_names_are_the_cldr_ones():
    from babel.dates import get_day_names
    for lang, locale in {"nl": "nl_BE", "en": "en_GB", "fr": "fr_BE", "ar": "ar", "uk": "uk"}.items():
        names = get_day_names("abbreviated", locale=locale)
        assert oh.DAY_SHORT[lang] == tuple(names[i] for i in range(7))


def test_structured_hours_win_and_an_old_free_text_still_shows(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text('[site]\nopening_hours = "di en do 13-17 u"\n'
                    'hours = {tue = "13:00-17:00", thu = "13:00-17:00"}\n')
    site = config.load(path).site
    assert oh.visitor_hours(site, "uk") == ["вт, чт 13:00–17:00"]
    path.write_text('[site]\nopening_hours = "di en do 13-17 u"\n')
    assert oh.visitor_hours(config.load(path).site, "uk") == ["di en do 13-17 u"]


def test_bad_visitor_hours_are_refused_with_a_reason(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text('[site]\nhours = {dinsdag = "13:00-17:00"}\n')
    with pytest.raises(config.ConfigError, match="site.hours.*not a weekday"):
        config.load(path)
