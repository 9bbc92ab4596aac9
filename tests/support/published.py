"""Reports written straight to the database, in any state, for the public-read and tracker tests.

The report workflow (draft -> sent -> final -> published) is tested on its own; these tests only need rows in
the states it produces, with content built from `domain.reports.ReportContent` the way a final report holds it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlmodel import Session

from api.tables import Provider, Report, Unit, UserAccount, Visit
from domain.reports import (
    BandStep,
    Consequence,
    RecommendationLine,
    ReportContent,
    ScoreLine,
    content_to_dict,
)


def at(day: date) -> datetime:
    """Noon UTC on `day`: the same calendar day in Denmark."""
    return datetime.combine(day, time(12), UTC)


def _saved(db: Session, row: Any) -> Any:
    db.add(row)
    db.commit()
    return row


def registered(db: Session, row: Provider | Unit, on: date) -> Provider | Unit:
    """Back-date when a provider or unit was registered (what the tracker counts from before any report)."""
    row.created_at = at(on)
    return _saved(db, row)


def content(
    provider: Provider,
    *,
    visit_date: date,
    summary: str = "Et trygt og legende læringsmiljø med nærværende voksne.",
    band: str | None = "god",
    concern: str = "ingen bekymring",
    percent: float | None = 78.5,
    scope_label: str = "hele dagtilbuddet",
    unit_names: tuple[str, ...] = (),
    **overrides: Any,
) -> ReportContent:
    """The content of a report on `provider`, with nothing in it about a child or any other person's data."""
    values: dict[str, Any] = {
        "municipality_name": "Testby Kommune",
        "provider_name": provider.name,
        "provider_kind_label_da": "kommunal daginstitution",
        "scope_label_da": scope_label,
        "unit_names": unit_names,
        "visit_kind_label_da": "anmeldt",
        "visit_date": visit_date,
        "supervisors": ("Pædagogisk konsulent Anne Berg",),
        "data_used": ("Systematisk observation (KIDS demo, version 1)",),
        "percent": percent,
        "band_label_da": band,
        "concern_label_da": concern,
        "concern_justification": None,
        "band_scale": (
            BandStep("fremragende", 90, "ingen bekymring"),
            BandStep("god", 70, "ingen bekymring"),
            BandStep("tilstrækkelig", 50, "ingen bekymring"),
            BandStep("utilstrækkelig", 30, "bekymring"),
            BandStep("ringe", 0, "alvorlig bekymring"),
        ),
        "areas": (ScoreLine("Fysiske omgivelser", 81.0, "area"), ScoreLine("Relationer", 76.0, "area")),
        "themes": (ScoreLine("Sprog", 74.0, "theme", "Relationer"),),
        "unit_results": (),
        "consequences": (Consequence("Det almindelige tilsyn fortsætter.", "dagtilbudsloven §5, stk. 1"),),
        "strengths": ("Nærværende voksne i garderoben.",),
        "recommendations": (
            RecommendationLine("Styrk sprogarbejdet i overgangene.", "dagtilbudslederen", date(2030, 1, 31)),
        ),
        "follow_up": None,
        "leader_comment": None,
        "earlier": None,
        "summary": summary,
        **overrides,
    }
    return ReportContent(**values)


def visit(db: Session, provider: Provider, supervisor: UserAccount, held_on: date) -> Visit:
    """A completed announced visit: every report belongs to one."""
    row = Visit(
        municipality_id=provider.municipality_id,
        provider_id=provider.id,
        kind="announced",
        status="completed",
        planned_on=held_on,
        held_on=held_on,
        supervisor_id=supervisor.id,
        created_at=at(held_on),
    )
    return _saved(db, row)


def report(
    db: Session,
    provider: Provider,
    supervisor: UserAccount,
    *,
    status: str = "published",
    published_on: date | None = None,
    visit_date: date | None = None,
    scope: str = "provider",
    unit: Unit | None = None,
    replaces: Report | None = None,
    report_content: ReportContent | None = None,
    **row_values: Any,
) -> Report:
    """A report row in `status`; a published one needs `published_on`. Extra keywords go to the content.

    Row-only values (case-system references, the leader's comment window) can be passed as `row=` dict.
    """
    row_only = row_values.pop("row", {})
    held = visit_date or (published_on or date(2026, 1, 1))
    body = report_content or content(
        provider,
        visit_date=held,
        unit_names=(unit.name,) if unit else (),
        scope_label=f"afdeling {unit.name}" if unit else "hele dagtilbuddet",
        report_version=replaces.report_version + 1 if replaces else 1,
        replaces_version=replaces.report_version if replaces else None,
        **row_values,
    )
    row = Report(
        municipality_id=provider.municipality_id,
        provider_id=provider.id,
        visit_id=visit(db, provider, supervisor, held).id,
        unit_id=unit.id if unit else None,
        scope=scope,
        status=status,
        report_version=body.report_version,
        replaces_id=replaces.id if replaces else None,
        summary=body.summary,
        content=content_to_dict(body),
        published_on=published_on,
        published_by="Pædagogisk konsulent Anne Berg" if published_on else None,
        finalised_on=published_on,
        created_at=at(published_on or held),
        **row_only,
    )
    return _saved(db, row)


def superseded_by(db: Session, old: Report, supervisor: UserAccount, provider: Provider, published_on: date) -> Report:
    """Publish a correction of `old` and mark `old` superseded, as the workflow does."""
    correction = report(
        db,
        provider,
        supervisor,
        published_on=published_on,
        visit_date=date.fromisoformat(old.content["visit_date"]),
        replaces=old,
        correction_note="Rettet: temaet Sprog var angivet med en forkert procent.",
        summary="Rettet vurdering: et trygt og legende læringsmiljø.",
        row={"first_published_on": old.first_published_on or old.published_on},  # the workflow keeps the first day
    )
    old.status = "superseded"
    _saved(db, old)
    return correction
