"""Written supervision reports (tilsynsrapporter: the report duty and written documentation of dagtilbudsloven §5
and §5b) and their workflow. Every legal reference in a report is the law in force on the day of its visit."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from pydantic import AwareDatetime, Field, HttpUrl, StringConstraints, computed_field

from api.schemas.common import InputModel, ReadModel
from domain.states import ReportScope, ReportStatus

Text = Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
Reference = Annotated[str, StringConstraints(min_length=1, max_length=100)]


_SCOPE = (
    "What the report covers: `provider` = the whole provider; `unit` = one unit of the visit (give `unit_id`); "
    "`combined` = the dagpleje's one combined report (only for a kommunal dagpleje)."
)
_STATUS = "Status: " + "; ".join(f"`{s.value}` = {s.label_da}" for s in ReportStatus) + "."


# Requests


class ReportCreate(InputModel):
    """A new draft report on a completed visit."""

    scope: ReportScope = Field(ReportScope.PROVIDER, description=_SCOPE)
    unit_id: uuid.UUID | None = Field(None, description="The unit the report is about; only with scope `unit`.")
    summary: Text | None = Field(None, description="The supervisor's overall assessment in prose; it is published.")


class ReportUpdate(InputModel):
    """What may change while the report is a draft or sent to the leader."""

    summary: Text | None = Field(None, description="The supervisor's overall assessment in prose; null removes it.")


class LeaderComment(InputModel):
    """The leader's comment on the report (høringssvar), published with it."""

    comment: Text = Field(description="The comment, as it should be published. No personal data.")


class Publication(InputModel):
    """That the final report is published on the provider's website (the report duty of dagtilbudsloven §5)."""

    published_on: date | None = Field(None, description="The day it was published; today when omitted.")
    url: HttpUrl | None = Field(None, description="Where on the provider's website the report is published.")


class CorrectionCreate(InputModel):
    """A correction of a published report: a new version that says what it corrects."""

    correction_note: Text = Field(description="What is corrected and why; published with the new version.")
    summary: Text | None = Field(None, description="The corrected summary; the published report's when omitted.")


class CaseReference(InputModel):
    """Where the case system (ESDH) filed the final report."""

    case_id: Reference = Field(description="The case's id in the case system.")
    case_number: Reference = Field(description="The case number (sagsnummer) as caseworkers know it.")
    document_id: Reference = Field(description="The id of the filed document (the PDF) in the case system.")
    filed_at: AwareDatetime = Field(description="When the document was filed, with a time zone.")


# The content: what the report says


class BandStepRead(ReadModel):
    """One band of the policy's scale, so a reader can place the result."""

    label_da: str = Field(description="The band in Danish, e.g. `god`.")
    lower_bound: float = Field(description="The lowest percent in the band.")
    concern_label_da: str = Field(description="The concern level the band means, in Danish.")


class ScoreLineRead(ReadModel):
    """The percent of one area or theme of the observation instrument."""

    name: str = Field(description="The area's or theme's name.")
    percent: float | None = Field(description="Percent over its scored items; null when none was scored.")
    level: str = Field(description="`area` or `theme`.")
    area: str | None = Field(None, description="For a theme: the area it belongs to.")


class UnitResultRead(ReadModel):
    """The result for one unit that was assessed separately."""

    name: str = Field(description="The unit's name.")
    percent: float | None = Field(description="The unit's percent; null without a score.")
    band_label_da: str | None = Field(description="The unit's band in Danish; null without a score.")
    concern_label_da: str = Field(description="The concern level the unit's score means, in Danish.")


class ConsequenceRead(ReadModel):
    """What the concern level sets off, with the paragraph behind it."""

    text: str = Field(description="What follows, in Danish.")
    legal_reference: str = Field(
        description="The paragraph it rests on, as numbered in the law in force on the day of the visit."
    )
    due_on: date | None = Field(None, description="By when, if there is a deadline.")


class CountLineRead(ReadModel):
    """How many of the dagpleje's dagplejere are in one band or at one concern level (never who)."""

    label_da: str = Field(description="The band or concern level in Danish, or `ikke scoret`.")
    count: int = Field(description="How many dagplejere, by their latest assessment in the period.")


class RecommendationLineRead(ReadModel):
    """A recommendation from the visit."""

    text: str = Field(description="What the provider is recommended to do.")
    owner: str = Field(description="Who is responsible.")
    due_on: date = Field(description="By when.")


class FollowUpLineRead(ReadModel):
    """The follow-up dialogue with the leader (opfølgningssamtale)."""

    held_on: date = Field(description="The day it was held.")
    number: int = Field(description="1 after an announced visit, 2 after any other.")
    summary: str = Field(description="What was discussed.")
    agreed_follow_up: str | None = Field(description="The concrete follow-up agreed, if any.")


class EarlierResultRead(ReadModel):
    """The provider's previous assessment, for comparison."""

    assessed_on: date = Field(description="The day of the earlier visit.")
    percent: float | None = Field(description="Its total percent; null without a score.")
    band_label_da: str | None = Field(description="Its band in Danish; null without a score.")


class CarriedLineRead(ReadModel):
    """A theme or area carried forward from the visit before ("Opfølgning fra sidste tilsyn"), before and after."""

    name: str = Field(description="The theme's or area's name.")
    level: str = Field(description="`area` or `theme`.")
    reasons: list[str] = Field(description="Why it was carried forward, in Danish.")
    before_on: date | None = Field(description="The day of the earlier visit its earlier result is from.")
    before_percent: float | None = Field(
        description="Its percent at the earlier visit; null without one, and always on the dagpleje's combined "
        "report, which shows no dagplejer's result."
    )
    before_band_label_da: str | None = Field(description="Its band then, on this report's scale; null as the percent.")
    after_percent: float | None = Field(description="Its percent at this visit; null when not scored, or as above.")
    after_band_label_da: str | None = Field(description="Its band at this visit; null as the percent.")
    change: float | None = Field(description="After minus before in percentage points; null as the percents.")
    outcome: str = Field(
        description="`improved`, `unchanged` or `worse` (the percents as shown compared), `not_rescored` or "
        "`no_earlier_score`."
    )
    outcome_label_da: str = Field(description="The outcome in Danish, e.g. `forbedret`.")


class ReportContentRead(ReadModel):
    """Everything the report says, as the PDF and the HTML page show it. No personal data about children."""

    municipality_name: str = Field(description="The supervising municipality.")
    provider_name: str = Field(description="The provider.")
    provider_kind_label_da: str = Field(description="The kind of provider in Danish.")
    scope_label_da: str = Field(description="What the report covers, in Danish.")
    unit_names: list[str] = Field(description="The units the report is about.")
    visit_kind_label_da: str = Field(description="The kind of visit in Danish, e.g. `anmeldt tilsyn`.")
    visit_date: date = Field(description="The day of the visit.")
    supervisors: list[str] = Field(description="Who supervised: the supervisor and any co-observer.")
    data_used: list[str] = Field(description="The data the assessment rests on.")
    percent: float | None = Field(
        description="The total percent of what the report covers: the provider's, the unit's own, or for the "
        "dagpleje's combined report the mean of its dagplejere's latest results; null without a score."
    )
    band_label_da: str | None = Field(description="The quality band (udviklingsperspektiv) in Danish.")
    concern_label_da: str = Field(
        description="The concern level (kontrolperspektiv) in Danish: the unit's own on a unit report; on the "
        "combined report the most serious at any dagplejer, since any one's concern escalates the dagpleje."
    )
    concern_justification: str | None = Field(description="Why concern was raised above what the score implies.")
    band_scale: list[BandStepRead] = Field(description="The policy's band scale, highest band first.")
    areas: list[ScoreLineRead] = Field(description="Percent per area of the instrument.")
    themes: list[ScoreLineRead] = Field(description="Percent per theme of the instrument.")
    unit_results: list[UnitResultRead] = Field(
        description="Results of units assessed separately; never on the dagpleje's combined report."
    )
    consequences: list[ConsequenceRead] = Field(
        description="What follows: on a unit's or the combined report, first what its own concern level means."
    )
    strengths: list[str] = Field(description="Strengths seen at the visit.")
    recommendations: list[RecommendationLineRead] = Field(description="The visit's recommendations, soonest due first.")
    follow_up: FollowUpLineRead | None = Field(description="The follow-up dialogue, once it is held.")
    leader_comment: str | None = Field(description="The leader's comment.")
    earlier: EarlierResultRead | None = Field(description="The provider's previous assessment, if any.")
    summary: str | None = Field(description="The supervisor's overall assessment in prose.")
    report_version: int = Field(description="1 for the first report on the visit, 2 for its first correction, ...")
    replaces_version: int | None = Field(description="For a correction: the version it corrects.")
    correction_note: str | None = Field(description="For a correction: what is corrected and why.")
    policy_version: int = Field(description="The policy version the assessment was made under (0 = default).")
    published_on: date | None = Field(description="The day it was published; null until then.")
    extra: dict[str, str] = Field(description="Further facts, e.g. `published_url`, where the report is published.")
    period_from: date | None = Field(
        None, description="The combined report: the first day of the period whose visits to dagplejere it covers."
    )
    band_counts: list[CountLineRead] = Field(
        [], description="The combined report: how many dagplejere are in each band, highest first."
    )
    concern_counts: list[CountLineRead] = Field(
        [], description="The combined report: how many dagplejere are at each concern level."
    )
    legal_basis: list[str] = Field(
        [],
        description="What the report rests on, in Danish, in the law in force on `visit_date`: the version of the "
        "rules, the written documentation, and on which ground it is published (the report duty of dagtilbudsloven "
        "§5, numbered as on that day, or the municipality's policy). Empty on a report made final before the service "
        "recorded it.",
    )
    carried_forward: list[CarriedLineRead] = Field(
        [],
        description="Opfølgning fra sidste tilsyn: the themes and areas the visit before flagged (weak, an item at the "
        "lowest level, named in an open recommendation or action plan), each with why and before against after.",
    )


# The report row


class ReportSummary(ReadModel):
    """A report's state and references, without its content."""

    id: uuid.UUID = Field(description="The report's id.")
    municipality_id: uuid.UUID = Field(description="The supervising municipality.")
    provider_id: uuid.UUID = Field(description="The provider the report is about.")
    visit_id: uuid.UUID = Field(description="The completed visit the report documents.")
    unit_id: uuid.UUID | None = Field(description="The unit, for a report with scope `unit`.")
    scope: ReportScope = Field(description=_SCOPE)
    status: ReportStatus = Field(description=_STATUS)
    report_version: int = Field(description="1 for the first report on the visit, 2 for its first correction, ...")
    replaces_id: uuid.UUID | None = Field(description="For a correction: the published report it corrects.")
    correction_note: str | None = Field(description="For a correction: what is corrected and why.")
    summary: str | None = Field(description="The supervisor's overall assessment in prose.")
    leader_comment: str | None = Field(description="The leader's comment, once given.")
    sent_on: date | None = Field(description="When the report was sent to the leader for comment.")
    comment_window_ends: date | None = Field(description="The last day the leader may comment.")
    finalised_on: date | None = Field(description="When the report became final.")
    published_on: date | None = Field(description="When it was published on the provider's website.")
    first_published_on: date | None = Field(
        description="When the first version of this report was published; a correction keeps its first version's "
        "day, so the two years until the next report (§5) run from there. Null until published.",
    )
    published_by: str | None = Field(description="Who recorded the publication.")
    case_id: str | None = Field(description="The case system's case id, once filed.")
    case_number: str | None = Field(description="The case number, once filed.")
    document_id: str | None = Field(description="The case system's document id, once filed.")
    filed_at: datetime | None = Field(description="When the case system filed the report.")
    kle_classification: str | None = Field(
        description="The KLE classification to file the report under in the case system (the municipality's when "
        "the report became final, e.g. `28.00.00`). Null until final."
    )
    pdf_sha256: str | None = Field(
        description="The SHA-256 (64 lowercase hex digits) of the PDF that GET /reports/{id}/pdf serves: computed "
        "when the report became final and again when its publication adds the publication date to the document. "
        "Null until final."
    )
    created_at: datetime = Field(description="When the draft was created.")
    updated_at: datetime = Field(description="When the report last changed.")
    version: int = Field(description="Changes with every update; the same value as the ETag header.")

    @computed_field(description="The status in Danish, for display.")  # type: ignore[prop-decorator]
    @property
    def status_label(self) -> str:
        return self.status.label_da


class ReportRead(ReportSummary):
    """A report with its content: assembled live while draft or sent, frozen from the moment it is final."""

    content: ReportContentRead = Field(description="Everything the report says.")


class ReportPage(ReadModel):
    """One page of reports, newest first."""

    items: list[ReportSummary] = Field(description="The reports on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")
