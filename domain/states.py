"""The life-cycle states of what the supervision records: providers, visits, reports, plans, recommendations, notices.

One home for each state, so services compare enums rather than string literals and a renamed state is a change in
one place. Values are stable English slugs (they are in the API and the database); Danish labels travel with them.
`api/schemas/` re-exports these for the contract.
"""

from __future__ import annotations

from enum import StrEnum


class RegisterStatus(StrEnum):
    """Whether a provider or unit is running (`active`) or has closed (`closed`, with a date and reason)."""

    ACTIVE = "active"
    CLOSED = "closed"


class VisitStatus(StrEnum):
    """`planned` until completed (or cancelled); observations and the dialogue are recorded while planned."""

    PLANNED = "planned"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ReportScope(StrEnum):
    """What a report covers: the whole provider, one unit, or the dagpleje as one combined report."""

    PROVIDER = "provider"
    UNIT = "unit"
    COMBINED = "combined"


class ReportStatus(StrEnum):
    """Where a report stands: draft -> sent (to the leader for comment) -> final -> published; a published
    report that a published correction replaces is superseded."""

    DRAFT = "draft"
    SENT = "sent"
    FINAL = "final"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"

    @property
    def label_da(self) -> str:
        return _REPORT_LABELS[self]


_REPORT_LABELS = {
    ReportStatus.DRAFT: "udkast",
    ReportStatus.SENT: "sendt til kommentering",
    ReportStatus.FINAL: "endelig",
    ReportStatus.PUBLISHED: "offentliggjort",
    ReportStatus.SUPERSEDED: "erstattet af en rettelse",
}


class PlanStatus(StrEnum):
    """draft -> comment (the parent board may comment) -> approved -> completed."""

    DRAFT = "draft"
    COMMENT = "comment"
    APPROVED = "approved"
    COMPLETED = "completed"

    @property
    def label_da(self) -> str:
        return _PLAN_LABELS[self]


_PLAN_LABELS = {
    PlanStatus.DRAFT: "kladde",
    PlanStatus.COMMENT: "til kommentering i forældrebestyrelsen",
    PlanStatus.APPROVED: "godkendt",
    PlanStatus.COMPLETED: "afsluttet",
}
UNAPPROVED_PLAN = (PlanStatus.DRAFT, PlanStatus.COMMENT)  # a plan still owed: not yet approved


class ItemStatus(StrEnum):
    """How far one goal of an action plan has come; `done` and `dropped` are final for completing the plan."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label_da(self) -> str:
        return _ITEM_LABELS[self]


_ITEM_LABELS = {
    ItemStatus.OPEN: "ikke påbegyndt",
    ItemStatus.IN_PROGRESS: "i gang",
    ItemStatus.DONE: "gennemført",
    ItemStatus.DROPPED: "opgivet",
}


class RecommendationStatus(StrEnum):
    """Where a recommendation stands; the provider's leader keeps it up to date."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label_da(self) -> str:
        return _RECOMMENDATION_LABELS[self]


_RECOMMENDATION_LABELS = {
    RecommendationStatus.OPEN: "åben",
    RecommendationStatus.IN_PROGRESS: "i gang",
    RecommendationStatus.DONE: "gennemført",
    RecommendationStatus.DROPPED: "opgivet",
}
STILL_TO_DO = (RecommendationStatus.OPEN, RecommendationStatus.IN_PROGRESS)  # a recommendation not yet followed up


class ConcernStatus(StrEnum):
    """received -> triaged or dismissed; received or triaged -> visit_planned (an unannounced visit linked)."""

    RECEIVED = "received"
    TRIAGED = "triaged"
    DISMISSED = "dismissed"
    VISIT_PLANNED = "visit_planned"

    @property
    def label_da(self) -> str:
        return _CONCERN_LABELS[self]


_CONCERN_LABELS = {
    ConcernStatus.RECEIVED: "modtaget",
    ConcernStatus.TRIAGED: "vurderet",
    ConcernStatus.DISMISSED: "afvist",
    ConcernStatus.VISIT_PLANNED: "tilsynsbesøg planlagt",
}


class TriageOutcome(StrEnum):
    """The outcome of triage: `triaged` (taken forward) or `dismissed` (no further action)."""

    TRIAGED = "triaged"
    DISMISSED = "dismissed"


class FollowUpStatus(StrEnum):
    """What was agreed in a conversation of the continuous supervision: `open` until it is `done` (with a day)."""

    OPEN = "open"
    DONE = "done"

    @property
    def label_da(self) -> str:
        return _FOLLOW_UP_LABELS[self]


_FOLLOW_UP_LABELS = {FollowUpStatus.OPEN: "åben", FollowUpStatus.DONE: "gennemført"}
