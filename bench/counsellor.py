"""How long do the counsellor's side and the slip take? Medians on the sample catalog.

    .venv/bin/python bench/counsellor.py [--runs 30]

Prints the median (and p90) of: one scrypt password check (what a login costs), opening
one booking page in-process (read the reference, match again, render the page), and
rendering the paper slip with its ESC/POS bytes, with the slip's size in bytes.
"""
from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk import clock  # noqa: E402
from kiosk.booking import handoff, reference, slip  # noqa: E402
from kiosk.catalog import pipeline  # noqa: E402
from kiosk.counsellor import app as app_mod  # noqa: E402
from kiosk.counsellor import users  # noqa: E402
from kiosk.site import config  # noqa: E402

DAY = date(2026, 11, 28)
ANSWERS = {"goal": "diploma-secundair", "dutch_level": "B1", "diploma": "buitenlands",
           "status": "leefloon", "times": ["avond"], "postcode": "9000",
           "max_distance_km": 20, "language": "ar"}
COURSES = ["cvo-gent-aav-avond-2027-02", "cvo-gent-aav-dag-2027-02"]


def timed(func, runs: int) -> str:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return f"median {statistics.median(times):.1f} ms, p90 {times[int(len(times) * 0.9) - 1]:.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    runs = parser.parse_args().runs
    clock.today = lambda: DAY
    with tempfile.TemporaryDirectory() as tmp:
        import os
        os.environ["KIOSK_CACHE_DIR"] = tmp
        cfg = config.Config()
        cfg.booking.secret = "bench-secret-0123456789-abcdefghijklmn"
        cfg.counsellor.users_file, cfg.counsellor.secure_cookies = f"{tmp}/u.json", False
        cfg.printer.kind, cfg.printer.host = "network", "127.0.0.1"
        pipeline.ensure_catalog(cfg)
        users.for_site(cfg).add("an", "bench-wachtwoord")
        stored = users.hash_password("bench-wachtwoord")
        print("password check:", timed(lambda: users.check_password("bench-wachtwoord", stored),
                                       max(5, runs // 3)))
        client = app_mod.create_app(cfg).test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        client.post("/login", data={"name": "an", "password": "bench-wachtwoord", "csrf": token})
        url = handoff.booking_url(cfg, ANSWERS, COURSES, DAY)
        ref = reference.read_handoff(cfg, url).token
        assert client.get(f"/r/{ref}").status_code == 200
        print("booking page:  ", timed(lambda: client.get(f"/r/{ref}"), runs))
        data = slip.escpos_bytes(slip.render(cfg, "nl", ["Aanvullende algemene vorming"], url))
        print("slip:          ", timed(lambda: slip.escpos_bytes(
            slip.render(cfg, "nl", ["Aanvullende algemene vorming"], url)), runs),
            f"({len(data):,} bytes of ESC/POS)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
