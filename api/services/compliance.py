"""Compliance with the legal minimums over the API: per provider and cycle, for the municipality, and as CSV.

The facts come from `api.services.cycle_facts.compliance_cycles` (every row loaded once for all providers), the verdicts
from `domain.compliance.check_minimums`, under the policy in force today and the law in force on each act's day.
Exemption periods (velfærdsaftaler) are rows of the municipality, read here and handed to the domain as data.
"""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

from sqlmodel import Session, select

from api.principal import Principal
from api.schemas import compliance as schema
from api.services.common import in_request_body
from api.services.cycle_facts import compliance_cycles
from api.services.cycles import PROVIDER_COLUMNS, ProviderRow
from api.services.policy import policy_in_force
from api.services.publication import csv_cell
from api.tables import Exemption, Provider
from domain import compliance as rules
from domain.compliance import Minimum, MinimumStatus, MinimumVerdict, ProviderCycle
from domain.errors import DomainError, invalid, not_found
from domain.law import VERSIONS, law_in_force
from domain.states import RegisterStatus

# --- reading exemptions as the domain sees them ---------------------------------------------------------------


def _domain_exemption(row: Exemption) -> rules.Exemption:
    return rules.Exemption(
        str(row.id), row.legal_basis, row.first_day, row.last_day, frozenset(Minimum(m) for m in row.minimums)
    )


def _exemptions(session: Session, municipality_id: uuid.UUID) -> tuple[rules.Exemption, ...]:
    rows = session.exec(select(Exemption).where(Exemption.municipality_id == municipality_id))
    return tuple(_domain_exemption(r) for r in rows)


def _laws(keys: set[str]) -> list[schema.LawVersionRead]:
    return [schema.LawVersionRead.model_validate(v) for v in VERSIONS if v.key in keys]


def _verdict(v: MinimumVerdict) -> schema.MinimumVerdictRead:
    return schema.MinimumVerdictRead(
        minimum=v.minimum,
        label_da=v.label_da,
        status=v.status,
        reason=v.reason,
        evidence=[schema.EvidenceRead.model_validate(e) for e in v.evidence],
        legal_reference=v.legal_reference,
        law_versions=list(v.law_versions),
        policy_status=v.policy_status,
        exemption_ids=[uuid.UUID(i) for i in v.exemption_ids],
    )


# --- one provider ---------------------------------------------------------------------------------------------


def provider_compliance(
    session: Session, provider: Provider, today: date, cycle_start: date | None
) -> schema.ProviderCompliance:
    """The provider's minimums in the cycle that starts on `cycle_start`, or in its current cycle."""
    row, policy = policy_in_force(session, provider.municipality_id, today)
    facts = compliance_cycles(session, [provider], policy, today, cycle_start)[provider.id]
    verdicts = rules.check_minimums(facts, policy, _exemptions(session, provider.municipality_id))
    return schema.ProviderCompliance(
        provider_id=provider.id,
        provider_name=provider.name,
        cycle_start=facts.cycle_start,
        cycle_end=facts.cycle_end,
        as_of=today,
        policy_version=row.number if row else 0,
        compliant=rules.is_compliant(verdicts),
        law_versions=_laws({key for v in verdicts for key in v.law_versions}),
        minimums=[_verdict(v) for v in verdicts],
    )


# --- the municipality -----------------------------------------------------------------------------------------


Checked = list[tuple[ProviderRow, ProviderCycle, tuple[MinimumVerdict, ...]]]


def _checked(session: Session, municipality_id: uuid.UUID, today: date) -> tuple[int, Checked]:
    """Every active provider's verdicts in its current cycle, by name: a bounded number of queries in all."""
    row, policy = policy_in_force(session, municipality_id, today)
    active = (Provider.municipality_id == municipality_id, Provider.status == RegisterStatus.ACTIVE)
    providers = session.exec(select(*PROVIDER_COLUMNS).where(*active).order_by(Provider.name, Provider.id)).all()
    facts = compliance_cycles(session, providers, policy, today)
    exemptions = _exemptions(session, municipality_id)
    checked = [(p, facts[p.id], rules.check_minimums(facts[p.id], policy, exemptions)) for p in providers]
    return (row.number if row else 0), checked


def municipality_compliance(session: Session, municipality_id: uuid.UUID, today: date) -> schema.MunicipalityCompliance:
    """Per minimum: how many providers have each status, and which fall short."""
    policy_version, checked = _checked(session, municipality_id, today)
    law_today = law_in_force(today)
    summaries = []
    for minimum in law_today.minimums:
        counts = dict.fromkeys(MinimumStatus, 0)
        short = []
        for provider, facts, verdicts in checked:
            verdict = next(v for v in verdicts if v.minimum == minimum)
            counts[verdict.status] += 1
            if verdict.status is MinimumStatus.NOT_MET:
                short.append(
                    schema.Shortfall(
                        provider_id=provider.id,
                        provider_name=provider.name,
                        cycle_start=facts.cycle_start,
                        reason=verdict.reason,
                    )
                )
        summaries.append(
            schema.MinimumSummary(
                minimum=minimum,
                label_da=law_today.minimums[minimum].label_da,
                legal_reference=law_today.cite_minimum(minimum),
                counts=schema.StatusCounts(**{s.value: n for s, n in counts.items()}),
                not_met=short,
            )
        )
    keys = {key for _, _, verdicts in checked for v in verdicts for key in v.law_versions} | {law_today.key}
    return schema.MunicipalityCompliance(
        as_of=today,
        policy_version=policy_version,
        providers=len(checked),
        compliant_providers=sum(rules.is_compliant(v) for _, _, v in checked),
        law_versions=_laws(keys),
        minimums=summaries,
    )


def compliant_providers(session: Session, municipality_id: uuid.UUID, today: date) -> dict[uuid.UUID, bool]:
    """Whether each active provider meets every minimum in its current cycle: the municipality's figures, per
    provider (what the network benchmarks count)."""
    _, checked = _checked(session, municipality_id, today)
    return {provider.id: rules.is_compliant(verdicts) for provider, _, verdicts in checked}


CSV_COLUMNS = (
    "Dagtilbud",
    "Tilsynsperiode fra",
    "Tilsynsperiode til",
    "Minimumskrav",
    "Status",
    "Begrundelse",
    "Lovgrundlag",
    "Lovversioner",
    "Efter kommunens tilsynspolitik",
)


def as_csv(session: Session, municipality_id: uuid.UUID, today: date) -> str:
    """One line per provider and minimum, for a spreadsheet: semicolons and a byte-order mark, as the tracker's."""
    _, checked = _checked(session, municipality_id, today)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for provider, facts, verdicts in checked:
        for v in verdicts:
            writer.writerow(
                (
                    csv_cell(provider.name),
                    facts.cycle_start.isoformat(),
                    facts.cycle_end.isoformat(),
                    v.label_da,
                    v.status.label_da,
                    csv_cell(v.reason),
                    v.legal_reference,
                    ", ".join(v.law_versions),
                    v.policy_status.label_da if v.policy_status else "",
                )
            )
    return out.getvalue()


# --- exemption periods ----------------------------------------------------------------------------------------


def list_exemptions(session: Session, municipality_id: uuid.UUID) -> list[Exemption]:
    statement = select(Exemption).where(Exemption.municipality_id == municipality_id)
    return list(session.exec(statement.order_by(Exemption.first_day.desc(), Exemption.id)))


def get_exemption(session: Session, municipality_id: uuid.UUID, exemption_id: uuid.UUID) -> Exemption:
    row = session.get(Exemption, exemption_id)
    if row is None or row.municipality_id != municipality_id:
        raise not_found("exemption")
    return row


def create_exemption(session: Session, principal: Principal, data: schema.ExemptionCreate) -> Exemption:
    minimums = [m.value for m in Minimum if data.minimums is None or m in data.minimums]
    try:
        rules.Exemption("new", data.legal_basis, data.first_day, data.last_day, frozenset(map(Minimum, minimums)))
    except DomainError as exc:
        raise in_request_body(exc) from exc
    row = Exemption(
        municipality_id=principal.municipality_id,
        legal_basis=data.legal_basis,
        first_day=data.first_day,
        last_day=data.last_day,
        minimums=minimums,
        created_by=principal.name,
    )
    session.add(row)
    session.flush()
    return row


def end_exemption(session: Session, row: Exemption, data: schema.ExemptionEnd) -> Exemption:
    """Move the last day earlier; an exemption is never lengthened this way, nor ended before it began."""
    if not row.first_day <= data.last_day <= row.last_day:
        message = (
            f"The new last day must be between the first day ({row.first_day.isoformat()}) and the current last day "
            f"({row.last_day.isoformat()})."
        )
        raise invalid("body.last_day", message)
    row.last_day = data.last_day
    session.flush()
    return row
