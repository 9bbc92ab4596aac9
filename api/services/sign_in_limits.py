"""Sign-in limits at the token endpoint: refuse a locked account or address, count failures, clear on success.

The tallies live in the database (`sign_in_limit`), so the limit holds across every worker and instance. The rule
itself is `domain.sign_in`; this module only loads, applies and stores it. On the success path it costs one
indexed read (and a delete only when the account had failures).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlmodel import Session, select

from api.audit import AUDIT_CONTEXT_KEY, AuditContext
from api.config import Settings
from api.db import dialect_insert
from api.tables import AuditEvent, SignInLimit
from domain.sign_in import Backoff, LimitedBy, Tally, after_failure, retry_after, starts_lockout

log = logging.getLogger("tilsyn.sign_in")
LOCKED_ACTION = "sign-in.locked"
LIFTED_ACTION = "sign-in.lockout-lifted"


class AccountKind:
    """The namespaces of accounts: a username and a client_id that happen to be equal are different accounts."""

    USER = "user"
    CLIENT = "client"


@dataclass(frozen=True)
class Account:
    """A known account behind an attempt, for the audit event of its lockout."""

    municipality_id: uuid.UUID
    entity_type: str
    entity_id: uuid.UUID


@dataclass(frozen=True)
class Attempt:
    """One attempt at the token endpoint: the keys of its account and its client address."""

    account_key: str
    address_key: str
    address: str


@dataclass(frozen=True)
class Standing:
    """What the tallies said before the credentials were checked."""

    retry_after: int | None
    account_has_failures: bool


def backoff_for(settings: Settings, limited_by: LimitedBy) -> Backoff:
    attempts, window = settings.sign_in_attempts, settings.sign_in_window_seconds
    if limited_by is LimitedBy.ADDRESS:
        attempts, window = settings.sign_in_address_attempts, settings.sign_in_address_window_seconds
    return Backoff(
        attempts=attempts,
        window=timedelta(seconds=window),
        base=timedelta(seconds=settings.sign_in_base_backoff_seconds),
        maximum=timedelta(seconds=settings.sign_in_max_backoff_seconds),
    )


def _key(settings: Settings, *parts: str) -> str:
    # An HMAC, not a plain hash: an IPv4 address or a staff e-mail address is quickly found from a bare SHA-256.
    return hmac.new(settings.secret_key.encode(), "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()


def account_key(settings: Settings, kind: str, identifier: str) -> str:
    return _key(settings, LimitedBy.ACCOUNT, kind, identifier)


def attempt_for(settings: Settings, kind: str, identifier: str, address: str) -> Attempt:
    return Attempt(account_key(settings, kind, identifier), _key(settings, LimitedBy.ADDRESS, address), address)


def _tally(row: SignInLimit | None) -> Tally:
    if row is None:
        return Tally()
    return Tally(row.failures, row.window_start, row.locked_until, row.lockouts)


def standing(session: Session, attempt: Attempt, now: datetime) -> Standing:
    """Whether the attempt must wait, from one indexed read of its two tallies."""
    rows = session.exec(
        select(SignInLimit).where(SignInLimit.key.in_([attempt.account_key, attempt.address_key]))  # type: ignore[attr-defined]
    ).all()
    by_key = {row.key: row for row in rows}
    account = by_key.get(attempt.account_key)
    return Standing(
        retry_after([_tally(row) for row in by_key.values()], now),
        account is not None and account.failures > 0,
    )


def _insert_missing(session: Session, keys: dict[str, LimitedBy], now: datetime) -> None:
    """Make sure both rows exist without a unique-constraint race: concurrent inserts of one key do nothing."""
    insert = dialect_insert(session)
    values = [
        {"key": key, "limited_by": limited_by.value, "failures": 0, "lockouts": 0, "updated_at": now}
        for key, limited_by in sorted(keys.items())  # one order everywhere, so two workers never deadlock
    ]
    session.execute(insert(SignInLimit).values(values).on_conflict_do_nothing(index_elements=["key"]))


def record_failure(
    session: Session, settings: Settings, attempt: Attempt, now: datetime, account: Account | None
) -> int | None:
    """Count a failed attempt against its account and address; the seconds to wait if that locked either."""
    # The request has only read so far. End that read before writing, so SQLite takes its write lock with a
    # fresh snapshot (and waits its busy timeout) instead of failing to upgrade a stale one.
    session.rollback()
    keys = {attempt.account_key: LimitedBy.ACCOUNT, attempt.address_key: LimitedBy.ADDRESS}
    _insert_missing(session, keys, now)
    rows = session.exec(
        select(SignInLimit)
        .where(SignInLimit.key.in_(list(keys)))  # type: ignore[attr-defined]
        .order_by(SignInLimit.key)
        .with_for_update()  # PostgreSQL: one worker at a time per key; SQLite already holds its write lock
    ).all()
    tallies: list[Tally] = []
    for row in rows:
        limited_by = LimitedBy(row.limited_by)
        before = _tally(row)
        after = after_failure(before, now, backoff_for(settings, limited_by))
        tallies.append(after)
        session.execute(
            update(SignInLimit)
            .where(SignInLimit.key == row.key)
            .values(
                failures=after.failures,
                window_start=after.window_start,
                locked_until=after.locked_until,
                lockouts=after.lockouts,
                updated_at=now,
            )
        )
        if starts_lockout(before, after, now):
            _on_lockout(session, limited_by, after, attempt, now, account)
    _purge_stale(session, settings, now, keys)
    return retry_after(tallies, now)


def _on_lockout(
    session: Session, limited_by: LimitedBy, tally: Tally, attempt: Attempt, now: datetime, account: Account | None
) -> None:
    log.warning(
        "sign-in lockout of an %s until %s after %d failures (lockout %d in a row, address %s)",
        limited_by.value,
        tally.locked_until.isoformat() if tally.locked_until else None,
        tally.failures,
        tally.lockouts,
        attempt.address,
    )
    if limited_by is not LimitedBy.ACCOUNT or account is None:
        return  # an unknown account or an address belongs to no municipality, so it has no audit trail; the log has it
    context: AuditContext | None = session.info.get(AUDIT_CONTEXT_KEY)
    session.execute(
        AuditEvent.__table__.insert(),
        {
            "id": uuid.uuid4(),
            "at": now,
            "municipality_id": account.municipality_id,
            "actor_type": "system",
            "actor_id": "sign-in-limit",
            "actor_name": "Sign-in limit",
            "on_behalf_of": None,
            "action": LOCKED_ACTION,
            "entity_type": account.entity_type,
            "entity_id": str(account.entity_id),
            "changes": {
                "_verb": "locked",
                "locked_until": tally.locked_until.isoformat() if tally.locked_until else None,
                "failures": tally.failures,
                "lockouts_in_a_row": tally.lockouts,
                "address": attempt.address,
            },
            "request_id": context.request_id if context else None,
        },
    )


def _purge_stale(session: Session, settings: Settings, now: datetime, keep: dict[str, LimitedBy]) -> None:
    """Delete tallies that can no longer lock anything: no failure for a window plus the longest lockout."""
    window = max(settings.sign_in_window_seconds, settings.sign_in_address_window_seconds)
    cutoff = now - timedelta(seconds=window + settings.sign_in_max_backoff_seconds)
    session.execute(
        delete(SignInLimit).where(SignInLimit.updated_at < cutoff, SignInLimit.key.not_in(list(keep)))  # type: ignore[attr-defined]
    )


def reset_account(session: Session, attempt: Attempt) -> None:
    """A successful sign-in clears its account's failures (not its address's)."""
    session.execute(delete(SignInLimit).where(SignInLimit.key == attempt.account_key))


def lift_lockout(
    session: Session, settings: Settings, kind: str, identifier: str, account: Account, now: datetime
) -> bool:
    """An admin clears an account's failures and lockout; audited when there was anything to clear."""
    key = account_key(settings, kind, identifier)
    row = session.get(SignInLimit, key)
    if row is None:
        return False
    context: AuditContext | None = session.info.get(AUDIT_CONTEXT_KEY)
    session.execute(delete(SignInLimit).where(SignInLimit.key == key))
    if context is not None:
        session.execute(
            AuditEvent.__table__.insert(),
            {
                "id": uuid.uuid4(),
                "at": now,
                "municipality_id": account.municipality_id,
                "actor_type": context.actor_type,
                "actor_id": context.actor_id,
                "actor_name": context.actor_name,
                "on_behalf_of": context.on_behalf_of,
                "action": LIFTED_ACTION,
                "entity_type": account.entity_type,
                "entity_id": str(account.entity_id),
                "changes": {
                    "_verb": "lockout-lifted",
                    "locked_until": [row.locked_until.isoformat() if row.locked_until else None, None],
                    "failures": [row.failures, 0],
                },
                "request_id": context.request_id,
            },
        )
    return True
