"""The counsellor page in a real browser: headless Chromium logs in, opens a booking made
by `kiosk booking-url`, reads it, and prints it to one A4 page."""
import io
import json

import pytest
from conftest import SAMPLE_DAY
from counsellor_browser import SECRET, chromium, kiosk, log_in, print_pdf, server, site_env, submit
from pypdf import PdfReader
from selenium.webdriver.common.by import By

from kiosk.booking import handoff
from kiosk.booking.reference import read_handoff
from kiosk.site import config

pytestmark = pytest.mark.timeout(240)
ANSWERS = {"goal": "diploma-secundair", "dutch_level": "B1", "diploma": "buitenlands",
           "status": "werkzoekend", "times": ["avond"], "postcode": "9000",
           "max_distance_km": 20, "language": "fr"}
CHOSEN = ("cvo-gent-aav-avond-2027-02", "cvo-gent-aav-dag-2027-02")


def fullest_booking() -> str:
    cfg = config.Config()
    cfg.site.kiosk_id, cfg.booking.secret = "bib-gent-1", SECRET
    answers = {"goal": "weet-niet", "diploma": "buitenlands", "dutch_level": "A2",
               "status": ["werkzoekend", "leefloon", "inburgeraar", "werkend"],
               "needs": ["kinderopvang", "rolstoel"], "postcode": "9000", "language": "uk"}
    courses = ["cvo-gent-aav-avond-2027-02", "cvo-gent-nt2-1-1-avond-2027-01",
               "cbe-gent-computer-start-2027-02"]
    return read_handoff(cfg, handoff.booking_url(cfg, answers, courses, SAMPLE_DAY)).token


def test_chromium_logs_in_opens_a_booking_and_prints_one_a4_page(tmp_path):
    env = site_env(tmp_path / "site")
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(ANSWERS), encoding="utf-8")
    made = kiosk(env, "booking-url", "--answers", str(answers),
                 *[arg for cid in CHOSEN for arg in ("--course", cid)])
    assert made.returncode == 0, made.stderr
    link = made.stdout.strip()
    with server(env) as base, chromium() as driver:
        driver.get(base + "/")
        assert driver.current_url.endswith("/login")           # nothing without a login
        log_in(driver, base, password="fout-wachtwoord")
        assert "klopt niet" in driver.find_element(By.TAG_NAME, "main").text
        log_in(driver, base)
        driver.find_element(By.ID, "text").send_keys(link)
        submit(driver, "open")
        answers_text = driver.find_element(By.ID, "answers").text
        assert "Frans (fr)" in answers_text and "werkzoekend" in answers_text
        chosen = driver.find_element(By.ID, "chosen").text
        assert "Aanvullende algemene vorming" in chosen and "CVO Gent" in chosen
        assert "Vraag de prijs na" in chosen        # 2026-2027 fees unconfirmed: docs/rules.md
        assert "NARIC" in driver.find_element(By.ID, "bring").text
        assert "Handtekening in orde" in driver.find_element(By.ID, "trust").text
        pdf = PdfReader(io.BytesIO(print_pdf(driver)))
        assert len(pdf.pages) == 1
        box = pdf.pages[0].mediabox
        assert abs(float(box.width) - 595) < 3 and abs(float(box.height) - 842) < 3   # A4
        printed = pdf.pages[0].extract_text()
        assert "Gekozen opleidingen" in printed and "Meebrengen" in printed
        assert "Aanvullende algemene vorming" in printed
        # the fullest page: three courses, every checklist item, an orientation of all goals
        driver.get(f"{base}/r/{fullest_booking()}")
        assert "Computer voor beginners" in driver.find_element(By.ID, "chosen").text
        assert len(PdfReader(io.BytesIO(print_pdf(driver))).pages) == 1
        # an altered link: the refusal, not the booking
        token = link.split("ref=")[1].split("&")[0]
        spoiled = token[:30] + ("B" if token[30] != "B" else "C") + token[31:]
        driver.get(f"{base}/r/{spoiled}")
        assert "altered" in driver.find_element(By.ID, "refusal").text
