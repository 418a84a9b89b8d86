"""Belgian postcodes -> coordinates and place names, and great-circle distances.

The data come from the maintained package `countrystatecity-postal-codes` (ODbL), loaded
once on first use. A well-formed postcode the data do not list (for example 9001, a
special or very new code) falls back to the nearest lower listed code in the same
hundred (9001 -> 9000), which is always a neighbouring place; beyond that it is unknown.
"""
from __future__ import annotations

import math
from functools import lru_cache

from kiosk.vocab import Postcode

EARTH_RADIUS_KM = 6371.0088


@lru_cache(maxsize=1)
def _table() -> dict[str, tuple[float, float, str]]:
    from countrystatecity_postal_codes import get_postcodes_of_country
    return {p.code: (float(p.latitude), float(p.longitude), p.localityName)
            for p in get_postcodes_of_country("BE")
            if p.latitude is not None and p.longitude is not None}


def _lookup(postcode) -> tuple[float, float, str] | None:
    code = Postcode.parse(postcode)
    if code is None:
        return None
    table = _table()
    number = int(code)
    for candidate in range(number, number - number % 100 - 1, -1):
        found = table.get(str(candidate))
        if found:
            return found
    return None


def postcode_coordinates(postcode: str) -> tuple[float, float] | None:
    """(lat, lon) of a Belgian postcode, None when it is not a known postcode."""
    found = _lookup(postcode)
    return (found[0], found[1]) if found else None


def place_name(postcode: str) -> str | None:
    """The place name the data give for a postcode (None when unknown)."""
    found = _lookup(postcode)
    return found[2] if found else None


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))
