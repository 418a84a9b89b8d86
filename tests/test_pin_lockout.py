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
