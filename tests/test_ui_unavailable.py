"""The calm "temporarily unavailable" screen: a corrupt catalog, a crash loop (real app
off screen, one process a scenario, as in test_ui.py)."""
import os

from conftest import ROOT, assert_within_reach, write_config
from PIL import Image


def corrupt_catalog(env):
    path = os.path.join(env["KIOSK_CACHE_DIR"], "catalog.sqlite")
    with open(path, "wb") as f:
        f.write(b"\x00garbage, not SQLite\xff" * 400)


def test_corrupt_catalog_shows_contact_details_and_staff_see_why(kiosk_env, run_visit, tmp_path):
    corrupt_catalog(kiosk_env)
    steps = [["shot", "unavailable"], ["layout", "unavailable"], ["lang", "en"],
             ["shot", "unavailable-en"], ["staff"],
             ["wait", 0.5], ["tap", "Terug naar de kiosk"]]
    record = run_visit(steps, config=write_config(tmp_path),
                       check_stderr=False)
    assert record["screens"][0] == "unavailable"
    assert "staff" in record["screens"] and record["screens"][-1] == "unavailable"
    assert "corrupt" in record["staff"]["status"]
    assert "file is not a database" in record["staff"]["status"]
    shot = Image.open(record["shots"]["unavailable"]).convert("L")
    assert shot.getextrema()[0] < 100          # text on screen, not a blank page
    assert_within_reach(record["layouts"]["unavailable"], "unavailable")


def test_staff_refresh_repairs_a_corrupt_catalog_and_visitors_come_back(kiosk_env, run_visit):
    corrupt_catalog(kiosk_env)
    steps = [["staff"], ["refresh", str(ROOT / "assets" / "sample-catalog.json")],
             ["tap", "Terug naar de kiosk"], ["start"]]
    record = run_visit(steps, check_stderr=False)
    assert record["screens"][0] == "unavailable"
    assert record["screens"][-1] == "question"


def test_repeated_crashes_fall_back_to_the_unavailable_screen(run_visit):
    crash = [["start"], ["fault"], ["wait", 0.5]]
    steps = [*crash, *crash, ["start"], ["fault"], ["wait", 0.5], ["staff"], ["wait", 0.3]]
    record = run_visit(steps, check_stderr=False)
    assert record["screens"][:4] == ["welcome", "question", "welcome", "welcome"]
    assert record["screens"][-3] == "unavailable"
    assert "3 unexpected errors within 10 minutes" in record["staff"]["status"]
