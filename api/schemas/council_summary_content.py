"""What the council's summary says: figures for the period against the period before, with their Danish labels.

Everything here is an aggregate of the municipality: institutions may be named (they are public bodies), no person
is, and a dagpleje is counted as one provider (a dagplejer's own result is never in it). The same content renders as
JSON, PDF and HTML; once a version is final it is stored as it was and never recomputed.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from api.schemas.common import ReadModel


class SummaryPeriodRead(ReadModel):
    """A period of days, both ends included."""

    period_from: date = Field(description="The first day.")
    period_to: date = Field(description="The last day.")
    label_da: str = Field(description="The period in Danish, e.g. `1.12.2024–30.11.2026`.")


class CountLine(ReadModel):
    """A labelled count."""

    key: str = Field(description="A stable slug for what is counted.")
    label_da: str = Field(description="What is counted, in Danish.")
    count: int = Field(description="How many.")


class CompareLine(ReadModel):
    """A labelled figure in the period and in the period before (a band's providers, started plans, ...)."""

    key: str = Field(description="A stable slug for what is counted (a band's or concern level's key, ...).")
    label_da: str = Field(description="What is counted, in Danish.")
    now: int = Field(description="In the period.")
    before: int = Field(description="In the period before.")


class MovementLine(ReadModel):
    """How many providers went from one band (the period before) to another (the period)."""

    from_label_da: str = Field(description="The band in the period before, in Danish.")
    to_label_da: str = Field(description="The band in the period, in Danish.")
    direction: str = Field(description="`up`, `same` or `down`.")
    providers: int = Field(description="How many providers moved so.")


class PartLine(ReadModel):
    """An area's or theme's mean percent over the providers' latest results, in each period."""

    kind: str = Field(description="`area` or `theme`.")
    name: str = Field(description="The area's or theme's name.")
    now: float | None = Field(description="The mean percent in the period; null without results.")
    before: float | None = Field(description="The mean percent in the period before; null without results.")
    change: float | None = Field(description="Percentage points from before to now; null unless both exist.")


class KindLine(ReadModel):
    """One provider kind: providers with a result and their mean percent, in each period."""

    label_da: str = Field(description="The provider kind in Danish.")
    providers_now: int = Field(description="Providers of the kind with a result in the period.")
    mean_now: float | None = Field(description="Their mean total percent.")
    providers_before: int = Field(description="Providers of the kind with a result in the period before.")
    mean_before: float | None = Field(description="Their mean total percent.")


class QualitySection(ReadModel):
    """The development of the pedagogical quality: bands and areas in the period against the period before."""

    title_da: str = Field(description="The section's title in Danish.")
    text_da: str = Field(description="The section's figures in one Danish paragraph.")
    providers_now: int = Field(description="Providers with a scored result in the period (the latest counts).")
    providers_before: int = Field(description="Providers with a scored result in the period before.")
    imported_now: int = Field(description="Of those in the period, how many rest on imported history.")
    imported_before: int = Field(description="Of those in the period before, how many rest on imported history.")
    mean_now: float | None = Field(description="The mean total percent in the period.")
    mean_before: float | None = Field(description="The mean total percent in the period before.")
    bands: list[CompareLine] = Field(description="The band distribution, best band first, for both periods.")
    concerns: list[CompareLine] = Field(description="The concern levels of the same results, for both periods.")
    movements: list[MovementLine] = Field(description="Movement between bands of providers with a result in both.")
    areas: list[PartLine] = Field(description="The instrument's areas, now against before.")
    themes: list[PartLine] = Field(description="The instrument's themes, now against before.")
    kinds: list[KindLine] = Field(description="Per provider kind, providers with a result and their mean percent.")


class ConcernSection(ReadModel):
    """Intensified supervision (skærpet tilsyn) in the period against the period before, and how it ended."""

    title_da: str = Field(description="The section's title in Danish.")
    text_da: str = Field(description="The section's figures in one Danish paragraph.")
    under_intensified: int = Field(description="Providers under intensified supervision at some time in the period.")
    lines: list[CompareLine] = Field(
        description="Providers and periods under intensified supervision; started, ended, still open, with a plan."
    )
    median_days: float | None = Field(description="The median days under intensified supervision of those ended.")
    ended_with: list[CountLine] = Field(description="The band of the result each ended period rests on.")


class ActionPlanSection(ReadModel):
    """Action plans (handleplaner) made in the period and their outcome, against the period before."""

    title_da: str = Field(description="The section's title in Danish.")
    text_da: str = Field(description="The section's figures in one Danish paragraph.")
    plans: int = Field(description="Action plans made in the period.")
    lines: list[CompareLine] = Field(description="Approved in time or late, completed in time or late, still open.")


class MinimumLine(ReadModel):
    """One legal minimum across the municipality's active providers."""

    label_da: str = Field(description="The minimum in Danish.")
    legal_reference: str = Field(description="The paragraphs it rests on, in the law in force on the day of the check.")
    met: int = Field(description="Providers that meet it.")
    not_met: int = Field(description="Providers that do not meet it.")
    pending: int = Field(description="Providers where it is not done yet but still in time.")
    other: int = Field(description="Providers where it does not apply or an exemption lifted it.")


class ComplianceSection(ReadModel):
    """Compliance with the legal minimums, each active provider in its current cycle, as of the period's end."""

    title_da: str = Field(description="The section's title in Danish.")
    text_da: str = Field(description="The section's figures in one Danish paragraph.")
    as_of: date = Field(description="The day of the check.")
    providers: int = Field(description="Active providers checked.")
    compliant_providers: int = Field(description="Of those, how many meet every minimum that is due.")
    minimums: list[MinimumLine] = Field(description="One line per minimum, in the law's order.")


class PublicationSection(ReadModel):
    """Reports published in time and recommendations followed up, in the period."""

    title_da: str = Field(description="The section's title in Danish.")
    text_da: str = Field(description="The section's figures in one Danish paragraph.")
    share_in_time: float | None = Field(description="Percent of the reports judged that were published in time.")
    share_followed_up: float | None = Field(description="Percent of the recommendations given that are done.")
    lines: list[CompareLine] = Field(description="The counts behind the text, for both periods.")


class DataSection(ReadModel):
    """The data the summary rests on."""

    title_da: str = Field(description="The section's title in Danish.")
    text_da: str = Field(description="What the summary rests on, in one Danish paragraph.")
    sources: list[str] = Field(description="The sources of the figures, in Danish.")
    assessments: int = Field(description="Assessments (visits and imported history) in the two periods.")
    imported_assessments: int = Field(description="Of those, imported history (KIDS).")


class CouncilSummaryContent(ReadModel):
    """What a summary version says. Frozen as it was when the version became final."""

    municipality_name: str = Field(description="The municipality.")
    computed_on: date = Field(description="The day the figures were computed (the day of finalising, once final).")
    period: SummaryPeriodRead = Field(description="The period the summary covers.")
    previous: SummaryPeriodRead = Field(description="The equally long period before, which it compares with.")
    legal_basis: str = Field(description="The duty the summary serves, cited from the law in force on its last day.")
    quality: QualitySection = Field(description="The development of the pedagogical quality.")
    concern: ConcernSection = Field(description="Concern and intensified supervision.")
    action_plans: ActionPlanSection = Field(description="Action plans and their outcome.")
    compliance: ComplianceSection = Field(description="Compliance with the legal minimums.")
    publication: PublicationSection = Field(description="Publication in time and recommendations followed up.")
    data: DataSection = Field(description="The data used.")
