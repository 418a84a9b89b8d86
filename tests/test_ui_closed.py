"""Outside opening hours: the closed screen, and the welcome screen back at opening time.
The app runs under libfaketime (Debian faketime) a few seconds before a Monday 09:00."""
from pathlib import Path

from conftest import assert_within_reach, write_config

# Debian faketime (scripts/setup --test installs it); the test fails, never skips, without it
LIBFAKETIME = next(Path("/usr/lib").glob("*/faketime/libfaketime.so.1"), None)


def test_closed_screen_says_when_to_come_back_and_opens_at_opening_time(kiosk_env, run_visit,
                                                                        tmp_path):
    assert LIBFAKETIME, "Debian faketime is missing: run scripts/setup --test"
    kiosk_env.update(LD_PRELOAD=str(LIBFAKETIME), FAKETIME="@2026-11-30 08:59:48",
                     PATH="/usr/bin:/bin")          # no xset: the display is left alone
    kiosk_env.pop("DISPLAY", None)
    config = write_config(tmp_path, '[site.open]\nmon = "09:00-12:00"\nwed = "13:00-17:00"\n')
    steps = [["layout", "closed"], ["lang", "en"], ["tap", "Voorlezen"], ["shot", "closed"],
             ["until", "screen", "welcome"]]
    record = run_visit(steps, config=config, check_stderr=False)
    assert record["screens"][0] == "closed"
    assert "Closed" in record["last_spoken"]
    assert "Come back today at 09:00." in record["last_spoken"]
    assert "09 123 45 67" in record["last_spoken"]
    assert record["screens"][-1] == "welcome"
    assert_within_reach(record["layouts"]["closed"], "closed")
