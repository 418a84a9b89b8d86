"""Within reach, big enough, clear enough: computed from the screen's mounting, the theme
colours and the real widget tree of every screen a visitor meets, at both window sizes
(docs/accessibility.md)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
import zxingcpp
from conftest import assert_within_reach
from PIL import Image

from kiosk import reach
from kiosk.site import config
from kiosk.text import i18n
from screens import theme

PORTRAIT, LANDSCAPE, SMALL = "1080x1920", "1920x1080", "1280x800"
DIAGONAL_IN = {PORTRAIT: 32.0, LANDSCAPE: 24.0, SMALL: 24.0}   # portrait and landscape screens
SCREENS = ["welcome", "goal", "dutch_level", "diploma", "reading", "age_band", "status", "needs",
           "times", "formats", "postcode-empty", "postcode", "results", "detail", "booking",
           "idle-warning", "language", "start-over"]
VISIT = [["layout", "welcome"], ["start"], ["layout", "goal"],
         ["answer", "goal", "diploma-secundair"], ["layout", "dutch_level"],
         ["answer", "dutch_level", "B1"], ["layout", "diploma"], ["answer", "diploma", "geen"],
         ["layout", "reading"], ["answer", "reading", "nederlands"], ["layout", "age_band"],
         ["answer", "age_band", "25-of-ouder"], ["layout", "status"],
         ["answer", "status", "werkzoekend"], ["layout", "needs"],
         ["answer", "needs", None], ["layout", "times"],
         ["answer", "times", None], ["layout", "formats"], ["answer", "formats", None],
         ["layout", "postcode-empty"], ["keypad", "9000"], ["layout", "postcode"],
         ["tap", "Verder"], ["layout", "results"], ["mark", 0], ["tap", "Opnieuw"], ["layout", "start-over"],
         ["tap", "Nee, ga verder"], ["open", 0], ["layout", "detail"], ["back"],
         ["tap", "Taal"], ["layout", "language"], ["lang", "fr"], ["booking"],
         ["layout", "booking"], ["idle", 121], ["layout", "idle-warning"],
         ["shot", "idle-on-booking"]]


# ---------------------------------------------------------------- the geometry, no window

def test_default_mounting_puts_every_control_in_the_lower_half_within_reach():
    low, high = reach.operable_band(reach.Mounting(), (1080, 1920))
    assert low == 0 and high <= 960
    assert reach.height_above_floor(reach.Mounting(), (1080, 1920), high) <= 1.2201
    q_low, q_high = reach.qr_band(reach.Mounting(), (1080, 1920))
    assert 0.999 <= reach.height_above_floor(reach.Mounting(), (1080, 1920), q_low) <= 1.01
    assert 1.29 <= reach.height_above_floor(reach.Mounting(), (1080, 1920), q_high) <= 1.3001


def test_a_lower_mounting_moves_the_band_up_and_a_high_one_keeps_the_floor_clear():
    lower = reach.operable_band(reach.Mounting(top_edge_m=1.3), (1080, 1920))
    assert 1920 / 2 < lower[1] < 1920           # 1.22 m lies 8 cm under the top edge
    assert 1.2199 <= reach.height_above_floor(reach.Mounting(1.3), (1080, 1920), lower[1]) <= 1.221
    higher = reach.operable_band(reach.Mounting(top_edge_m=1.3, diagonal_in=55), (1080, 1920))
    assert higher[0] > 0                        # its bottom rows lie below 0.38 m
    assert reach.height_above_floor(reach.Mounting(1.3, 55), (1080, 1920), higher[0]) >= 0.379


def test_the_mounting_is_a_site_setting_with_sane_bounds(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text("[screen]\ntop_edge_m = 1.4\ndiagonal_in = 43\n", encoding="utf-8")
    cfg = config.load(path)
    assert (cfg.screen.top_edge_m, cfg.screen.diagonal_in) == (1.4, 43.0)
    path.write_text("[screen]\ntop_edge_m = 16\n", encoding="utf-8")
    with pytest.raises(config.ConfigError, match="screen.top_edge_m"):
        config.load(path)


@pytest.mark.parametrize("name", sorted(theme.TEXT_PAIRS))
def test_theme_text_colours_contrast_at_least_4_5(name):
    text, background = theme.TEXT_PAIRS[name]
    assert theme.contrast(text, background) >= 4.5, name


@pytest.mark.parametrize("name", sorted(theme.BOUNDARY_PAIRS))
def test_theme_control_boundaries_contrast_at_least_3(name):
    line, background = theme.BOUNDARY_PAIRS[name]
    assert theme.contrast(line, background) >= 3.0, name


def test_contrast_is_computed_as_wcag_says():
    assert round(theme.contrast(theme.WHITE, (0, 0, 0, 1)), 1) == 21.0
    assert theme.contrast((0.5, 0.5, 0.5, 1), (0.5, 0.5, 0.5, 1)) == 1.0


# ---------------------------------------------------------------- the real screens

def site_without_phone(tmp_path):
    path = tmp_path / "site.toml"
    # a receipt printer is configured (never used here): the Print button is laid out too
    path.write_text('[site]\nname = "Leerwinkel Gent"\n[booking]\n'
                    'secret = "test-secret-for-reach-0123456789abc"\n'
                    '[printer]\nkind = "network"\nhost = "127.0.0.1"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("size", [PORTRAIT, LANDSCAPE, SMALL])
def test_every_control_of_every_screen_is_within_reach_big_and_clear(run_visit, tmp_path, size):
    record = run_visit(VISIT, size=size, config=site_without_phone(tmp_path))
    layouts = record["layouts"]
    assert sorted(layouts) == sorted(SCREENS)
    for name, seen in layouts.items():
        if size == PORTRAIT:
            assert seen["band"][1] <= seen["window"][1] / 2
        assert_within_reach(seen, f"{size} {name}", DIAGONAL_IN[size])
    check_booking(layouts, record, size)


def check_booking(layouts, record, size):
    booking, warning = layouts["booking"], layouts["idle-warning"]
    qr = booking["qr"]
    if size == PORTRAIT:
        mounting, window = reach.Mounting(), tuple(booking["window"])
        bottom = reach.height_above_floor(mounting, window, qr[1])
        top = reach.height_above_floor(mounting, window, qr[1] + qr[3])
        assert 1.0 <= bottom and top <= 1.3, (bottom, top)
    px, py, pw, ph = warning["panel"]
    qx, qy, qw, qh = warning["qr"]
    assert px >= qx + qw or px + pw <= qx or py >= qy + qh or py + ph <= qy, "covers the code"
    found = zxingcpp.read_barcodes(Image.open(record["shots"]["idle-on-booking"]))
    assert [b.text for b in found] == [record["booking_url"]]
    assert parse_qs(urlparse(record["booking_url"]).query)["lang"] == ["fr"]
    steps = record["booking_words"]["steps"].split("\n")
    assert [s[:2] for s in steps] == ["1.", "2.", "3."] and "Leerwinkel" in steps[0]
    assert record["booking_words"]["contact"] == i18n.gettext_for("fr")(
        "Geen smartphone? Vraag hulp aan de balie of aan een medewerker hier.")
    assert len(record["marked"]) == 1           # "start over? no" kept the visit


def test_start_over_asks_first_and_yes_wipes_the_visit(run_visit):
    record = run_visit([["start"], ["answer", "goal", "nederlands"], ["tap", "Opnieuw"],
                        ["tap", "Nee, ga verder"], ["tap", "Opnieuw"], ["tap", "Ja, wis alles"]])
    assert record["screens"][-4:] == ["question", "question", "question", "welcome"]
    assert record["answers_at_end"] == {}


def test_when_relaxing_finds_nothing_the_screen_offers_the_counsellor(run_visit):
    record = run_visit([["start"], ["answer", "goal", "talen"], ["answer", "learn_language", "it"],
                        ["answer", "dutch_level", "moedertaal"],
                        ["answer", "status", None], ["answer", "needs", None],
                        ["answer", "times", ["weekend"]], ["answer", "formats", ["klassikaal"]],
                        ["answer", "postcode", None]])
    words = record["results_words"]
    assert record["results_total"] == 0 and words["notice"] == ""
    assert "begeleider" in words["summary"] and words["booking"] == "Praat met een begeleider"


def test_results_give_more_time_and_say_one_chosen_course_in_the_singular(run_visit):
    steps = [["start"], ["answer", "goal", "nederlands"], ["answer", "dutch_level", "A1"],
             ["answer", "reading", "andere-taal"],
             ["answer", "status", "inburgeraar"], ["answer", "needs", None],
             ["answer", "times", ["avond"]],
             ["answer", "formats", None], ["answer", "postcode", "9000"], ["mark", 0],
             ["idle", 61], ["layout", "61 s"],
             ["idle", 121], ["layout", "121 s"]]
    record = run_visit(steps)
    assert record["layouts"]["61 s"]["panel"] is None            # still reading
    assert record["layouts"]["121 s"]["panel"] is not None       # idle.reading_timeout_s
    assert record["results_words"]["booking"] == "Maak een afspraak over 1 gekozen opleiding"
