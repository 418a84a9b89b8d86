"""Wrong staff PINs lock the PIN entry for a growing delay that survives a restart."""
from __future__ import annotations

import json

from kiosk.site import staff

STORED = staff.hash_pin("4321")


class FakeClock:
    """Wall-clock seconds that only move when the test says so."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def wrong(lockout, times=1):
    return [lockout.check("0000", STORED) for _ in range(times)]


def test_three_wrong_pins_lock_for_30_s_then_each_further_one_doubles_up_to_15_min(tmp_path):
    clock = FakeClock()
    lockout = staff.PinLockout(tmp_path, clock=clock)
    assert [c.wait_s for c in wrong(lockout, 3)] == [0, 0, 30]
    waits = []
    for _ in range(7):
        clock.now += lockout.wait_s()            # wait out the lock, then try again wrongly
        waits.append(wrong(lockout)[0].wait_s)
    assert waits == [60, 120, 240, 480, 900, 900, 900]


def test_while_locked_even_the_right_pin_is_refused_without_counting(tmp_path):
    clock = FakeClock()
    lockout = staff.PinLockout(tmp_path, clock=clock)
    wrong(lockout, 3)
    clock.now += 10
    check = lockout.check("4321", STORED)
    assert not check.ok and check.wait_s == 20
    assert json.loads((tmp_path / staff.LOCKOUT_FILE).read_text())["failures"] == 3
    clock.now += 20
    assert lockout.wait_s() == 0 and lockout.check("4321", STORED).ok


def test_the_lock_survives_a_restart(tmp_path):
    clock = FakeClock()
    before = staff.PinLockout(tmp_path, clock=clock)
    wrong(before, 3)
    clock.now += 30
    wrong(before)                                            # the fourth: locked for 60 s
    clock.now += 15
    restarted = staff.PinLockout(tmp_path, clock=clock)     # a new process reads the file
    assert restarted.wait_s() == 45
    clock.now += 45
    assert wrong(restarted)[0].wait_s == 120                 # the count went on, too


def test_the_right_pin_resets_the_count(tmp_path):
    clock = FakeClock()
    lockout = staff.PinLockout(tmp_path, clock=clock)
    wrong(lockout, 2)
    assert lockout.check("4321", STORED).ok
    assert [c.wait_s for c in wrong(lockout, 3)] == [0, 0, 30]   # three free tries again
    assert not list(tmp_path.glob("*.tmp"))                      # written by rename


def test_a_clock_set_back_never_locks_longer_than_the_longest_lock(tmp_path):
    clock = FakeClock()
    lockout = staff.PinLockout(tmp_path, clock=clock)
    wrong(lockout, 3)
    clock.now -= 10 * 365 * 86400
    assert lockout.wait_s() == staff.LONGEST_LOCK_S


def test_an_unreadable_state_file_starts_from_no_failures(tmp_path):
    (tmp_path / staff.LOCKOUT_FILE).write_text("{not json")
    lockout = staff.PinLockout(tmp_path, clock=FakeClock())
    assert lockout.wait_s() == 0 and lockout.check("4321", STORED).ok


# ---------------------------------------------------------------- exactly (the mutation run)
def test_each_check_says_exactly_ok_or_how_long_to_wait(tmp_path):
    clock = FakeClock()
    lockout = staff.PinLockout(tmp_path, clock=clock)
    assert wrong(lockout, 3) == [staff.PinCheck(False, 0), staff.PinCheck(False, 0),
                                 staff.PinCheck(False, 30)]
    assert lockout.check("4321", STORED) == staff.PinCheck(False, 30)
    clock.now += 30
    assert lockout.check("4321", STORED) == staff.PinCheck(True, 0)
    assert json.loads((tmp_path / staff.LOCKOUT_FILE).read_text()) == \
        {"failures": 0, "locked_until": 0.0}
    wrong(lockout)
    assert json.loads((tmp_path / staff.LOCKOUT_FILE).read_text()) == \
        {"failures": 1, "locked_until": 0.0}          # no lock yet: no time written


def test_no_lock_is_left_even_at_the_clocks_first_second(tmp_path):
    """A corrupt file and the right PIN leave no lock, whatever the clock says."""
    (tmp_path / staff.LOCKOUT_FILE).write_text("{not json")
    lockout = staff.PinLockout(tmp_path, clock=FakeClock(0.0))
    assert lockout.wait_s() == 0
    assert lockout.check("4321", STORED) == staff.PinCheck(True, 0)
    assert lockout.wait_s() == 0


def test_a_disk_that_refuses_keeps_the_count_in_memory(tmp_path, caplog):
    (tmp_path / staff.LOCKOUT_FILE).mkdir()           # the state cannot be written there
    lockout = staff.PinLockout(tmp_path, clock=FakeClock())
    assert wrong(lockout, 3)[-1] == staff.PinCheck(False, 30)
    assert lockout.unsaved == (3, FakeClock().now + 30)
    assert "PIN lockout kept in memory only: a folder; it is left alone" in \
        [r.getMessage() for r in caplog.records]


def test_the_state_file_is_made_with_its_folders(tmp_path):
    lockout = staff.PinLockout(tmp_path / "new" / "cache", clock=FakeClock())
    wrong(lockout)
    assert lockout.unsaved is None
    assert json.loads((tmp_path / "new" / "cache" / staff.LOCKOUT_FILE).read_text())["failures"] == 1


def test_pins_are_4_to_12_keypad_digits():
    assert staff.valid_pin("1234") and staff.valid_pin("1" * 12)
    for pin in ("123", "1" * 13, "12a4", "١٢٣٤", 1234, None):
        assert not staff.valid_pin(pin), pin


def test_only_a_well_formed_scrypt_hash_is_accepted():
    assert staff.valid_pin_hash(STORED)
    salt, digest = STORED.split("$")[1:]
    for stored in ("scrypt$abc$def", f"scrypt${salt}${digest}0", f"bcrypt${salt}${digest}",
                   f"SCRYPT${salt}${digest}", "", None, 5):
        assert not staff.valid_pin_hash(stored), stored
    assert staff.verify_pin("4321", STORED) and not staff.verify_pin("4320", STORED)
    for stored in (f"bcrypt${salt}${digest}", "scrypt$zz$00", "scrypt$00$00", "a$b", ""):
        assert staff.verify_pin("4321", stored) is False, stored


def test_the_pin_hash_is_written_into_the_config_keeping_the_rest(tmp_path):
    import os
    import tomllib
    new = tmp_path / "new.toml"
    staff.write_pin_hash(new, STORED)
    assert tomllib.loads(new.read_text(encoding="utf-8")) == {"staff": {"pin_hash": STORED}}
    assert os.stat(new).st_mode & 0o777 == 0o600 & ~_umask()
    old = tmp_path / "site.toml"
    old.write_text('# Gent\n[site]\nname = "Leerwinkel Gent — Zuid"\n', encoding="utf-8")
    old.chmod(0o640)
    staff.write_pin_hash(old, STORED)
    text = old.read_text(encoding="utf-8")
    assert text.startswith('# Gent\n[site]\nname = "Leerwinkel Gent — Zuid"\n')
    assert tomllib.loads(text)["staff"] == {"pin_hash": STORED}
    assert os.stat(old).st_mode & 0o777 == 0o640


def _umask() -> int:
    import os
    mask = os.umask(0)
    os.umask(mask)
    return mask
