"""Optimistic concurrency: the ETag of a resource is its version; updates must send it back in If-Match.

A route that checks If-Match says so in its declaration, with one of the two dependencies below, so the OpenAPI
document (and every client generated from it) has an `If-Match` header parameter for it:

    @router.patch(..., dependencies=[NEEDS_IF_MATCH])          # every change needs it: 428 without
    @router.put(..., dependencies=[IF_MATCH_TO_REPLACE])       # only replacing what exists needs it

and then calls `require_if_match(request, row.version)` where the version is known. `require_if_match` refuses to
run on a route that did not declare either: a check the contract does not mention is a bug, found by the first
test of that route (and by tests/contract, which reads the routes).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response

from domain.errors import DomainError, ErrorCode

IF_MATCH = "If-Match"
IF_MATCH_REQUIRED = "The ETag from your last read of this object; 428 without it, 412 when stale."
IF_MATCH_WHEN_REPLACING = (
    "The ETag from your last read of this object, when one exists and you replace it (428 without it then, "
    "412 when stale); leave it out when you create it."
)
ETAG_HEADER: dict[str, Any] = {
    "description": "The object's version; send it back in `If-Match` to change the object.",
    "schema": {"type": "string"},
}
_DECLARED = "if_match_declared"


def etag_of(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag_of(version)


async def _if_match_required(
    request: Request, if_match: Annotated[str | None, Header(alias=IF_MATCH, description=IF_MATCH_REQUIRED)] = None
) -> None:
    # Optional for FastAPI, so a missing header is our 428 (from require_if_match), not a validation 422;
    # api/openapi.py marks it required in the document, which is what the service enforces.
    setattr(request.state, _DECLARED, True)


async def _if_match_when_replacing(
    request: Request,
    if_match: Annotated[str | None, Header(alias=IF_MATCH, description=IF_MATCH_WHEN_REPLACING)] = None,
) -> None:
    setattr(request.state, _DECLARED, True)


NEEDS_IF_MATCH = Depends(_if_match_required)
IF_MATCH_TO_REPLACE = Depends(_if_match_when_replacing)


def require_if_match(request: Request, current_version: int) -> None:
    """Refuse an update without If-Match (428) or with a stale one (412), before anything is changed."""
    if not getattr(request.state, _DECLARED, False):
        route = request.scope.get("route")
        name = getattr(route, "operation_id", None) or request.url.path
        raise RuntimeError(
            f"{name} checks If-Match but does not declare it: add `dependencies=[NEEDS_IF_MATCH]` (api/etag.py) "
            "to its route, so the contract tells clients to send it."
        )
    header = request.headers.get("if-match")
    if header is None:
        raise DomainError(
            ErrorCode.PRECONDITION_REQUIRED,
            "Send the resource's ETag in an If-Match header, so a concurrent change is not overwritten.",
        )
    offered = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    if "*" in offered or etag_of(current_version) in offered:
        return
    raise DomainError(
        ErrorCode.PRECONDITION_FAILED,
        f"The resource has changed since you read it (its ETag is now {etag_of(current_version)}); "
        "read it again and retry. Nothing was changed.",
    )
