"""Personal calendar feeds: a secret URL per user, and what its iCalendar document (RFC 5545) holds.

A calendar program cannot send a bearer token, so the URL itself is the credential: a 256-bit random token, of
which only the SHA-256 is stored (looked up by that hash, as an integration client's secret is checked). A user
has at most one live URL; making a new one revokes the old. The feed is answered as the API would answer that
user today: their account must still be active, and it shows only what their role may read.

What it holds:
- visits: the administration sees the municipality's, a supervisor the visits they lead or co-observe, a
  provider's own people their provider's, never a planned unannounced one (`visits.provider_visible`);
- deadlines: for a role that reads `/due`, the dated items of `/due` itself (a supervisor's own, as `mine=true`).
Each event is an all-day event with a stable UID, a Danish summary naming the kind and the provider (never a unit:
a dagplejer's unit is a person), and a link into the API; no score, no free text, nothing about a child.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, update
from sqlmodel import Session, select

from api.db import mark_written
from api.principal import Principal, PrincipalKind, principal_of_user
from api.services import overview
from api.services.visits import provider_visible
from api.tables import CalendarFeed, Municipality, Provider, UserAccount, Visit
from domain.access import Permission, Role
from domain.cycle import VisitKind
from domain.errors import DomainError, ErrorCode, not_found
from domain.states import VisitStatus

if TYPE_CHECKING:  # icalendar (90 modules, 3 MiB) is imported by the first feed read, not by every worker
    from icalendar import Event

TOKEN_BYTES = 32  # 256 bits, as an integration client's secret
PAST_DAYS = 90  # held visits this far back stay in the calendar
FUTURE_DAYS = 365  # planned visits and deadlines this far ahead (overdue deadlines always)
LAST_USED_GRANULARITY = timedelta(hours=1)  # calendar programs poll often; the time of use is kept to the hour
REFRESH = timedelta(hours=1)  # how often a calendar program should fetch again
PRODUCT_ID = "-//tilsyn//Kalender for pædagogisk tilsyn//DA"


def token_hash(token: str) -> str:
    """The stored form of a feed token: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- the URL: create, read, revoke ---------------------------------------------------------------------------


def _account(session: Session, principal: Principal) -> UserAccount:
    """The caller's own local account: a feed is answered later without a token, so it belongs to an account that
    the service can check is still active. People signed in through the identity provider have none here."""
    user_id = uuid.UUID(principal.subject) if principal.kind is PrincipalKind.USER else None
    user = session.get(UserAccount, user_id) if user_id else None
    if user is None:
        raise DomainError(
            ErrorCode.FORBIDDEN,
            "A calendar feed belongs to a local user account; signed in through the identity provider you have none.",
        )
    return user


def live_feed(session: Session, principal: Principal) -> CalendarFeed | None:
    """The caller's feed that is not revoked, if any."""
    if principal.kind is not PrincipalKind.USER:
        return None
    user_id = uuid.UUID(principal.subject)
    statement = select(CalendarFeed).where(CalendarFeed.user_id == user_id, CalendarFeed.revoked_at.is_(None))
    return session.exec(statement).first()


def revoke(session: Session, principal: Principal, now: datetime) -> bool:
    """Revoke the caller's live feed, if any: its URL stops working at once. Whether there was one."""
    feed = live_feed(session, principal)
    if feed is None:
        return False
    feed.revoked_at = now
    session.flush()
    return True


def create(session: Session, principal: Principal, now: datetime) -> tuple[CalendarFeed, str]:
    """A new feed for the caller, replacing (revoking) the one they had; returns it with its token, shown once."""
    user = _account(session, principal)
    revoke(session, principal, now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed = CalendarFeed(
        municipality_id=user.municipality_id, user_id=user.id, token_hash=token_hash(token), created_at=now
    )
    session.add(feed)
    session.flush()
    return feed, token


def owner_of(session: Session, token: str, now: datetime) -> tuple[Principal, str]:
    """Whose feed the token opens, as a principal, and their municipality's name. An unknown or revoked token, an
    inactive account, or a role that no longer holds `calendar:read`, is a 404: the URL says nothing more."""
    row = session.exec(
        select(CalendarFeed.id, CalendarFeed.last_used_at, UserAccount, Municipality.name)
        .join(UserAccount, UserAccount.id == CalendarFeed.user_id)
        .join(Municipality, Municipality.id == CalendarFeed.municipality_id)
        .where(CalendarFeed.token_hash == token_hash(token), CalendarFeed.revoked_at.is_(None))
    ).first()
    if row is None or not row[2].is_active:
        raise not_found("calendar feed")
    feed_id, last_used_at, user, municipality_name = row
    principal = principal_of_user(user)
    if not principal.can(Permission.CALENDAR_READ):
        raise not_found("calendar feed")
    if last_used_at is None or now - last_used_at >= LAST_USED_GRANULARITY:
        # Bookkeeping of a read, not a change anyone made: a plain UPDATE, so no audit entry or event per poll.
        session.execute(update(CalendarFeed).where(CalendarFeed.id == feed_id).values(last_used_at=now))
        mark_written(session)
    return principal, municipality_name


# --- the document ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Links:
    """Where an event points, into the API (the router knows the addresses)."""

    visit: Callable[[uuid.UUID], str]
    due: Callable[[uuid.UUID], str]
    uid_domain: str


def _visit_rows(session: Session, principal: Principal, today: date) -> list:
    day = func.coalesce(Visit.held_on, Visit.planned_on)
    conditions = [
        Visit.municipality_id == principal.municipality_id,
        Visit.status != VisitStatus.CANCELLED,
        day >= today - timedelta(days=PAST_DAYS),
        day <= today + timedelta(days=FUTURE_DAYS),
    ]
    if principal.role.is_provider_bound:
        conditions += provider_visible(principal)
    elif principal.role is Role.SUPERVISOR:
        me = uuid.UUID(principal.subject)
        conditions.append(or_(Visit.supervisor_id == me, Visit.co_observer_id == me))
    columns = (Visit.id, Visit.kind, Visit.status, day.label("day"), Provider.name)
    statement = select(*columns).join(Provider, Provider.id == Visit.provider_id).where(*conditions)
    return list(session.exec(statement.order_by(day, Visit.id)))


def _all_day(uid: str, day: date, summary: str, description: str, url: str, stamp: datetime) -> Event:
    from icalendar import Event

    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)  # a date: an all-day event (VALUE=DATE)
    event.add("dtend", day + timedelta(days=1))
    event.add("summary", summary)
    event.add("description", description)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a marker for the day, not time the person is busy
    return event


def _visit_events(rows: list, links: Links, stamp: datetime) -> list[Event]:
    events = []
    for visit_id, kind, status, day, provider_name in rows:
        label = f"{VisitKind(kind).label_da} tilsynsbesøg"
        held = VisitStatus(status) is VisitStatus.COMPLETED
        summary = f"{label.capitalize()}: {provider_name}" + (" (afholdt)" if held else "")
        state = "afholdt" if held else "planlagt"
        description = f"{label.capitalize()} hos {provider_name}, {state}."  # the link is the event's URL
        uid = f"visit-{visit_id}@{links.uid_domain}"
        events.append(_all_day(uid, day, summary, description, links.visit(visit_id), stamp))
    return events


def _due_events(session: Session, principal: Principal, today: date, links: Links, stamp: datetime) -> list[Event]:
    if not principal.can(Permission.DUE_READ):
        return []
    mine = principal.role is Role.SUPERVISOR  # a supervisor's own, as the visits
    due = overview.due_items(session, principal, today, provider=None, mine=mine, within_days=FUTURE_DAYS)
    events, seen = [], set()
    for item in due.items:
        uid = f"{item.kind}-{item.reference_id}@{links.uid_domain}"
        if uid in seen:
            continue
        seen.add(uid)
        # The kind and the provider only: an item's own text may name a unit (a dagplejer is a person) or quote
        # a recommendation, and the calendar is read on phones and shared screens.
        summary = f"Frist: {item.kind_label} ({item.provider_name})"
        law = f" Hjemmel: {item.legal_reference}." if item.legal_reference else ""
        description = f"Frist for {item.provider_name}: {item.kind_label} ({item.status.label_da}).{law}"
        events.append(_all_day(uid, item.due_on, summary, description, links.due(item.provider_id), stamp))
    return events


def document(
    session: Session, principal: Principal, municipality_name: str, today: date, now: datetime, links: Links
) -> bytes:
    """The user's calendar as iCalendar bytes: their visits and the deadlines they may see, as of today."""
    from icalendar import Calendar, vDuration

    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Tilsyn, {municipality_name}")
    calendar.add("x-published-ttl", vDuration(REFRESH))  # as text otherwise; calendar programs read PT1H
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})  # RFC 7986
    for event in _visit_events(_visit_rows(session, principal, today), links, now):
        calendar.add_component(event)
    for event in _due_events(session, principal, today, links, now):
        calendar.add_component(event)
    return calendar.to_ical()
