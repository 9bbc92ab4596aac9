"""The municipality's trends and the context grouping, shaped for the API (api.schemas.trend)."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import date

from sqlmodel import Session

from api.principal import Principal
from api.schemas import trend as schema
from api.services import trends as service
from domain.context import GROUPS, group_by_context, shown_group
from domain.indicators import visible_to
from domain.policy import SupervisionPolicy
from domain.providers import ProviderKind
from domain.trend_outcomes import EndedWith, PeriodOutcomes
from domain.trends import Distribution, PartKind, PartTrend, Window


def legend(policy: SupervisionPolicy) -> list[schema.BandRead]:
    return [schema.BandRead(key=b.key, label=b.label_da, lower_bound=b.lower_bound) for b in policy.bands_high_to_low()]


def _period(window: Window) -> schema.PeriodRead:
    return schema.PeriodRead(period_from=window.start, period_to=window.end)


def _distribution(d: Distribution) -> schema.DistributionRead:
    return schema.DistributionRead(
        period=_period(d.window),
        providers=d.providers,
        imported=d.imported,
        mean_percent=d.mean_percent,
        bands=[
            schema.BandCountRead(
                band_key=b.band_key,
                band_label=b.label_da,
                providers=b.providers,
                share=round(100 * b.providers / d.providers, 1) if d.providers else None,
            )
            for b in d.bands
        ],
        concerns=[
            schema.ConcernCountRead(concern=c.concern, concern_label=c.concern.label_da, providers=c.providers)
            for c in d.concerns
        ],
    )


def _parts(parts: tuple[PartTrend, ...], kind: PartKind) -> list[schema.PartTrendRead]:
    return [schema.PartTrendRead(**{**asdict(p), "change": p.change}) for p in parts if p.kind is kind]


def _outcomes(o: PeriodOutcomes, window: Window, labels: dict[str, str]) -> schema.OutcomesRead:
    def ended(e: EndedWith) -> schema.EndedWithRead:
        label = labels.get(e.band_key, e.band_key) if e.band_key else None
        return schema.EndedWithRead(band_key=e.band_key, band_label=label, periods=e.periods)

    intensified = {**asdict(o.intensified), "ended_with": [ended(e) for e in o.intensified.ended_with]}
    return schema.OutcomesRead(
        period=_period(window),
        intensified=schema.IntensifiedTrendRead(**intensified),
        action_plans=schema.ActionPlanTrendRead(**asdict(o.action_plans)),
        publication=schema.PublicationTrendRead(**asdict(o.publication), share_in_time=o.publication.share_in_time),
        recommendations=schema.RecommendationTrendRead(
            **asdict(o.recommendations), share_followed_up=o.recommendations.share_followed_up
        ),
    )


def municipality_trend(
    session: Session,
    municipality_id: uuid.UUID,
    today: date,
    *,
    period_from: date | None = None,
    period_to: date | None = None,
    kind: ProviderKind | None = None,
) -> schema.MunicipalityTrendRead:
    """The municipality's trend, as the API shows it: counts and averages only, no provider and no person named."""
    read = service.municipality_trends(session, municipality_id, period_from, period_to, today=today, kind=kind)
    t, labels = read.trends, {b.key: b.label_da for b in read.policy.bands}
    return schema.MunicipalityTrendRead(
        as_of=today,
        provider_kind=kind,
        policy_version=read.policy_version,
        legend=legend(read.policy),
        now=_distribution(t.now),
        before=_distribution(t.before),
        movements=[
            schema.MovementRead(
                from_band=m.from_band,
                from_label=labels.get(m.from_band, m.from_band),
                to_band=m.to_band,
                to_label=labels.get(m.to_band, m.to_band),
                direction=m.direction,
                providers=m.providers,
            )
            for m in t.movements
        ],
        areas=_parts(t.parts, PartKind.AREA),
        themes=_parts(t.parts, PartKind.THEME),
        by_kind=[
            schema.KindTrendRead(
                kind=k.kind, kind_label=k.kind.label_da, now=_distribution(k.now), before=_distribution(k.before)
            )
            for k in t.by_kind
        ],
        outcomes_now=_outcomes(t.outcomes_now, read.now, labels),
        outcomes_before=_outcomes(t.outcomes_before, read.before, labels),
    )


def _group_label(number: int) -> str:
    if number == 0:
        return "uden værdi for indikatoren"
    ends = {1: " (laveste værdier)", GROUPS: " (højeste værdier)"}
    return f"{number}. kvartil{ends.get(number, '')}"


def trend_context(
    session: Session,
    principal: Principal,
    today: date,
    *,
    period_from: date | None = None,
    period_to: date | None = None,
    kind: ProviderKind | None = None,
) -> schema.TrendContextRead:
    """Each provider's latest result in the period, grouped in quartiles of its latest socio-economic profile."""
    now, _ = service.windows(today, period_from, period_to)
    policy, results = service.latest_results(session, principal.municipality_id, now, kind=kind)
    indicator, values = service.context_values(session, principal.municipality_id, now.end)
    grouping = group_by_context(results, values)
    groups = [*grouping.groups, grouping.unplaced] if grouping.without_context else list(grouping.groups)
    out = []
    for group in groups:
        shown = shown_group(group, indicator, policy.bands, principal.role)
        out.append(
            schema.ContextGroupRead(
                number=shown.number,
                label=_group_label(shown.number),
                low=shown.low,
                high=shown.high,
                providers=schema.CountRead(**asdict(shown.providers)),
                mean_percent=shown.mean_percent,
                suppressed=shown.suppressed,
                bands=[
                    schema.ContextBandRead(band_key=k, band_label=label, providers=schema.CountRead(**asdict(c)))
                    for k, label, c in shown.bands
                ],
                concerns=[
                    schema.ContextConcernRead(concern=level, providers=schema.CountRead(**asdict(c)))
                    for level, c in shown.concerns
                ],
                provider_ids=[uuid.UUID(p) for p in shown.provider_ids] if shown.provider_ids is not None else None,
            )
        )
    return schema.TrendContextRead(
        as_of=today,
        period=_period(now),
        provider_kind=kind,
        indicator=schema.ContextIndicatorRead(
            key=indicator.key,
            name=indicator.name,
            small_number_threshold=indicator.small_number_threshold,
            values_shown=visible_to(indicator, principal.role),
        ),
        groups=out,
    )
