"""The counsellor page in-process (Flask's test client): login, lockout, CSRF, refusals
with the same messages as `kiosk handoff show`, the page's facts and the checklist."""
import logging
import re
from datetime import date, timedelta

import pytest
from conftest import SAMPLE_DAY, make_cfg

from kiosk import clock
from kiosk.booking import handoff, shortcode
from kiosk.booking.reference import HandoffError, read_handoff
from kiosk.catalog import pipeline
from kiosk.counsellor import app as app_mod
from kiosk.counsellor import checklist, users

PASSWORD = "lang-genoeg-wachtwoord"
VISITOR = {"goal": "diploma-secundair", "dutch_level": "B1", "diploma": "buitenlands",
           "status": "leefloon", "times": ["avond"], "postcode": "9000",
           "max_distance_km": 20, "language": "ar"}
CHOSEN = ["cvo-gent-aav-avond-2027-02"]


@pytest.fixture
def site(tmp_path, cache, monkeypatch):
    cfg = make_cfg()
    cfg.booking.counsellor_url = "https://begeleiding.example/"
    cfg.counsellor.users_file = str(tmp_path / "users.json")
    cfg.counsellor.secure_cookies = False
    monkeypatch.setattr(clock, "today", lambda: SAMPLE_DAY)
    pipeline.ensure_catalog(cfg)
    users.for_site(cfg).add("an", PASSWORD)
    return cfg


@pytest.fixture
def client(site):
    return app_mod.create_app(site).test_client()


def csrf(client, path="/login"):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def login(client, password=PASSWORD, name="an"):
    return client.post("/login", data={"name": name, "password": password,
                                       "csrf": csrf(client)})


def booking(cfg, answers=VISITOR, courses=CHOSEN, day=SAMPLE_DAY):
    return handoff.booking_url(cfg, answers, courses, day)


def test_nothing_is_reachable_without_a_login(client, site):
    for path in ("/", "/r/" + read_handoff(site, booking(site)).token):
        response = client.get(path)
        assert response.status_code == 302 and response.location.endswith("/login")
    assert client.post("/open", data={"text": "x"}).status_code == 400   # no CSRF token


def test_login_sets_a_strict_http_only_cookie_and_opens_a_direct_link(site):
    site.counsellor.secure_cookies = True
    client = app_mod.create_app(site).test_client()
    token = read_handoff(site, booking(site)).token
    assert client.get(f"/r/{token}").status_code == 302         # remembered for after login
    response = login(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie
    assert response.location.endswith(f"/r/{token}")


def test_a_wrong_password_is_refused_and_the_name_locks_after_five(client, site):
    for _ in range(4):
        assert login(client, "verkeerd-wachtwoord").status_code == 401
    locked = login(client, "verkeerd-wachtwoord")
    assert "geblokkeerd" in locked.get_data(as_text=True)
    refused = login(client)                                      # right password, still locked
    assert refused.status_code == 401 and "geblokkeerd" in refused.get_data(as_text=True)
    later = users.for_site(site).login("an", PASSWORD, now=users.datetime.now(users.UTC)
                                       + timedelta(minutes=16))
    assert later.ok


def test_unknown_names_get_the_same_answer_as_wrong_passwords(client):
    assert "Naam of wachtwoord klopt niet" in login(client, name="niemand").get_data(as_text=True)


def test_every_form_needs_its_csrf_token(client):
    login(client)
    assert client.post("/open", data={"text": "x", "csrf": "fout"}).status_code == 400
    assert client.post("/logout", data={}).status_code == 400
    assert client.post("/login", data={"name": "an", "password": PASSWORD}).status_code == 400


def test_the_page_shows_answers_courses_prices_results_and_what_to_bring(client, site, caplog):
    login(client)
    caplog.set_level(logging.INFO, "kiosk.counsellor")
    page = client.post("/open", data={"text": f"Notitie: {booking(site)}",
                                      "csrf": csrf(client, "/")})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Aanvraag van kiosk gent-bib-1, 28 november 2026" in text
    assert "Handtekening in orde" in text and "Arabisch (ar)" in text
    assert "Aanvullende algemene vorming" in text and "CVO Gent" in text
    # what this visitor pays: the 2026-2027 fee rules are not yet confirmed (docs/rules.md)
    assert "Vraag de prijs na" in text
    assert "09 000 21 10" in text and "start 1/2/2027" in text
    assert "Buitenlands diploma en puntenlijst" in text and "OCMW" in text
    assert "Wat de kiosk niet kon weten" in text and "resultaten" in text
    assert "vernieuwd op" in text         # the catalog was loaded after the booking's day
    log = caplog.text
    assert "an opened a booking of kiosk gent-bib-1 made on 2026-11-28" in log
    assert "leefloon" not in log and "9000" not in log and "cvo-gent" not in log


def test_the_page_shows_the_follow_up_answers(client, site):
    login(client)
    young = {"goal": "beroep", "sector": "horeca", "experience": "2-jaar-of-meer",
             "age_band": "jonger-dan-25", "diploma": "secundair-onvolledig", "postcode": "9000"}
    page = client.post("/open", data={"text": booking(site, young, ["syntra-west-kok-2027-09"]),
                                      "csrf": csrf(client, "/")})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Sector" in text and "horeca" in text
    assert "2 jaar of meer werkervaring" in text and "jonger dan 25" in text


def test_the_typed_code_of_the_slip_opens_the_same_booking(client, site):
    login(client)
    code = shortcode.spell(read_handoff(site, booking(site)).token)
    page = client.post("/open", data={"text": code.lower().replace("-", " "),
                                      "csrf": csrf(client, "/")})
    assert page.status_code == 200 and "CVO Gent" in page.get_data(as_text=True)


@pytest.mark.parametrize("spoil", ["altered", "foreign", "retired", "junk"])
def test_refusals_say_what_kiosk_handoff_show_says(client, site, spoil, run_cli, tmp_path):
    url = booking(site)
    token = read_handoff(site, url).token
    if spoil == "altered":
        url = url.replace(token, token[:20] + ("A" if token[20] != "A" else "B") + token[21:])
    elif spoil == "foreign":
        url = booking(make_cfg(secret="een-andere-leerwinkel-0123456789abc"))
    elif spoil == "retired":
        site.booking.secret = "een-nieuwe-sleutel-0123456789-abcdefgh"   # old one dropped
    else:
        url = "https://www.leerwinkel.be/afspraak?summary=hallo"
    with pytest.raises(HandoffError) as refused:
        read_handoff(site, url)
    client = app_mod.create_app(site).test_client()
    login(client)
    page = client.post("/open", data={"text": url, "csrf": csrf(client, "/")})
    assert page.status_code == 422
    from html import unescape
    shown = unescape(page.get_data(as_text=True))
    assert str(refused.value) in shown
    meanings = {"altered": "is veranderd", "foreign": "andere Leerwinkel",
                "retired": "andere Leerwinkel", "junk": "geen bruikbare code"}
    assert meanings[spoil] in shown
    conf = tmp_path / "site.toml"
    conf.write_text(f'[booking]\nsecret = "{site.booking.secret}"\n', encoding="utf-8")
    shown = run_cli("--config", conf, "handoff", "show", url)
    assert shown.returncode == 1 and str(refused.value) in shown.stderr


def test_a_booking_made_after_the_catalog_says_nothing_changed(client, site, monkeypatch):
    later = date.today() + timedelta(days=2)
    login(client)
    page = client.get("/r/" + read_handoff(site, booking(site, day=later)).token)
    assert page.status_code == 200 and "vernieuwd op" not in page.get_data(as_text=True)


def test_the_note_carries_the_direct_link():
    cfg = make_cfg("calcom", template="https://cal.com/leerwinkel/intake")
    cfg.booking.counsellor_url = "https://begeleiding.example"
    url = handoff.booking_url(cfg, VISITOR, CHOSEN, SAMPLE_DAY)
    token = read_handoff(cfg, url, today=SAMPLE_DAY).token
    assert f"https%3A%2F%2Fbegeleiding.example%2Fr%2F{token}" in url


@pytest.mark.parametrize("answers, expected, absent", [
    ({"status": "leefloon", "diploma": "secundair"}, ["OCMW", "Diploma, getuigschrift"],
     ["NARIC", "Inburgeringsattest"]),
    ({"status": "inburgeraar", "diploma": "buitenlands"}, ["Inburgeringsattest", "NARIC"],
     ["OCMW"]),
    ({"status": ["werkzoekend", "werkend"]}, ["VDAB", "opleidingscheques"], ["OCMW"]),
    ({"goal": "nederlands", "dutch_level": "A2"}, ["certificaten Nederlands", "Vraag na"], []),
    ({}, ["Identiteitskaart", "Vraag na: een bewijs van de situatie"], ["NARIC"]),
])
def test_the_checklist_follows_the_situation(answers, expected, absent):
    texts = " | ".join(item.text for item in checklist.for_answers(answers))
    assert texts.startswith("Identiteitskaart")
    for word in expected:
        assert word in texts
    for word in absent:
        assert word not in texts
    assert all(item.source for item in checklist.items())


def test_add_user_reads_the_password_from_stdin_and_stores_only_a_hash(site, run_cli, tmp_path,
                                                                      monkeypatch):
    import io
    import json
    conf = tmp_path / "c.toml"
    conf.write_text(f'[counsellor]\nusers_file = "{tmp_path / "u.json"}"\n', encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO("een-goed-wachtwoord\n"))
    ran = run_cli("--config", conf, "counsellor", "add-user", "sara")
    assert ran.returncode == 0, ran.err
    stored = (tmp_path / "u.json").read_text()
    assert "een-goed-wachtwoord" not in stored and json.loads(stored)["users"]["sara"]["hash"] \
        .startswith("scrypt$")
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    assert run_cli("--config", conf, "counsellor", "add-user", "sara").returncode == 2


def test_a_damaged_users_file_lets_nobody_in_and_says_so(client, site):
    from pathlib import Path
    Path(site.counsellor.users_file).write_text("{niet goed", encoding="utf-8")
    response = login(client)
    assert response.status_code == 503 and "lukt nu niet" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_a_password_typed_as_a_name_never_reaches_the_log(client, caplog):
    caplog.set_level(logging.INFO, "kiosk.counsellor")
    login(client, name="geheim-wachtwoord-99")
    assert "failed login for ?" in caplog.text and "geheim" not in caplog.text
