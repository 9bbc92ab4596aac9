"""What the summary's renderers (api.reports.council_pdf and council_html) take: one version, without the database.

Kept apart from both renderers so that the HTML page never loads reportlab.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from api.schemas.council_summary import Commentary
from api.schemas.council_summary_content import CouncilSummaryContent
from domain.council_summary import SummaryStatus


@dataclass(frozen=True)
class SummaryDocument:
    """What the renderers need of a summary version: its content, commentary and standing."""

    content: CouncilSummaryContent
    commentary: Commentary
    status: SummaryStatus
    summary_version: int
    finalised_on: date | None = None
    correction_note: str | None = None
