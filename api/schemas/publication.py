"""Published reports as anyone may read them, and the publication tracker of the report duty (dagtilbudsloven §5).

The public models mirror `domain.reports.ReportContent` field by field: the public JSON is the frozen content that
passed the privacy guard, plus the facts of its publication. Internal fields of the report row (the case system's
references, who published it, the leader's comment window) have no place here, so they have no field to leak
through. Names start with `Public` or `Tracker` so they never collide with the staff-facing report schemas.
"""

from __future__ import annotations

import uuid
from datetime import date
from enum import StrEnum

from pydantic import Field

from api.schemas.common import ReadModel
from api.schemas.report import ReportContentRead
from domain.cycle import COMBINED_SCOPE, PROVIDER_SCOPE, DueStatus, ReportGround


class PublicationScope(StrEnum):
    """What one report covers (the report duty of dagtilbudsloven §5 names each scope)."""

    PROVIDER = PROVIDER_SCOPE  # the whole provider
    UNIT = "unit"  # one unit of an institution with several
    COMBINED = COMBINED_SCOPE  # the dagpleje's one combined report

    @property
    def label_da(self) -> str:
        return {
            "provider": "hele dagtilbuddet",
            "unit": "afdeling",
            "combined": "samlet rapport for dagplejen",
        }[self.value]


_SCOPE = (
    "What the report covers: `provider` = hele dagtilbuddet; `unit` = one afdeling of an institution with several; "
    "`combined` = the dagpleje's one combined report."
)


# --- the public reads -----------------------------------------------------------------------------------------


class PublicReportLinks(ReadModel):
    """Where the report can be read, in each format; none needs a token."""

    json_url: str = Field(description="The report as JSON.")
    html_url: str = Field(description="The report as a web page, fit to embed in an iframe or to link to.")
    pdf_url: str = Field(description="The report as PDF.")


class PublicReportSummary(ReadModel):
    """One published report in a list: enough to choose it, with links to the whole report."""

    id: uuid.UUID = Field(description="The report's id.")
    provider_id: uuid.UUID = Field(description="The provider the report is about.")
    provider_name: str = Field(description="The provider's name as it stood in the report.")
    scope: PublicationScope = Field(description=_SCOPE)
    scope_label: str = Field(description="The scope in Danish.")
    unit_id: uuid.UUID | None = Field(description="For a unit report: the unit.")
    unit_name: str | None = Field(description="For a unit report: the unit's name.")
    visit_date: date = Field(description="The day of the visit the report is about.")
    published_on: date = Field(description="The day it was published.")
    band_label: str | None = Field(description="The quality band in Danish; null without a score.")
    concern_label: str = Field(description="The concern level in Danish.")
    report_version: int = Field(description="1 for the first version; a correction has a higher number.")
    replaces_version: int | None = Field(description="The version this correction replaces; null for the first.")
    links: PublicReportLinks = Field(description="The report as JSON, web page and PDF.")


class PublicReportPage(ReadModel):
    """One page of published reports, newest first. Follow `next_cursor` (or `Link: rel=\"next\"`)."""

    items: list[PublicReportSummary] = Field(description="The reports on this page.")
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class PublicReport(ReadModel):
    """A published report: the frozen content and the facts of its publication."""

    id: uuid.UUID = Field(description="The report's id.")
    municipality: str = Field(description="The municipality's name.")
    kommunekode: str = Field(description="The municipality's 3-digit kommunekode.")
    provider_id: uuid.UUID = Field(description="The provider the report is about.")
    scope: PublicationScope = Field(description=_SCOPE)
    unit_id: uuid.UUID | None = Field(description="For a unit report: the unit.")
    published_on: date = Field(description="The day it was published.")
    report_version: int = Field(description="1 for the first version; a correction has a higher number.")
    replaces_version: int | None = Field(description="The version this correction replaces; null for the first.")
    links: PublicReportLinks = Field(description="The report as JSON, web page and PDF.")
    content: ReportContentRead = Field(description="What the report says, frozen when it became final.")


# --- the publication tracker (the report duty of dagtilbudsloven §5) ---------------------------------------------


class TrackerLastReport(ReadModel):
    """The latest published report for one required scope."""

    report_id: uuid.UUID = Field(description="The report's id (the current version, a correction if corrected).")
    published_on: date = Field(description="The day this version was published.")
    first_published_on: date = Field(
        description="The day the report's first version was published: the day the next report is counted from. "
        "A correction keeps it, so correcting a report does not move the two-year deadline."
    )
    report_version: int = Field(description="1 for the first version; a correction has a higher number.")
    band_label: str | None = Field(description="Its quality band in Danish; null without a score.")
    concern_label: str | None = Field(description="Its concern level in Danish.")


class TrackerDueFrom(StrEnum):
    """What the next due date is counted from."""

    LAST_REPORT = "last_report"  # the first publication of the last published report for the scope
    CYCLE_START = "cycle_start"  # never published: the provider's cycle start (set by an admin, or its first visit)
    REGISTRATION = "registration"  # never published: the day the provider (or a later unit) was registered


_GROUND = (
    "On which ground the report is due, in the law in force on `next_due`: `law` = the report duty of "
    "dagtilbudsloven §5 (institutions, each unit where there are "
    "several, the dagpleje's combined report, puljeordninger); `policy` = the municipality's policy asks it of a "
    "kind the law leaves out (privat pasningsordning, specialdagtilbud; `policy_report_kinds`); `none` = no duty: "
    "the row is shown with no due date."
)
_STATUS = (
    "Where the due date stands today: `upcoming`; `due_soon` = within the policy's warning window "
    "(`deadlines.due_soon_days`); `overdue` = from the day after `next_due`. Null without a duty."
)


class TrackerRow(ReadModel):
    """One report the law or the policy calls for, with the last one published and when the next is due."""

    provider_id: uuid.UUID = Field(description="The provider.")
    provider_name: str = Field(description="The provider's name.")
    provider_kind: str = Field(description="The kind of provider (a `ProviderKind` slug).")
    provider_kind_label: str = Field(description="The kind of provider in Danish.")
    scope: PublicationScope = Field(description=_SCOPE)
    scope_label: str = Field(description="The scope in Danish.")
    unit_id: uuid.UUID | None = Field(description="For a unit report: the unit.")
    unit_name: str | None = Field(description="For a unit report: the unit's name.")
    ground: ReportGround = Field(description=_GROUND)
    ground_label: str = Field(
        description="The ground in Danish; for the law it cites the report duty as numbered on `next_due` "
        "(from 1 January 2025 the paragraph L 48 (2024-25) renumbered)."
    )
    last_report: TrackerLastReport | None = Field(description="The latest published report; null if none yet.")
    due_from: TrackerDueFrom | None = Field(
        description="What `next_due` counts from: `last_report` (its first publication), or, when no report has "
        "been published yet, the end of the first cycle from `cycle_start` (the provider's cycle start, set by an "
        "admin or its first visit after registration) or `registration` (the provider's, or a unit's when the unit "
        "was registered later). Null without a duty."
    )
    next_due: date | None = Field(
        description="The last day the next report may be published in time; the same day `GET /due` shows. "
        "Null when `ground` is `none`."
    )
    status: DueStatus | None = Field(description=_STATUS)
    overdue: bool = Field(description="True when `next_due` has passed, on either ground.")
    overdue_by_law: bool = Field(
        description="True when `next_due` has passed and the law asks for the report (`ground` = `law`); never "
        "for a kind only the policy asks a report of."
    )
    days_overdue: int = Field(description="Days since `next_due`; 0 when not overdue.")


class PublicationTracker(ReadModel):
    """Every report due of the municipality's active providers, and the kinds without a duty: overdue first."""

    as_of: date = Field(description="The day the list was made for.")
    cycle_months: int = Field(description="The policy's cycle: a report is due this many months after the last.")
    policy_version: int = Field(description="The policy version in force (0 = the shipped default).")
    items: list[TrackerRow] = Field(description="One row per report scope; the whole list, not paginated.")
