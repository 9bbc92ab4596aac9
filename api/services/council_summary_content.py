"""What the council's summary says, computed from the figures the rest of the service already computes.

The trends (bands now against the period before, movement, areas and themes, intensified supervision, action plans,
publication in time, recommendations) come from `api.services.trends`; compliance with the legal minimums from
`api.services.compliance` (as of the period's last day). Nothing is counted a second way here: this module only
picks the figures, labels them in Danish and writes each section's paragraph. Every read is set-based in those
services; nothing here queries per provider, so a draft computes (and a PDF renders) in the same bounded time for a
municipality of 30 providers or 300.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date

from sqlmodel import Session

from api.reports import day_short, percent_text
from api.schemas.compliance import MunicipalityCompliance
from api.schemas.council_summary_content import (
    ActionPlanSection,
    CompareLine,
    ComplianceSection,
    ConcernSection,
    CouncilSummaryContent,
    CountLine,
    DataSection,
    KindLine,
    MinimumLine,
    MovementLine,
    PartLine,
    PublicationSection,
    QualitySection,
    SummaryPeriodRead,
)
from api.services import trends as trends_service
from api.services.compliance import municipality_compliance
from api.tables import Municipality
from domain.council_summary import SummarySection, kind_mean_shown
from domain.law import Duty, cite
from domain.trend_outcomes import MunicipalityTrends, PeriodOutcomes
from domain.trends import Distribution, MovementDirection, PartKind, Window


def build_content(
    session: Session, municipality_id: uuid.UUID, period_from: date, period_to: date, today: date
) -> CouncilSummaryContent:
    """The summary of `period_from`..`period_to`, against the equally long period before, as of `today`."""
    municipality = session.get(Municipality, municipality_id)
    computed = trends_service.municipality_trends(session, municipality_id, period_from, period_to, today=today)
    trends = computed.trends
    compliance = municipality_compliance(session, municipality_id, min(period_to, today))
    return CouncilSummaryContent(
        municipality_name=municipality.name if municipality else "",
        computed_on=today,
        period=_period(computed.now),
        previous=_period(computed.before),
        legal_basis=cite(period_to, Duty.POLITICAL_DISCUSSION),
        quality=_quality(trends),
        concern=_concern(trends.outcomes_now, trends.outcomes_before, _band_labels(trends.now, trends.before)),
        action_plans=_action_plans(trends.outcomes_now, trends.outcomes_before),
        compliance=_compliance(compliance),
        publication=_publication(trends.outcomes_now, trends.outcomes_before),
        data=_data(trends, compliance),
    )


def _period(window: Window) -> SummaryPeriodRead:
    return SummaryPeriodRead(
        period_from=window.start, period_to=window.end, label_da=f"{day_short(window.start)}–{day_short(window.end)}"
    )


def _pct(value: float | None) -> str:
    return percent_text(value) if value is not None else "–"


def _compare(rows: Iterable[tuple[str, str, int, int]]) -> list[CompareLine]:
    return [CompareLine(key=k, label_da=label, now=n, before=b) for k, label, n, b in rows]


# --- the development of the pedagogical quality ------------------------------------------------------------------


def _band_labels(*distributions: Distribution) -> dict[str, str]:
    return {b.band_key: b.label_da for d in distributions for b in d.bands}


def _quality(t: MunicipalityTrends) -> QualitySection:
    now, before = t.now, t.before
    labels = _band_labels(now, before)
    before_counts = {b.band_key: b.providers for b in before.bands}
    bands = _compare((b.band_key, b.label_da, b.providers, before_counts.get(b.band_key, 0)) for b in now.bands)
    seen = {b.band_key for b in now.bands}
    bands += _compare((b.band_key, b.label_da, 0, b.providers) for b in before.bands if b.band_key not in seen)
    before_concern = {c.concern: c.providers for c in before.concerns}
    concerns = _compare(
        (c.concern.value, c.concern.label_da, c.providers, before_concern.get(c.concern, 0)) for c in now.concerns
    )
    moved = {d: sum(m.providers for m in t.movements if m.direction is d) for d in MovementDirection}
    parts = [PartLine(kind=p.kind.value, name=p.name, now=p.now, before=p.before, change=p.change) for p in t.parts]
    kinds = [
        KindLine(
            label_da=k.kind.label_da,
            providers_now=k.now.providers,
            mean_now=k.now.mean_percent if kind_mean_shown(k.kind, k.now.providers) else None,
            providers_before=k.before.providers,
            mean_before=k.before.mean_percent if kind_mean_shown(k.kind, k.before.providers) else None,
        )
        for k in t.by_kind
    ]
    text = (
        f"{now.providers} dagtilbud har en samlet vurdering i perioden"
        + (f" ({now.imported} af dem fra importeret historik)" if now.imported else "")
        + f", mod {before.providers} i perioden før"
        + (f" ({before.imported} fra importeret historik)" if before.imported else "")
        + f". Det gennemsnitlige resultat er {_pct(now.mean_percent)} mod {_pct(before.mean_percent)}. "
        f"Af de dagtilbud, der er vurderet i begge perioder, er {moved[MovementDirection.UP]} gået et eller flere "
        f"niveauer op, {moved[MovementDirection.SAME]} er på samme niveau, "
        f"og {moved[MovementDirection.DOWN]} er gået ned. "
        "Hvert dagtilbud tæller én gang pr. periode, med sin seneste samlede vurdering; en dagpleje tæller som ét "
        "dagtilbud."
    )
    return QualitySection(
        title_da=SummarySection.QUALITY.title_da,
        text_da=text,
        providers_now=now.providers,
        providers_before=before.providers,
        imported_now=now.imported,
        imported_before=before.imported,
        mean_now=now.mean_percent,
        mean_before=before.mean_percent,
        bands=bands,
        concerns=concerns,
        movements=[
            MovementLine(
                from_label_da=labels.get(m.from_band, m.from_band or "–"),
                to_label_da=labels.get(m.to_band, m.to_band or "–"),
                direction=m.direction.value,
                providers=m.providers,
            )
            for m in t.movements
        ],
        areas=[p for p in parts if p.kind == PartKind.AREA],
        themes=[p for p in parts if p.kind == PartKind.THEME],
        kinds=kinds,
    )


# --- concern, intensified supervision and action plans -----------------------------------------------------------


def _concern(now: PeriodOutcomes, before: PeriodOutcomes, bands: dict[str, str]) -> ConcernSection:
    n, b = now.intensified, before.intensified
    median = f"{n.median_days:g}".replace(".", ",") if n.median_days is not None else None
    text = (
        f"{n.providers} dagtilbud har været under skærpet tilsyn i perioden, mod {b.providers} i perioden før, i "
        f"alt {n.running} forløb. {n.started} forløb er startet og {n.ended} afsluttet i perioden; "
        f"{n.ongoing_at_end} er stadig i gang ved periodens slutning. {n.with_action_plan} af forløbene har haft "
        "en handleplan (alvorlig bekymring)."
        + (f" Et afsluttet forløb varede i mediantal {median} dage." if median else "")
    )
    ended_with = [
        CountLine(
            key=e.band_key or "unscored",
            label_da=bands.get(e.band_key, e.band_key) if e.band_key else "uden ny samlet vurdering",
            count=e.periods,
        )
        for e in n.ended_with
    ]
    return ConcernSection(
        title_da=SummarySection.CONCERN.title_da,
        text_da=text,
        under_intensified=n.providers,
        lines=_compare(
            [
                ("providers", "Dagtilbud under skærpet tilsyn", n.providers, b.providers),
                ("running", "Forløb med skærpet tilsyn i perioden", n.running, b.running),
                ("started", "Startet i perioden", n.started, b.started),
                ("ended", "Afsluttet i perioden", n.ended, b.ended),
                ("ongoing", "Stadig i gang ved periodens slutning", n.ongoing_at_end, b.ongoing_at_end),
                ("with_action_plan", "Med handleplan", n.with_action_plan, b.with_action_plan),
            ]
        ),
        median_days=n.median_days,
        ended_with=ended_with,
    )


def _action_plans(now: PeriodOutcomes, before: PeriodOutcomes) -> ActionPlanSection:
    n, b = now.action_plans, before.action_plans
    text = (
        f"{n.plans} handleplaner er udarbejdet i perioden, mod {b.plans} i perioden før. "
        f"{n.approved_in_time} er godkendt inden for fristen, {n.approved_late} efter fristen, og {n.not_approved} er "
        f"endnu ikke godkendt. {n.completed_in_time + n.completed_late} er gennemført ({n.completed_late} efter "
        f"fristen for deres mål); {n.open} er stadig åbne, heraf {n.open_overdue} med overskredne frister."
    )
    return ActionPlanSection(
        title_da=SummarySection.ACTION_PLANS.title_da,
        text_da=text,
        plans=n.plans,
        lines=_compare(
            [
                ("plans", "Handleplaner udarbejdet", n.plans, b.plans),
                ("approved_in_time", "Godkendt inden for fristen", n.approved_in_time, b.approved_in_time),
                ("approved_late", "Godkendt efter fristen", n.approved_late, b.approved_late),
                ("not_approved", "Endnu ikke godkendt", n.not_approved, b.not_approved),
                ("completed_in_time", "Gennemført til tiden", n.completed_in_time, b.completed_in_time),
                ("completed_late", "Gennemført efter fristen", n.completed_late, b.completed_late),
                ("open", "Stadig åbne", n.open, b.open),
                ("open_overdue", "Åbne med overskredne frister", n.open_overdue, b.open_overdue),
            ]
        ),
    )


# --- the legal minimums, publication and the data ----------------------------------------------------------------


def _compliance(c: MunicipalityCompliance) -> ComplianceSection:
    lines = [
        MinimumLine(
            label_da=m.label_da,
            legal_reference=m.legal_reference,
            met=m.counts.met,
            not_met=m.counts.not_met,
            pending=m.counts.pending,
            other=m.counts.not_applicable + m.counts.not_required_by_law,
        )
        for m in c.minimums
    ]
    short = sum(1 for m in lines if m.not_met)
    text = (
        f"Den {day_short(c.as_of)} opfylder {c.compliant_providers} af {c.providers} aktive dagtilbud alle lovens "
        f"minimumskrav til tilsynet i deres nuværende tilsynsperiode. {short} af de {len(lines)} minimumskrav er ikke "
        "opfyldt hos mindst ét dagtilbud. Hvert krav vurderes efter den lov, der gjaldt på dagen for handlingen."
    )
    return ComplianceSection(
        title_da=SummarySection.COMPLIANCE.title_da,
        text_da=text,
        as_of=c.as_of,
        providers=c.providers,
        compliant_providers=c.compliant_providers,
        minimums=lines,
    )


def _publication(now: PeriodOutcomes, before: PeriodOutcomes) -> PublicationSection:
    p, pb = now.publication, before.publication
    r, rb = now.recommendations, before.recommendations
    text = (
        f"Af tilsynsrapporterne fra perioden med en frist for offentliggørelse ({p.deadline_days} dage efter besøget) "
        f"er {p.in_time} offentliggjort til tiden, {p.late} for sent, og {p.missing} mangler; {p.pending} er endnu "
        f"inden for fristen. Andelen til tiden er {_pct(p.share_in_time)} mod {_pct(pb.share_in_time)} i perioden "
        f"før. Af {r.given} anbefalinger givet i perioden er {r.done} fulgt op ({_pct(r.share_followed_up)}), "
        f"{r.in_progress + r.open} er endnu ikke gennemført, heraf {r.overdue} efter fristen."
    )
    return PublicationSection(
        title_da=SummarySection.PUBLICATION.title_da,
        text_da=text,
        share_in_time=p.share_in_time,
        share_followed_up=r.share_followed_up,
        lines=_compare(
            [
                ("reports_in_time", "Rapporter offentliggjort til tiden", p.in_time, pb.in_time),
                ("reports_late", "Rapporter offentliggjort for sent", p.late, pb.late),
                ("reports_missing", "Rapporter ikke offentliggjort efter fristen", p.missing, pb.missing),
                ("reports_pending", "Rapporter endnu inden for fristen", p.pending, pb.pending),
                ("recommendations_given", "Anbefalinger givet", r.given, rb.given),
                ("recommendations_done", "Anbefalinger fulgt op", r.done, rb.done),
                ("recommendations_overdue", "Anbefalinger over fristen", r.overdue, rb.overdue),
            ]
        ),
    )


def _data(t: MunicipalityTrends, c: MunicipalityCompliance) -> DataSection:
    assessments = t.now.providers + t.before.providers
    imported = t.now.imported + t.before.imported
    sources = [
        "Tilsynsbesøgenes samlede vurderinger (udviklings- og kontrolperspektiv) efter kommunens tilsynskoncept",
        "Importeret historik fra tidligere systematiske observationer (KIDS)" if imported else None,
        "Forløb med skærpet tilsyn og handleplaner registreret i tilsynet",
        "Tilsynsrapporternes offentliggørelse og anbefalingernes status",
        f"Kontrol af lovens minimumskrav for {c.providers} aktive dagtilbud",
    ]
    text = (
        f"Sammenfatningen bygger på {assessments} samlede vurderinger af dagtilbud i de to perioder (den seneste pr. "
        f"dagtilbud og periode), heraf {imported} fra importeret historik. Der indgår ingen oplysninger om børn, og "
        "ingen person nævnes; en dagplejers eget resultat indgår kun i dagplejens samlede resultat."
    )
    return DataSection(
        title_da=SummarySection.DATA.title_da,
        text_da=text,
        sources=[s for s in sources if s],
        assessments=assessments,
        imported_assessments=imported,
    )
