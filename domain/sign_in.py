"""The sign-in limit: how many wrong credentials an account or a client address may send before it must wait.

Failures are counted in a window that starts at the first failure. The failure that reaches the limit locks the
key for the base delay. Once a lock has passed, one more failure within a window of its end locks again for twice
as long, and so on up to the maximum delay (exponential backoff); a quiet window ends the streak. While a key is
locked, every attempt is refused without the credentials being checked, so even the right password waits. A
success clears the account's tally (never the address's: one valid account must not whitewash an address).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum


class LimitedBy(StrEnum):
    """What a tally counts the failures of."""

    ACCOUNT = "account"  # the username or client_id tried, whether or not it exists
    ADDRESS = "address"  # the client address the attempt came from


@dataclass(frozen=True)
class Backoff:
    """After `attempts` failures within `window`, lock for `base`, doubling on each further lockout up to `maximum`."""

    attempts: int
    window: timedelta
    base: timedelta
    maximum: timedelta

    def delay(self, lockouts: int) -> timedelta:
        """How long the `lockouts`-th lockout in a row lasts (the first lasts `base`)."""
        delay = self.base
        for _ in range(lockouts - 1):
            if delay >= self.maximum:
                break  # stop doubling once capped, so a long streak cannot overflow a timedelta
            delay *= 2
        return min(delay, self.maximum)


@dataclass(frozen=True)
class Tally:
    """The failures of one account or address: a tally without failures is the same as no tally at all."""

    failures: int = 0
    window_start: datetime | None = None
    locked_until: datetime | None = None
    lockouts: int = 0

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def retry_after(self, now: datetime) -> int | None:
        """Whole seconds until an attempt is allowed again, or None when it is allowed now."""
        if not self.is_locked(now):
            return None
        return max(1, math.ceil((self.locked_until - now).total_seconds()))


def after_failure(tally: Tally, now: datetime, backoff: Backoff) -> Tally:
    """The tally after one more failed attempt at `now`."""
    if tally.is_locked(now):
        # An attempt that was checked before a concurrent one locked the key: count it, but do not lock longer.
        return replace(tally, failures=tally.failures + 1)
    in_streak = tally.lockouts > 0 and tally.locked_until is not None and now < tally.locked_until + backoff.window
    if in_streak:
        lockouts = tally.lockouts + 1
        return replace(
            tally, failures=tally.failures + 1, lockouts=lockouts, locked_until=now + backoff.delay(lockouts)
        )
    if tally.window_start is None or tally.lockouts > 0 or now >= tally.window_start + backoff.window:
        tally = Tally(window_start=now)  # a fresh window: the old failures are too long ago to count
    failures = tally.failures + 1
    if failures >= backoff.attempts:
        return replace(tally, failures=failures, lockouts=1, locked_until=now + backoff.delay(1))
    return replace(tally, failures=failures)


def starts_lockout(before: Tally, after: Tally, now: datetime) -> bool:
    """Whether this failure locked a key that was not locked before (worth an audit event)."""
    return after.is_locked(now) and not before.is_locked(now)


def retry_after(tallies: list[Tally], now: datetime) -> int | None:
    """The longest wait among the tallies that apply to an attempt, or None when none of them is locked."""
    waits = [wait for tally in tallies if (wait := tally.retry_after(now)) is not None]
    return max(waits, default=None)
