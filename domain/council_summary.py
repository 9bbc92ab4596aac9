"""The council's summary of the supervision (sammenfatning til kommunalbestyrelsen) as the law asks for it.

The council discusses the development of the daycare area at least every second year (the political discussion
duty, `Duty.POLITICAL_DISCUSSION` in domain.law); Kolding's framework promises that the discussion includes a summary
of the pedagogical supervision, focused on the development of the pedagogical quality. The administration drafts
the summary for a period (by default the last two years), adds its commentary per section and overall, and
finalises a version: from then on the version is immutable, its figures are stored as they were, and a correction
is a new version that replaces it once that one is final.

Who reads what: the administration (admin) writes; admin and supervisors read drafts; the committee reads final
versions only (a draft is the administration's working paper, not yet its account to the council).

Privacy: institutions are public bodies and may be named; no person is, and a dagplejer (a person) is never named or
scored on their own: the summary counts the dagpleje as one provider (see domain.privacy and domain.reports).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from domain.cycle import add_months
from domain.errors import DomainError, ErrorCode, invalid
from domain.indicators import DEFAULT_SMALL_NUMBER_THRESHOLD
from domain.providers import ProviderKind

MAX_PERIOD_MONTHS = 60
OVERALL_COMMENT_MAX = 10_000  # characters of the administration's overall commentary
SECTION_COMMENT_MAX = 4_000  # characters of its commentary on one section
CORRECTION_NOTE_MAX = 2_000


class SummaryStatus(StrEnum):
    """draft -> final (content frozen); a final version that a final correction replaces is superseded."""

    DRAFT = "draft"
    FINAL = "final"
    SUPERSEDED = "superseded"

    @property
    def label_da(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    SummaryStatus.DRAFT: "udkast",
    SummaryStatus.FINAL: "endelig",
    SummaryStatus.SUPERSEDED: "erstattet af en rettelse",
}
# What the committee may read: the administration's account once it is given, never its working draft.
COMMITTEE_VISIBLE = (SummaryStatus.FINAL, SummaryStatus.SUPERSEDED)


class SummarySection(StrEnum):
    """A section of the summary that the administration may comment on. Values are stable slugs."""

    QUALITY = "quality"  # the development of the pedagogical quality: bands and areas now against before
    CONCERN = "concern"  # providers under concern and intensified supervision, and how it ended
    ACTION_PLANS = "action_plans"
    COMPLIANCE = "compliance"  # the legal minimums
    PUBLICATION = "publication"  # reports published in time, recommendations followed up
    DATA = "data"  # the data the summary rests on

    @property
    def title_da(self) -> str:
        return _SECTION_TITLES[self]


_SECTION_TITLES = {
    SummarySection.QUALITY: "Udviklingen i den pædagogiske kvalitet",
    SummarySection.CONCERN: "Bekymring og skærpet tilsyn",
    SummarySection.ACTION_PLANS: "Handleplaner",
    SummarySection.COMPLIANCE: "Overholdelse af lovens minimumskrav",
    SummarySection.PUBLICATION: "Offentliggørelse og opfølgning",
    SummarySection.DATA: "Datagrundlag",
}
OVERALL = "overall"  # the key of the overall commentary beside the sections'


def check_period(first_day: date, last_day: date, today: date) -> None:
    """A period is at least a day, ends no later than today, and spans at most five years."""
    if last_day < first_day:
        raise invalid("body.period_to", "The period ends before it begins.")
    if last_day > today:
        raise invalid("body.period_to", "A summary covers what has happened: the period cannot end after today.")
    if first_day <= add_months(last_day, -MAX_PERIOD_MONTHS):
        raise invalid("body.period_from", f"A summary covers at most {MAX_PERIOD_MONTHS // 12} years.")


def require_draft(status: SummaryStatus, doing: str) -> None:
    """Only a draft changes; a final version is immutable and is corrected by a new version."""
    if status is not SummaryStatus.DRAFT:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"The summary is {status.value} and can no longer change; {doing} is not possible. "
            "Correct a final summary with POST /council-summaries/{id}/corrections.",
        )


def require_correctable(status: SummaryStatus) -> None:
    """A correction replaces the final version, never a draft (change that) or a superseded one (correct its
    replacement)."""
    if status is not SummaryStatus.FINAL:
        raise DomainError(
            ErrorCode.CONFLICT,
            f"The summary is {status.value}; only the final version is corrected, by a new version.",
        )


# A provider of these kinds is one person (a private childminder): a figure over fewer of them than the small-number
# threshold would tell one person's result, so the summary shows their count, not their mean.
PERSON_KINDS = frozenset({ProviderKind.PRIVATE_CHILDMINDING})


def kind_mean_shown(kind: ProviderKind, providers: int) -> bool:
    """Whether the summary shows the mean percent of `providers` of `kind` (domain.indicators' small-number rule)."""
    return kind not in PERSON_KINDS or providers >= DEFAULT_SMALL_NUMBER_THRESHOLD
