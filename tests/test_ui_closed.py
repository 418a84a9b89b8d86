"""Outside opening hours: the closed screen, and the welcome screen back at opening time.
The app runs under libfaketime (Debian faketime) a few seconds before a Monday 09:00."""
from pathlib import Path

import pytest

from test_ui import kiosk_env, run_visit, write_config  # noqa: F401  (fixture)

LIBFAKETIME = Path("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1")


@pytest.mark.skipif(not LIBFAKETIME.exists(), reason="needs Debian faketime")
def test_closed_screen_says_when_to_come_back_and_opens_at_opening_time(kiosk_env, tmp_path):
    env = dict(kiosk_env, LD_PRELOAD=str(LIBFAKETIME), FAKETIME="@2026-11-30 08:59:48",
               PATH="/usr/bin:/bin")                 # no xset: the display is left alone
    env.pop("DISPLAY", None)
    config = write_config(tmp_path, '[site.open]\nmon = "09:00-12:00"\nwed = "13:00-17:00"\n')
    steps = [["lang", "en"], ["tap", "Voorlezen"], ["shot", "closed"], ["wait", 14]]
    record = run_visit(env, tmp_path, steps, config=config, check_stderr=False)
    assert record["screens"][0] == "closed"
    assert "Closed" in record["last_spoken"]
    assert "Come back today at 09:00." in record["last_spoken"]
    assert "09 123 45 67" in record["last_spoken"]
    assert record["screens"][-1] == "welcome"
