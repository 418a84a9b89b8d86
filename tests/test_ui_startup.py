"""A fast start and a lean kiosk between visitors (bench/startup.py measures; this keeps
what it measured from coming back): the welcome screen shows without the code that only
a visit, a refresh or the staff need, "start over" drops the screens of the visit, and
visits leave nothing behind that slows the next ones down."""

AT_WELCOME_NOT_LOADED = {"sqlite_utils", "cryptography", "PIL", "numpy", "requests",
                         "matplotlib", "extruct", "jsonschema", "qrcode"}
VISIT_SCREENS = {"results", "detail", "booking"}
VISIT = [["loaded", "welcome"], ["start"], ["answer", "goal", "nederlands"],
         ["answer", "dutch_level", "A2"], ["answer", "status", None], ["answer", "needs", None],
         ["answer", "times", None], ["answer", "formats", None], ["answer", "postcode", None],
         ["open", 0], ["back"], ["booking"], ["loaded", "booking"], ["tap", "Opnieuw"],
         ["tap", "Ja, wis alles"], ["loaded", "after the visit"]]
ANOTHER_VISIT = [step for step in VISIT[1:] if step[0] != "loaded"]


def test_the_welcome_screen_loads_no_visit_code_and_start_over_drops_the_visit(run_cli,
                                                                               run_visit):
    assert run_cli("catalog", "refresh").returncode == 0     # a restart, not a first start
    loaded = run_visit(VISIT + ANOTHER_VISIT + ANOTHER_VISIT
                       + [["loaded", "after three visits"]])["loaded"]
    at_welcome = set(loaded["welcome"]["packages"])
    assert not at_welcome & AT_WELCOME_NOT_LOADED, at_welcome & AT_WELCOME_NOT_LOADED
    assert set(loaded["welcome"]["screens"]) == {"welcome"}
    assert {"sqlite_utils", "qrcode"} <= set(loaded["booking"]["packages"])
    assert VISIT_SCREENS <= set(loaded["booking"]["screens"])
    after = set(loaded["after the visit"]["screens"])
    assert "welcome" in after and not after & VISIT_SCREENS, after
    # nothing a visit builds stays subscribed to the app: visit after visit, the callbacks
    # watching its properties (language, direction, the QR band) stay as many
    assert loaded["after three visits"]["observers"] == loaded["after the visit"]["observers"]
