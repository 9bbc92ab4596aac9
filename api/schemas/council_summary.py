"""The council's summary of the supervision (the political discussion every second year, dagtilbudsloven §3a stk. 5):
requests and the resource. What the summary says is in `api.schemas.council_summary_content`."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import Field, StringConstraints, computed_field

from api.schemas.common import InputModel, ReadModel
from api.schemas.council_summary_content import CouncilSummaryContent
from domain.council_summary import (
    CORRECTION_NOTE_MAX,
    OVERALL_COMMENT_MAX,
    SECTION_COMMENT_MAX,
    SummarySection,
    SummaryStatus,
)

Overall = Annotated[str, StringConstraints(min_length=1, max_length=OVERALL_COMMENT_MAX)]
SectionComment = Annotated[str, StringConstraints(min_length=1, max_length=SECTION_COMMENT_MAX)]
Note = Annotated[str, StringConstraints(min_length=1, max_length=CORRECTION_NOTE_MAX)]

_STATUS = "Status: " + "; ".join(f"`{s.value}` = {s.label_da}" for s in SummaryStatus) + "."


def _section(section: SummarySection) -> str:
    return f"The administration's commentary on the section «{section.title_da}»."


# Requests


class CouncilSummaryCreate(InputModel):
    """A new draft summary for a period; by default the last two years, ending today."""

    period_from: date | None = Field(
        None, description="The period's first day; by default the day after the same date two years before its end."
    )
    period_to: date | None = Field(None, description="The period's last day (no later than today); today by default.")


class CommentaryUpdate(InputModel):
    """The administration's commentary, overall and per section; a field left out is kept, null removes it.
    Published to the council: no personal data (CPR numbers, e-mail addresses, phone numbers are refused)."""

    overall: Overall | None = Field(None, description="The administration's overall commentary for the council.")
    quality: SectionComment | None = Field(None, description=_section(SummarySection.QUALITY))
    concern: SectionComment | None = Field(None, description=_section(SummarySection.CONCERN))
    action_plans: SectionComment | None = Field(None, description=_section(SummarySection.ACTION_PLANS))
    compliance: SectionComment | None = Field(None, description=_section(SummarySection.COMPLIANCE))
    publication: SectionComment | None = Field(None, description=_section(SummarySection.PUBLICATION))
    data: SectionComment | None = Field(None, description=_section(SummarySection.DATA))


class CouncilSummaryCorrection(InputModel):
    """A correction of a final summary: a new draft version that says what it corrects."""

    correction_note: Note = Field(description="What is corrected and why; shown with the new version.")


# The resource


class Commentary(ReadModel):
    """The administration's commentary, overall and per section; null where it has said nothing."""

    overall: str | None = Field(None, description="The overall commentary.")
    quality: str | None = Field(None, description=_section(SummarySection.QUALITY))
    concern: str | None = Field(None, description=_section(SummarySection.CONCERN))
    action_plans: str | None = Field(None, description=_section(SummarySection.ACTION_PLANS))
    compliance: str | None = Field(None, description=_section(SummarySection.COMPLIANCE))
    publication: str | None = Field(None, description=_section(SummarySection.PUBLICATION))
    data: str | None = Field(None, description=_section(SummarySection.DATA))


class CouncilSummaryItem(ReadModel):
    """A summary version's state and references, without its content."""

    id: uuid.UUID = Field(description="The summary version's id.")
    municipality_id: uuid.UUID = Field(description="The municipality the summary is about.")
    period_from: date = Field(description="The period's first day.")
    period_to: date = Field(description="The period's last day.")
    status: SummaryStatus = Field(description=_STATUS)
    summary_version: int = Field(description="1 for the first version of the summary, 2 for its first correction, ...")
    replaces_id: uuid.UUID | None = Field(description="For a correction: the final version it corrects.")
    correction_note: str | None = Field(description="For a correction: what is corrected and why.")
    finalised_on: date | None = Field(description="When the version became final; its figures are as of that day.")
    created_at: datetime = Field(description="When the draft was created.")
    updated_at: datetime = Field(description="When the version last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")

    @computed_field(description="The status in Danish, for display.")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return self.status.label_da


class CouncilSummaryRead(CouncilSummaryItem):
    """A summary version with its content: computed when read while a draft, frozen from the moment it is final."""

    commentary: Commentary = Field(description="The administration's commentary.")
    content: CouncilSummaryContent = Field(description="What the summary says: figures and their Danish texts.")


class CouncilSummaryPage(ReadModel):
    """One page of summary versions, newest first."""

    items: list[CouncilSummaryItem] = Field(description="The summary versions on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
