"""Display sleep through xset (kiosk/site/display.py): used when there, harmless when not."""
import os

from kiosk.site import display


def test_without_xset_or_display_nothing_happens_and_nothing_fails(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("DISPLAY", ":0")
    assert display.sleep() is False and display.wake() is False
    monkeypatch.delenv("DISPLAY")
    assert display.sleep() is False


def test_with_xset_the_display_is_switched_off_and_back_to_never_blanking(monkeypatch, tmp_path):
    calls = tmp_path / "calls"
    xset = tmp_path / "xset"            # a stand-in that records its arguments
    xset.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    xset.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}/usr/bin:/bin")
    monkeypatch.setenv("DISPLAY", ":0")
    assert display.sleep() and display.wake()
    assert calls.read_text().splitlines() == ["dpms force off", "dpms force on", "-dpms"]


def test_a_failing_xset_does_not_fail_the_kiosk(monkeypatch, tmp_path):
    xset = tmp_path / "xset"
    xset.write_text("#!/bin/sh\necho 'unable to open display' >&2\nexit 1\n")
    xset.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("DISPLAY", ":9")
    assert display.sleep() is False
