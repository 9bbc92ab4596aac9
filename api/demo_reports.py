"""Demo reports: the written reports of Fjordby's announced visits, through the real report workflow.

Each completed announced visit older than two months gets its report drafted, sent to the leader,
finalised after the comment window and published a few weeks after the visit, so the public pages and the
publication tracker have something to show. Newer visits' reports are left for the demo user to write.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session, select

from api.clock import today
from api.principal import Principal
from api.schemas.report import Publication, ReportCreate, ReportScope
from api.services import reports
from api.tables import Provider, Visit
from domain.providers import ProviderKind

SUMMARY = (
    "Tilsynet bygger på systematisk observation og dialog med ledelse og medarbejdere. "
    "Vurderingen og anbefalingerne er drøftet med lederen ved opfølgningssamtalen."
)


def publish_demo_reports(session: Session, writer: Principal) -> int:
    """Write and publish the reports of announced visits held more than 60 days ago; returns how many."""
    now = today()
    visits = session.exec(
        select(Visit).where(Visit.kind == "announced", Visit.status == "completed").order_by(Visit.held_on)
    ).all()
    published = 0
    for visit in visits:
        if visit.held_on is None or visit.held_on > now - timedelta(days=60):
            continue
        provider = session.get(Provider, visit.provider_id)
        combined = provider.kind == ProviderKind.MUNICIPAL_CHILDMINDING
        scope = ReportScope.COMBINED if combined else ReportScope.PROVIDER
        sent_on = visit.held_on + timedelta(days=10)
        report = reports.create_report(session, visit, ReportCreate(scope=scope, summary=SUMMARY), sent_on)
        reports.send_report(session, report, sent_on)
        final_on: date = report.comment_window_ends + timedelta(days=1)
        reports.finalise_report(session, report, final_on)
        reports.publish_report(session, writer, report, Publication(published_on=final_on + timedelta(days=5)), now)
        published += 1
    session.flush()
    return published
