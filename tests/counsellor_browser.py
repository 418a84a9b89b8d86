"""A real counsellor page (`kiosk counsellor serve` in its own process, on 127.0.0.1) and
headless Chromium driven by Selenium: shared by tests/test_counsellor_browser.py and
scripts/counsellor_screenshots."""
from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "browser-test-secret-0123456789-abcdef"
NAME, PASSWORD = "an", "een-lang-wachtwoord"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kiosk(env: dict, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk.cli", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def site_env(folder: Path) -> dict:
    """A site config (HTTP cookies: the test talks plain HTTP to 127.0.0.1) and a cache
    with the bundled sample catalog."""
    folder.mkdir(parents=True, exist_ok=True)
    conf = folder / "site.toml"
    conf.write_text(f'[site]\nkiosk_id = "bib-gent-1"\n[booking]\nsecret = "{SECRET}"\n'
                    'counsellor_url = "https://begeleiding.leerwinkel.example"\n'
                    '[counsellor]\nsecure_cookies = false\n', encoding="utf-8")
    env = dict(os.environ, KIOSK_CONFIG=str(conf), KIOSK_CACHE_DIR=str(folder / "cache"),
               PYTHONPATH=str(ROOT))
    assert kiosk(env, "catalog", "refresh").returncode == 0
    added = kiosk(env, "counsellor", "add-user", NAME, stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    return env


@contextmanager
def server(env: dict):
    """`kiosk counsellor serve` on a free port of 127.0.0.1; yields its base URL."""
    port = free_port()
    log = open(Path(env["KIOSK_CACHE_DIR"]).parent / "serve.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "kiosk.cli", "counsellor", "serve",
                             "--host", "127.0.0.1", "--port", str(port)],
                            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert proc.poll() is None, "the counsellor page stopped at start"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@contextmanager
def chromium(width: int = 1280, height: int = 1000):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--lang=nl-BE"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def log_in(driver, base: str, name: str = NAME, password: str = PASSWORD) -> None:
    from selenium.webdriver.common.by import By
    driver.get(base + "/login")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(password)
    submit(driver, "login")


def submit(driver, button_id: str) -> None:
    """Click a form's button and wait until the next page has replaced this one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait
    button = driver.find_element(By.ID, button_id)
    button.click()
    WebDriverWait(driver, 30).until(expected_conditions.staleness_of(button))


def print_pdf(driver) -> bytes:
    """The page printed to PDF on A4, as Chromium prints it (Page.printToPDF)."""
    result = driver.execute_cdp_cmd("Page.printToPDF", {
        "paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": True,
        "printBackground": True})
    return base64.b64decode(result["data"])
