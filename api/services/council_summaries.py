"""The council's summary (domain.council_summary): draft -> commentary -> final (content frozen) -> corrections.

A draft's content is computed when it is read, from the trends and the compliance figures of its period
(`api.services.council_summary_content`); finalising stores the content as it is that day, and from then on the
version is read from what was stored, never recomputed. A correction is a new draft version that replaces the final
one once it is itself final. The committee sees final (and superseded) versions only.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from api.pagination import Page, SortKey, paginate
from api.principal import Principal
from api.schemas.council_summary import CommentaryUpdate, CouncilSummaryCorrection, CouncilSummaryCreate
from api.schemas.council_summary_content import CouncilSummaryContent
from api.services.council_summary_content import build_content
from api.services.trends import windows
from api.tables import CouncilSummary, UserAccount
from domain import council_summary as rules
from domain.access import Role
from domain.council_summary import COMMITTEE_VISIBLE, OVERALL, SummarySection, SummaryStatus
from domain.errors import DomainError, ErrorCode, Violation, not_found
from domain.privacy import refuse_personal_data

ORDER = (SortKey(CouncilSummary.created_at, descending=True), SortKey(CouncilSummary.id, descending=True))
COMMENT_KEYS = (OVERALL, *(s.value for s in SummarySection))


def _drafts_hidden(principal: Principal) -> bool:
    """The committee reads the administration's account once given: final versions, never a draft."""
    return principal.role is Role.COMMITTEE


# Reading


def load(session: Session, principal: Principal, summary_id: uuid.UUID) -> CouncilSummary:
    """The version, if the caller may see it; another municipality's (or a draft, for the committee) is a 404."""
    row = session.get(CouncilSummary, summary_id)
    if row is None or row.municipality_id != principal.municipality_id:
        raise not_found("council summary")
    if _drafts_hidden(principal) and SummaryStatus(row.status) not in COMMITTEE_VISIBLE:
        raise not_found("council summary")
    return row


def list_summaries(
    session: Session, principal: Principal, *, status: SummaryStatus | None, cursor: str | None, limit: int
) -> Page[CouncilSummary]:
    statement = (
        select(CouncilSummary)
        .where(CouncilSummary.municipality_id == principal.municipality_id)
        .options(defer(CouncilSummary.content), defer(CouncilSummary.commentary))  # type: ignore[arg-type]
    )
    if _drafts_hidden(principal):
        statement = statement.where(CouncilSummary.status.in_(COMMITTEE_VISIBLE))  # type: ignore[attr-defined]
    if status is not None:
        statement = statement.where(CouncilSummary.status == status)
    return paginate(session, statement, ORDER, cursor, limit)


def content_of(session: Session, row: CouncilSummary, today: date) -> CouncilSummaryContent:
    """The stored content of a final (or superseded) version; a draft's, computed now."""
    if SummaryStatus(row.status) is not SummaryStatus.DRAFT and row.content:
        return CouncilSummaryContent.model_validate(row.content)
    return build_content(session, row.municipality_id, row.period_from, row.period_to, today)


def document_filename(row: CouncilSummary) -> str:
    """`tilsynssammenfatning-<first day>-<last day>-v<version>` (ASCII: safe in a Content-Disposition header)."""
    return f"tilsynssammenfatning-{row.period_from.isoformat()}-{row.period_to.isoformat()}-v{row.summary_version}"


# Writing


def create(session: Session, principal: Principal, data: CouncilSummaryCreate, today: date) -> CouncilSummary:
    """A draft for the period asked for, by default the last two years ending today."""
    end = data.period_to or today
    if data.period_from is not None:
        rules.check_period(data.period_from, end, today)
    now, _ = windows(today, data.period_from, end)  # the trends' own default: the last two years up to `end`
    rules.check_period(now.start, now.end, today)
    row = CouncilSummary(
        municipality_id=principal.municipality_id,
        period_from=now.start,
        period_to=now.end,
        created_by=principal.subject,
    )
    session.add(row)
    session.flush()
    return row


def update_commentary(session: Session, row: CouncilSummary, data: CommentaryUpdate) -> CouncilSummary:
    """Set or remove the commentary fields the body names; the others are kept."""
    rules.require_draft(SummaryStatus(row.status), "changing the commentary")
    changed = data.model_dump(exclude_unset=True)
    _refuse_personal_data(session, row.municipality_id, {f"body.{k}": v for k, v in changed.items() if v})
    commentary = {**row.commentary, **changed}
    row.commentary = {k: commentary[k] for k in COMMENT_KEYS if commentary.get(k)}
    session.flush()
    return row


def finalise(session: Session, principal: Principal, row: CouncilSummary, today: date) -> CouncilSummary:
    """Freeze the content as it is today; a final correction supersedes the version it replaces."""
    rules.require_draft(SummaryStatus(row.status), "finalising")
    _refuse_personal_data(session, row.municipality_id, {f"commentary.{k}": v for k, v in row.commentary.items()})
    content = build_content(session, row.municipality_id, row.period_from, row.period_to, today)
    row.content = content.model_dump(mode="json")
    row.status = SummaryStatus.FINAL
    row.finalised_on = today
    row.finalised_by = principal.subject
    if row.replaces_id is not None:
        replaced = session.get(CouncilSummary, row.replaces_id)
        if replaced is not None and SummaryStatus(replaced.status) is SummaryStatus.FINAL:
            replaced.status = SummaryStatus.SUPERSEDED
    session.flush()
    return row


def correct(
    session: Session, principal: Principal, row: CouncilSummary, data: CouncilSummaryCorrection
) -> CouncilSummary:
    """A new draft version of a final summary, linked to it, with its commentary to start from."""
    rules.require_correctable(SummaryStatus(row.status))
    pending = session.exec(
        select(CouncilSummary.id).where(
            CouncilSummary.replaces_id == row.id, CouncilSummary.status == SummaryStatus.DRAFT
        )
    ).first()
    if pending is not None:
        raise DomainError(ErrorCode.DUPLICATE, f"A correction of this summary is already underway (summary {pending}).")
    _refuse_personal_data(session, row.municipality_id, {"body.correction_note": data.correction_note})
    correction = CouncilSummary(
        municipality_id=row.municipality_id,
        period_from=row.period_from,
        period_to=row.period_to,
        summary_version=row.summary_version + 1,
        replaces_id=row.id,
        correction_note=data.correction_note,
        commentary=dict(row.commentary),
        created_by=principal.subject,
    )
    session.add(correction)
    session.flush()
    return correction


def _refuse_personal_data(session: Session, municipality_id: uuid.UUID, texts: dict[str, Any]) -> None:
    """No CPR number, e-mail address or phone number (domain.privacy), and no name of a person with an account in
    the municipality: the summary goes to the council and is published with its agenda."""
    texts = {location: text for location, text in texts.items() if text}
    if not texts:
        return
    refuse_personal_data(texts)
    lowered = {location: text.casefold() for location, text in texts.items()}
    names = session.exec(
        select(func.lower(UserAccount.full_name)).where(UserAccount.municipality_id == municipality_id)
    ).all()
    violations = [
        Violation(location, "The text names a person; the summary names institutions, never people.")
        for location, text in lowered.items()
        if any(name and name.casefold() in text for name in names)
    ]
    if violations:
        raise DomainError(ErrorCode.INVALID_INPUT, "The text names a person, which the summary may not.", violations)
