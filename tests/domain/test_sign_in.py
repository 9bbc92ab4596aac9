"""The sign-in backoff rule: N failures within a window lock; each further lockout doubles up to the maximum."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.sign_in import Backoff, Tally, after_failure, retry_after, starts_lockout

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
RULE = Backoff(attempts=10, window=timedelta(seconds=60), base=timedelta(seconds=60), maximum=timedelta(seconds=900))


def fail(tally: Tally, at: datetime, times: int = 1, every: timedelta = timedelta(seconds=1)) -> Tally:
    for n in range(times):
        tally = after_failure(tally, at + n * every, RULE)
    return tally


def test_the_tenth_failure_within_the_window_locks_for_the_base_delay():
    nine = fail(Tally(), START, 9)
    assert not nine.is_locked(START + timedelta(seconds=9))
    ten = after_failure(nine, START + timedelta(seconds=9), RULE)
    assert starts_lockout(nine, ten, START + timedelta(seconds=9))
    assert ten.retry_after(START + timedelta(seconds=9)) == 60
    assert ten.retry_after(START + timedelta(seconds=68, milliseconds=500)) == 1  # whole seconds, rounded up
    assert ten.retry_after(START + timedelta(seconds=69)) is None


def test_failures_spread_wider_than_the_window_never_lock():
    tally = fail(Tally(), START, 30, every=timedelta(seconds=7))  # 8-9 per minute, for three and a half minutes
    assert tally.lockouts == 0 and tally.locked_until is None


def test_each_further_lockout_in_a_streak_doubles_up_to_the_maximum():
    tally = fail(Tally(), START, 10)
    at = START + timedelta(seconds=9)
    delays = [tally.retry_after(at)]
    for _ in range(6):
        at = tally.locked_until  # the lock has just passed: one more wrong attempt
        tally = after_failure(tally, at, RULE)
        delays.append(tally.retry_after(at))
    assert delays == [60, 120, 240, 480, 900, 900, 900]


def test_a_quiet_window_after_a_lockout_ends_the_streak():
    locked = fail(Tally(), START, 10)
    quiet = locked.locked_until + RULE.window
    after = after_failure(locked, quiet, RULE)
    assert after.failures == 1 and after.lockouts == 0 and not after.is_locked(quiet)


def test_a_failure_counted_while_locked_does_not_lengthen_the_lock():
    locked = fail(Tally(), START, 10)
    racing = after_failure(locked, START + timedelta(seconds=20), RULE)
    assert racing.locked_until == locked.locked_until and racing.lockouts == 1


def test_an_attempt_waits_for_the_longest_of_its_locks():
    account = fail(Tally(), START, 10)
    address = Tally(failures=100, locked_until=START + timedelta(seconds=300), lockouts=1)
    assert retry_after([account, address], START + timedelta(seconds=10)) == 290
    assert retry_after([Tally(), Tally(failures=3)], START) is None


def test_the_delay_never_overflows_for_a_long_streak():
    assert RULE.delay(10_000) == RULE.maximum
