"""Shared practice in a network of municipalities: models of a policy or a local instrument, compared and adopted.

KL's development partnership asks that models of good supervision practice be shared with the other
municipalities. A member shares a published version of its policy (the bands, the cycle, the deadlines, the visit
pattern, the conversation types) or of a local instrument as a *model*: a snapshot, copied as it was that day,
with the sharing municipality named (it agreed to that by sharing). Another member compares it side by side with
its own policy in force and may adopt it as a *draft* of its own (`PolicyDraftState`), which it changes and
publishes as any policy; the draft records where it came from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from domain.errors import DomainError, ErrorCode


class SharedModelKind(StrEnum):
    """What a model holds: a version of a policy, or a version of a local instrument."""

    POLICY = "policy"
    INSTRUMENT = "instrument"


class SharedModelState(StrEnum):
    """A model is listed for the network while `shared`; once `withdrawn` it is no longer read or adopted."""

    SHARED = "shared"
    WITHDRAWN = "withdrawn"


class PolicyDraftState(StrEnum):
    """A draft of a policy (kladde): changed freely while `draft`, frozen once `published` as a version.

    Policy versions are only ever published (and never change), so a draft is kept apart from them: it is never in
    force and no rule reads it. Publishing it validates it as any policy and saves it as the next version.
    """

    DRAFT = "draft"
    PUBLISHED = "published"


def refuse_own_adoption(sharer_id: object, adopter_id: object) -> None:
    """A municipality does not adopt its own model: it already has the policy (or instrument) it shared."""
    if sharer_id == adopter_id:
        raise DomainError(ErrorCode.CONFLICT, "This model is your own municipality's; another member may adopt it.")


def refuse_unless_shared(state: SharedModelState) -> None:
    if state is not SharedModelState.SHARED:
        raise DomainError(ErrorCode.NOT_FOUND, "No shared model with that id is visible to you.")


def refuse_unless_draft(state: PolicyDraftState) -> None:
    """A published draft is a policy version now, and a version never changes: change a new draft instead."""
    if state is not PolicyDraftState.DRAFT:
        raise DomainError(
            ErrorCode.CONFLICT, "The draft is published already; a published version never changes. Start a new draft."
        )


# --- comparing policies side by side ---------------------------------------------------------------------------


class ComparisonGroup(StrEnum):
    """The parts of a policy a comparison shows, in the order a table shows them."""

    CYCLE = "cycle"
    VISITS = "visits"
    BANDS = "bands"
    DEADLINES = "deadlines"
    CONVERSATION_TYPES = "conversation_types"
    OTHER = "other"


@dataclass(frozen=True)
class ComparedField:
    """One row of the comparison: a field of the policy, its value in each policy (None: the policy lacks it)."""

    group: ComparisonGroup
    key: str  # a stable path: `cycle_months`, `bands.good`, `deadlines.action_plan_days`, `conversation_types.x`
    label: str
    values: tuple[Any, ...]
    equal: bool


_VISIT_FIELDS = (
    ("announced_visits_per_cycle", "Announced visits per cycle"),
    ("unannounced_visits_per_cycle", "Unannounced visits per cycle"),
)
_OTHER_FIELDS = (
    ("supervisor_may_raise_concern", "Supervisors may raise concern above the band"),
    ("observation_coverage_threshold", "Share of items scored for a total percent"),
    ("policy_report_kinds", "Kinds with a report by the policy (beyond the law)"),
)


def compare_policies(documents: Sequence[Mapping[str, Any]]) -> list[ComparedField]:
    """Rows of a side-by-side table of policies (as `SupervisionPolicy.to_dict()` gives them), one column each.

    Bands are matched by key, highest first, each with its range (`lower_bound` up to the next band's, 100 for the
    top) and concern; conversation types by key. A band or type one policy lacks is None in that column, and the
    row is different.
    """
    rows = [_row(ComparisonGroup.CYCLE, "cycle_months", "Cycle (months)", [d.get("cycle_months") for d in documents])]
    rows += [_row(ComparisonGroup.VISITS, k, label, [d.get(k) for d in documents]) for k, label in _VISIT_FIELDS]
    bands = [_bands_by_key(d.get("bands") or []) for d in documents]
    for key in _ordered_keys(bands):
        rows.append(_row(ComparisonGroup.BANDS, f"bands.{key}", f"Band `{key}`", [b.get(key) for b in bands]))
    deadlines = [d.get("deadlines") or {} for d in documents]
    for name in _ordered_keys(deadlines):
        values = [d.get(name) for d in deadlines]
        rows.append(_row(ComparisonGroup.DEADLINES, f"deadlines.{name}", f"Deadline `{name}` (days)", values))
    types = [
        {
            t["key"]: {"label_da": t.get("label_da"), "frequency": t.get("frequency")}
            for t in d.get("conversation_types")
        }
        for d in documents
    ]
    for key in _ordered_keys(types):
        label = f"Conversation type `{key}`"
        rows.append(
            _row(ComparisonGroup.CONVERSATION_TYPES, f"conversation_types.{key}", label, [t.get(key) for t in types])
        )
    for key, label in _OTHER_FIELDS:
        values = [sorted(v) if isinstance(v := d.get(key), list) else v for d in documents]
        rows.append(_row(ComparisonGroup.OTHER, key, label, values))
    return rows


def _row(group: ComparisonGroup, key: str, label: str, values: Sequence[Any]) -> ComparedField:
    return ComparedField(group, key, label, tuple(values), all(v == values[0] for v in values))


def _bands_by_key(bands: Sequence[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    ordered = sorted(bands, key=lambda b: b["lower_bound"], reverse=True)
    upper = [100.0, *(b["lower_bound"] for b in ordered[:-1])]
    return {
        b["key"]: {
            "label_da": b["label_da"],
            "lower_bound": b["lower_bound"],
            "upper_bound": top,
            "concern": b["concern"],
        }
        for b, top in zip(ordered, upper, strict=True)
    }


def _ordered_keys(mappings: Sequence[Mapping[str, Any]]) -> list[str]:
    """Every key of the mappings, in the order first seen: the first policy's order leads."""
    seen: dict[str, None] = {}
    for mapping in mappings:
        seen.update(dict.fromkeys(mapping))
    return list(seen)
