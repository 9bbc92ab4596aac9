"""Optimistic concurrency: the ETag of a resource is its version; updates must send it back in If-Match."""

from __future__ import annotations

from fastapi import Request, Response

from domain.errors import DomainError, ErrorCode


def etag_of(version: int) -> str:
    return f'"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag_of(version)


def require_if_match(request: Request, current_version: int) -> None:
    """Refuse an update without If-Match (428) or with a stale one (412), before anything is changed."""
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
