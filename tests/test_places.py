import pytest

from kiosk.guidance import places


def test_known_postcode_has_coordinates_and_name():
    lat, lon = places.postcode_coordinates("9000")
    assert 51.0 < lat < 51.1 and 3.6 < lon < 3.8
    assert places.place_name("9000") == "Gent"


def test_missing_code_falls_back_within_its_hundred():
    assert places.postcode_coordinates("9001") == places.postcode_coordinates("9000")
    assert places.place_name("9001") == "Gent"


def test_fallback_does_not_cross_the_hundred():
    # 1099 is not listed; 1090 is, and is in the same hundred
    assert places.postcode_coordinates("1099") == places.postcode_coordinates("1090")
    assert places.postcode_coordinates("9999") == places.postcode_coordinates("9992")
    # no code from 2700 to 2799 is listed: 2701 must not borrow one from 26xx
    assert places.postcode_coordinates("2701") is None


@pytest.mark.parametrize("bad", ["", None, "900", "90000", "abcd", "0999", " 90 0", "12a4"])
def test_malformed_postcodes_are_unknown(bad):
    assert places.postcode_coordinates(bad) is None
    assert places.place_name(bad) is None


def test_whitespace_around_a_postcode_is_ignored():
    assert places.postcode_coordinates(" 2000 ") == places.postcode_coordinates("2000")


def test_distance_gent_antwerpen_is_about_50_km():
    gent = places.postcode_coordinates("9000")
    antwerpen = places.postcode_coordinates("2000")
    d = places.distance_km(*gent, *antwerpen)
    assert 48 < d < 55
    assert places.distance_km(*antwerpen, *gent) == pytest.approx(d)


def test_distance_to_itself_is_zero_and_one_degree_latitude_is_111_km():
    assert places.distance_km(51.0, 4.0, 51.0, 4.0) == 0.0
    assert places.distance_km(50.0, 4.0, 51.0, 4.0) == pytest.approx(111.2, abs=0.2)
