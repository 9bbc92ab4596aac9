"""Trends across supervisions and context beside the score: the municipality's, one provider's, and the results
grouped by the socio-economic profile. Counts and averages only: no person is named anywhere here."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from api.schemas.common import ReadModel
from domain.escalation import EscalationState
from domain.policy import ConcernLevel
from domain.providers import ProviderKind, UnitKind
from domain.trends import AssessmentSource, MovementDirection

_CONCERN = "The concern level: " + "; ".join(f"`{c.value}` = {c.label_da}" for c in ConcernLevel) + "."
_SOURCE = "Where it comes from: `visit` (a supervision visit) or `imported` (the KIDS history a municipality imported)."
_DIRECTION = "`up` to a higher band, `down` to a lower one, `same` band."


class PeriodRead(ReadModel):
    """A period of days, both ends included."""

    period_from: date = Field(description="The first day.")
    period_to: date = Field(description="The last day.")


class BandRead(ReadModel):
    """A band of the policy in force (high to low): the legend of every chart."""

    key: str = Field(description="The band's stable key, e.g. `good`.")
    label: str = Field(description="The band in Danish, e.g. `god`.")
    lower_bound: float = Field(description="The lowest percent in the band.")


class BandCountRead(ReadModel):
    """How many providers a period counts in one band."""

    band_key: str = Field(description="The band's key.")
    band_label: str = Field(description="The band in Danish.")
    providers: int = Field(description="How many providers' latest result in the period is in the band.")
    share: float | None = Field(description="Their share of the providers counted, in percent (one decimal).")


class ConcernCountRead(ReadModel):
    """How many providers a period counts at one concern level."""

    concern: ConcernLevel = Field(description=_CONCERN)
    concern_label: str = Field(description="The concern level in Danish.")
    providers: int = Field(description="How many providers' latest result in the period is at this level.")


class DistributionRead(ReadModel):
    """One period's results: each provider counted once, by its latest scored assessment as a whole in the period."""

    period: PeriodRead = Field(description="The period.")
    providers: int = Field(description="How many providers have a scored result in the period.")
    imported: int = Field(description="How many of those results are imported KIDS history.")
    mean_percent: float | None = Field(description="The mean of the providers' percent; null without results.")
    bands: list[BandCountRead] = Field(description="One count per band, high to low.")
    concerns: list[ConcernCountRead] = Field(description="One count per concern level, none to serious.")


class MovementRead(ReadModel):
    """How many providers went from one band in the period before to another now."""

    from_band: str = Field(description="The band in the period before (its key).")
    from_label: str = Field(description="That band in Danish.")
    to_band: str = Field(description="The band now (its key).")
    to_label: str = Field(description="That band in Danish.")
    direction: MovementDirection = Field(description=_DIRECTION)
    providers: int = Field(description="How many providers moved so.")


class PartTrendRead(ReadModel):
    """One area or theme of the instrument: the providers' average percent now and in the period before."""

    key: str = Field(description="The area's or theme's key in the instrument.")
    name: str = Field(description="Its name in Danish (the key where only imported history names it).")
    now: float | None = Field(description="The average percent now; null when no provider has it.")
    now_providers: int = Field(description="How many providers the average now is over.")
    before: float | None = Field(description="The average percent in the period before.")
    before_providers: int = Field(description="How many providers the average before is over.")
    change: float | None = Field(description="Now minus before, in percentage points; null unless both are known.")


class KindTrendRead(ReadModel):
    """One provider kind's distribution now and before."""

    kind: ProviderKind = Field(description="The provider kind.")
    kind_label: str = Field(description="The kind in Danish.")
    now: DistributionRead = Field(description="The period asked for.")
    before: DistributionRead = Field(description="The period before.")


class EndedWithRead(ReadModel):
    """How many periods of intensified supervision ended on a provider result in one band."""

    band_key: str | None = Field(description="The band of the provider's latest assessment by the end; null: none.")
    band_label: str | None = Field(description="That band in Danish.")
    periods: int = Field(description="How many ended so.")


class IntensifiedTrendRead(ReadModel):
    """Intensified supervision (skærpet tilsyn) that ran in the period, and how long the ended ones lasted."""

    running: int = Field(description="Periods of intensified supervision that ran at some time in the period.")
    started: int = Field(description="Of those, how many started in the period.")
    ended: int = Field(description="How many ended in the period (by the administration's decision).")
    ongoing_at_end: int = Field(description="How many still ran at the period's end (or today).")
    with_action_plan: int = Field(description="How many of those running were intensified with an action plan.")
    median_days: float | None = Field(description="The median length in days of those that ended in the period.")
    mean_days: float | None = Field(description="Their mean length in days.")
    longest_days: int | None = Field(description="The longest of them, in days.")
    ongoing_days_median: float | None = Field(description="The median days so far of those still running.")
    ended_with: list[EndedWithRead] = Field(description="How they ended: the band the ending rested on.")


class ActionPlanTrendRead(ReadModel):
    """The action plans (handleplaner) made in the period and their outcome."""

    plans: int = Field(description="Plans made in the period.")
    approved_in_time: int = Field(description="Approved by the policy's deadline after the serious concern.")
    approved_late: int = Field(description="Approved after that deadline.")
    not_approved: int = Field(description="Not approved yet.")
    completed_in_time: int = Field(description="Completed by the last deadline of the plan's own goals.")
    completed_late: int = Field(description="Completed after it.")
    open: int = Field(description="Not completed yet.")
    open_overdue: int = Field(description="Not completed although the last goal's deadline has passed.")


class PublicationTrendRead(ReadModel):
    """The visits held in the period whose report has a deadline, and whether it was published in time."""

    visits: int = Field(
        description="Visits held in the period (the dagpleje's visits to single dagplejere feed "
        "its combined report and have no deadline of their own)."
    )
    in_time: int = Field(description="Report first published by the policy's deadline after the visit.")
    late: int = Field(description="Published after it.")
    missing: int = Field(description="Not published, and the deadline has passed.")
    pending: int = Field(description="Not published, still in time.")
    deadline_days: int = Field(description="The policy's days from the visit to publication.")
    share_in_time: float | None = Field(description="In time, in percent of those judged (pending ones are not).")


class RecommendationTrendRead(ReadModel):
    """The recommendations given at visits in the period, and how they were followed up."""

    given: int = Field(description="Recommendations given.")
    done: int = Field(description="Followed up: done.")
    in_progress: int = Field(description="In progress.")
    open: int = Field(description="Not begun.")
    dropped: int = Field(description="Dropped.")
    overdue: int = Field(description="Still to do after their due day.")
    share_followed_up: float | None = Field(description="Done, in percent of those given.")


class OutcomesRead(ReadModel):
    """What came of the supervision in one period."""

    period: PeriodRead = Field(description="The period.")
    intensified: IntensifiedTrendRead = Field(description="Intensified supervision and how it ended.")
    action_plans: ActionPlanTrendRead = Field(description="Action plans and their outcome.")
    publication: PublicationTrendRead = Field(description="Reports published in time.")
    recommendations: RecommendationTrendRead = Field(description="Recommendations followed up.")


class MunicipalityTrendRead(ReadModel):
    """The municipality's trend: the period asked for (by default the last two years) against the one before. All a
    chart needs is here: the legend, both distributions, the movement, every area and theme, each provider kind."""

    as_of: date = Field(description="The day the figures are computed on; later acts are not yet facts.")
    provider_kind: ProviderKind | None = Field(description="The provider kind asked for; null for all providers.")
    policy_version: int = Field(description="The policy version whose bands and deadlines apply (0 = default).")
    legend: list[BandRead] = Field(description="The bands, high to low.")
    now: DistributionRead = Field(description="The period asked for.")
    before: DistributionRead = Field(description="The equally long period before.")
    movements: list[MovementRead] = Field(description="Providers with a result in both periods: from band to band.")
    areas: list[PartTrendRead] = Field(description="Each area's average, now and before.")
    themes: list[PartTrendRead] = Field(description="Each theme's average, now and before.")
    by_kind: list[KindTrendRead] = Field(description="The distribution per provider kind.")
    outcomes_now: OutcomesRead = Field(description="What came of the supervision in the period asked for.")
    outcomes_before: OutcomesRead = Field(description="The same in the period before.")


# --- one provider ------------------------------------------------------------------------------------------------


class TrendPointRead(ReadModel):
    """One assessment of a scope. A dagplejer's own result is null beyond admin and supervisors."""

    assessed_on: date = Field(description="The day of the assessment.")
    source: AssessmentSource = Field(description=_SOURCE)
    cycle_start: date | None = Field(description="The first day of the provider's cycle it falls in, if known.")
    percent: float | None = Field(description="The total percent; null unscored or not shown to your role.")
    band_key: str | None = Field(description="The band's key; null unscored or not shown to your role.")
    band_label: str | None = Field(description="The band in Danish.")
    concern: ConcernLevel | None = Field(description=_CONCERN + " Null when not shown to your role.")


class PartPointRead(ReadModel):
    """An area's or theme's percent on one day."""

    assessed_on: date = Field(description="The day of the assessment.")
    percent: float = Field(description="The percent.")


class PartSeriesRead(ReadModel):
    """One area or theme of a scope over time, oldest first."""

    key: str = Field(description="The area's or theme's key.")
    name: str = Field(description="Its name in Danish (the key where only imported history names it).")
    points: list[PartPointRead] = Field(description="Its percent at each assessment, oldest first.")


class ScopeTrendRead(ReadModel):
    """The provider as a whole, or one of its units, over time."""

    unit_id: uuid.UUID | None = Field(description="The unit; null for the provider as a whole.")
    unit_kind: UnitKind | None = Field(description="`department` or `childminder` (a dagplejer); null for the whole.")
    unit_name: str | None = Field(description="The department's name; never a dagplejer's (a person).")
    result_shown: bool = Field(description="False for a dagplejer's own result beyond admin and supervisors.")
    points: list[TrendPointRead] = Field(description="Its assessments, oldest first.")
    areas: list[PartSeriesRead] = Field(description="Each area over time (empty when the result is not shown).")
    themes: list[PartSeriesRead] = Field(description="Each theme over time (empty when the result is not shown).")


class ProviderTrendRead(ReadModel):
    """One provider's assessments across visits and cycles, imported KIDS history included, units apart."""

    provider_id: uuid.UUID = Field(description="The provider.")
    provider_kind: ProviderKind = Field(description="The provider's kind.")
    as_of: date = Field(description="The day of the read.")
    legend: list[BandRead] = Field(description="The bands of the policy in force, high to low.")
    intensified_now: EscalationState = Field(description="Where the provider stands on the escalation ladder today.")
    scopes: list[ScopeTrendRead] = Field(description="The provider as a whole first, then each unit.")


# --- context beside the score --------------------------------------------------------------------------------------


class CountRead(ReadModel):
    """A count as your role may see it: beyond admin and supervisors, `<5` (the threshold) in a small group."""

    value: int | None = Field(description="The count; null when the small-number rule hides it.")
    display: str = Field(description="The count as text, or `<5`.")


class ContextBandRead(ReadModel):
    """A group's providers in one band."""

    band_key: str = Field(description="The band's key.")
    band_label: str = Field(description="The band in Danish.")
    providers: CountRead = Field(description="How many.")


class ContextConcernRead(ReadModel):
    """A group's providers at one concern level."""

    concern: ConcernLevel = Field(description=_CONCERN)
    providers: CountRead = Field(description="How many.")


class ContextGroupRead(ReadModel):
    """One quartile of providers by the context indicator (1 = lowest values), or 0: providers without a value."""

    number: int = Field(description="1-4 for the quartiles, lowest values first; 0 for providers without a value.")
    label: str = Field(description="The group in Danish.")
    low: float | None = Field(description="The lowest value in the group; only to roles that see the indicator.")
    high: float | None = Field(description="The highest value in the group; likewise.")
    providers: CountRead = Field(description="How many providers.")
    mean_percent: float | None = Field(description="Their mean percent; null when hidden by the small-number rule.")
    suppressed: bool = Field(description="True when the small-number rule hides the group's figures.")
    bands: list[ContextBandRead] = Field(description="Its providers per band, high to low.")
    concerns: list[ContextConcernRead] = Field(description="Its providers per concern level.")
    provider_ids: list[uuid.UUID] | None = Field(description="Which providers: only for admin and supervisors.")


class ContextIndicatorRead(ReadModel):
    """The indicator the results are grouped by."""

    key: str = Field(description="Its key in the catalogue, `socio_economic_profile`.")
    name: str = Field(description="Its name in Danish.")
    small_number_threshold: int = Field(description="Groups of fewer providers show `<5` beyond admin/supervisors.")
    values_shown: bool = Field(description="Whether your role sees the indicator's values (the groups' ranges).")


class TrendContextRead(ReadModel):
    """Context beside the score: each provider's latest result in the period, grouped in quartiles of the latest
    value of the socio-economic profile. Context never changes a band or a concern: the bar is the same for every
    child."""

    as_of: date = Field(description="The day of the read.")
    period: PeriodRead = Field(description="The period whose results are grouped (by default the last two years).")
    provider_kind: ProviderKind | None = Field(description="The provider kind asked for; null for all.")
    indicator: ContextIndicatorRead = Field(description="The context indicator.")
    groups: list[ContextGroupRead] = Field(description="The quartiles, lowest values first, then group 0.")
