"""Personal calendar feeds: make, read and revoke your secret feed URL; the feed itself, opened by the URL alone."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response, status

from api.clock import NowDep, TodayDep
from api.deps import SessionDep, require
from api.errors import problem_responses
from api.openapi import file_response
from api.principal import Principal
from api.schemas.calendar import CalendarFeedCreated, CalendarFeedStatus
from api.services import calendar_feeds as service
from domain.access import Permission

router = APIRouter(tags=["calendar"])

ReadCalendar = Annotated[Principal, Depends(require(Permission.CALENDAR_READ))]
Token = Annotated[
    str,
    Path(
        min_length=32,
        max_length=100,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The feed's secret token, as in the URL that POST /me/calendar-feed returned.",
    ),
]
# The feed is one person's schedule: no shared cache may keep it, and no search engine index its address.
FEED_HEADERS = {"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex"}


def _status(feed) -> CalendarFeedStatus:  # type: ignore[no-untyped-def]
    if feed is None:
        return CalendarFeedStatus(active=False, created_at=None, last_used_at=None)
    return CalendarFeedStatus(active=True, created_at=feed.created_at, last_used_at=feed.last_used_at)


@router.get(
    "/me/calendar-feed",
    operation_id="calendar-feed-read",
    name="calendar-feed-read",
    response_model=CalendarFeedStatus,
    responses=problem_responses(401, 403),
)
def read_calendar_feed(session: SessionDep, principal: ReadCalendar) -> CalendarFeedStatus:
    """Say whether you have a calendar feed and when it was last fetched; its URL was shown once only."""
    return _status(service.live_feed(session, principal))


@router.post(
    "/me/calendar-feed",
    operation_id="calendar-feed-create",
    response_model=CalendarFeedCreated,
    status_code=status.HTTP_201_CREATED,
    responses=problem_responses(401, 403),
)
def create_calendar_feed(
    request: Request, response: Response, session: SessionDep, principal: ReadCalendar, now: NowDep
) -> CalendarFeedCreated:
    """Make your personal calendar feed and get its secret URL, shown this once.

    If you had one, it is replaced: the old URL stops working at once. Subscribe to the URL in a calendar program
    (Outlook, Google Calendar, Apple Calendar); it shows your visits and deadlines as the API would show them to you.
    """
    response.headers["Cache-Control"] = "no-store"  # the URL is a credential: no cache or replay store keeps it
    feed, token = service.create(session, principal, now)
    response.headers["Location"] = str(request.url_for("calendar-feed-read"))
    url = str(request.url_for("calendar-feeds-read", token=token))
    return CalendarFeedCreated(url=url, created_at=feed.created_at)


@router.delete(
    "/me/calendar-feed",
    operation_id="calendar-feed-revoke",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problem_responses(401, 403),
)
def revoke_calendar_feed(session: SessionDep, principal: ReadCalendar, now: NowDep) -> Response:
    """Revoke your calendar feed: its URL stops working at once. Nothing to revoke is no error."""
    service.revoke(session, principal, now)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/calendar-feeds/{token}.ics",
    operation_id="calendar-feeds-read",
    name="calendar-feeds-read",
    response_class=Response,
    responses={
        **file_response("text/calendar", "The calendar, as iCalendar (RFC 5545)."),
        **problem_responses(404, 422),
    },
    openapi_extra={"security": []},  # the URL is the credential; no bearer token
)
def read_calendar_feeds(request: Request, token: Token, session: SessionDep, today: TodayDep, now: NowDep) -> Response:
    """Read a calendar feed (iCalendar, RFC 5545) by its secret URL, without a token.

    Calendar programs cannot send a bearer token, so the address is the credential: a long random token, of which the
    service keeps only a hash. The feed shows what its owner may see today: their visits (the administration the
    municipality's, a supervisor those they lead or co-observe, a provider's own people their provider's, never a
    planned unannounced visit) and, for roles that read `GET /due`, its dated deadlines. Each event is an all-day event
    with a stable UID; summaries are in Danish and name the kind and the provider, never a unit, a score or a child.
    An unknown or revoked token, or an owner who is no longer active, is 404. Answered `private, no-store`.
    """
    principal, municipality_name = service.owner_of(session, token, now)

    def due_url(provider_id: uuid.UUID) -> str:
        return f"{request.url_for('list_due')}?provider_id={provider_id}"

    links = service.Links(
        visit=lambda visit_id: str(request.url_for("visits-read", visit_id=visit_id)),
        due=due_url,
        uid_domain=request.url.hostname or "tilsyn",
    )
    body = service.document(session, principal, municipality_name, today, now, links)
    headers = {**FEED_HEADERS, "Content-Disposition": 'inline; filename="tilsyn.ics"'}
    return Response(body, media_type="text/calendar", headers=headers)
