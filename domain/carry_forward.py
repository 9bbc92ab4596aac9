"""Re-visits that carry forward (opfølgning fra sidste tilsyn): what one visit found weak, or what a recommendation or
an action plan names, is flagged for the next visit to the same provider, re-scored there and shown before/after.

What is carried forward (`carried_forward`), per scope (the provider as a whole, or one unit: a unit's themes follow
the unit) from the scope's latest earlier result with scores:
- an area or theme whose percent was weak: in a band of the policy that means concern (below the lowest band with
  "ingen bekymring"). The policy's own band boundaries decide; there is no second scale;
- a theme with an item scored at the lowest level of its scale;
- a theme named in an open recommendation (`STILL_TO_DO`) or in an action plan not yet completed, by its name as the
  instrument spells it (case and spacing aside). Recommendations and plans are the provider's, so they flag the
  provider's scope only. Areas are not matched by name: "Relationer" is too common a word to mean the area.
Each flag says why, with the visit, its day and percent, or the recommendation or plan.

How it went (`rescore`): the next visit's percent of the same part beside the earlier one, with the bands of the
next visit's policy for both (one scale to compare on) and the change in percentage points. The outcome compares
the percents as shown (rounded down to one decimal): higher is `improved`, lower `worse`, equal `unchanged`; a part
the next visit did not score is `not_rescored`, one without an earlier score `no_earlier_score`.

A dagplejer is a person: where a dagplejer could be recognised (the dagpleje's combined report; anyone but the
administration and its supervisors), the lines carry no percent and no band (`CarriedLine` via `report_line`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from domain.access import Role
from domain.instruments import shown_percent_text
from domain.policy import ConcernLevel, SupervisionPolicy
from domain.reports import CarriedLine


class Level(StrEnum):
    AREA = "area"
    THEME = "theme"


class ReasonKind(StrEnum):
    """Why a part is carried forward."""

    WEAK = "weak"  # its percent was in a band of concern
    LOWEST_ITEMS = "lowest_items"  # an item of it was scored at the lowest level
    RECOMMENDATION = "recommendation"  # an open recommendation names it
    ACTION_PLAN = "action_plan"  # an action plan not yet completed names it


class Outcome(StrEnum):
    """How a carried-forward part went at the next visit."""

    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    WORSE = "worse"
    NOT_RESCORED = "not_rescored"
    NO_EARLIER_SCORE = "no_earlier_score"

    @property
    def label_da(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.IMPROVED: "forbedret",
    Outcome.UNCHANGED: "uændret",
    Outcome.WORSE: "forværret",
    Outcome.NOT_RESCORED: "ikke scoret igen",
    Outcome.NO_EARLIER_SCORE: "intet tidligere resultat",
}

SUPERVISION_ROLES = frozenset({Role.ADMIN, Role.SUPERVISOR})


def shows_dagplejer_results(role: Role) -> bool:
    """Only the administration and its supervisors see a dagplejer's own result (domain.reports, domain.privacy)."""
    return role in SUPERVISION_ROLES


@dataclass(frozen=True)
class Part:
    """An area or theme of an instrument with its percent at a visit (None: not scored, or not known)."""

    key: str
    name: str
    level: Level
    percent: float | None = None
    area_key: str | None = None  # for a theme


@dataclass(frozen=True)
class EarlierVisit:
    """A scope's latest earlier result with scores: its parts and the items scored at their scale's lowest level."""

    visit_id: str
    held_on: date
    parts: tuple[Part, ...]
    lowest_items: tuple[tuple[str, str], ...] = ()  # (theme key, item key), in instrument order


@dataclass(frozen=True)
class Mention:
    """An open recommendation or an action plan, whose text may name themes."""

    kind: ReasonKind  # RECOMMENDATION or ACTION_PLAN
    reference_id: str
    on: date  # the day of the recommendation's visit; the day the plan was made
    text: str


@dataclass(frozen=True)
class Reason:
    kind: ReasonKind
    on: date | None = None
    visit_id: str | None = None
    percent: float | None = None
    band_label_da: str | None = None
    reference_id: str | None = None
    items: tuple[str, ...] = ()

    def text_da(self, *, with_percent: bool = True) -> str:
        """Why, in Danish: "Svagt ved tilsynet den 10.03.2026: 41,6 % (utilstrækkelig)"."""
        day = f"{self.on:%d.%m.%Y}" if self.on else "?"
        if self.kind is ReasonKind.WEAK:
            score = f": {_percent_da(self.percent)} ({self.band_label_da})" if with_percent else ""
            return f"Svagt ved tilsynet den {day}{score}"
        if self.kind is ReasonKind.LOWEST_ITEMS:
            count = len(self.items)
            what = "indikator" if count == 1 else "indikatorer"
            return f"{count} {what} fik laveste score ved tilsynet den {day}"
        if self.kind is ReasonKind.RECOMMENDATION:
            return f"Nævnt i en åben anbefaling fra tilsynet den {day}"
        return f"Nævnt i handleplanen fra den {day}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "on": self.on.isoformat() if self.on else None,
            "visit_id": self.visit_id,
            "percent": self.percent,
            "band_label_da": self.band_label_da,
            "reference_id": self.reference_id,
            "items": list(self.items),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Reason:
        on = data.get("on")
        return cls(
            ReasonKind(data["kind"]),
            date.fromisoformat(on) if on else None,
            data.get("visit_id"),
            data.get("percent"),
            data.get("band_label_da"),
            data.get("reference_id"),
            tuple(data.get("items") or ()),
        )


@dataclass(frozen=True)
class Flag:
    """A part carried forward to the next visit, with why and its earlier result (None without one)."""

    part: Part  # its percent is the earlier one
    reasons: tuple[Reason, ...]
    before_visit_id: str | None = None
    before_on: date | None = None
    before_band_key: str | None = None
    before_band_label_da: str | None = None

    @property
    def items(self) -> tuple[str, ...]:
        """The items scored at the lowest level, to re-score first."""
        return tuple(i for r in self.reasons if r.kind is ReasonKind.LOWEST_ITEMS for i in r.items)


@dataclass(frozen=True)
class Rescored:
    """A flag with the next visit's result beside it."""

    flag: Flag
    after_percent: float | None
    after_band_key: str | None
    after_band_label_da: str | None
    change: float | None
    outcome: Outcome

    def to_dict(self) -> dict[str, Any]:
        """Plain data as stored with the next visit's assessment."""
        f = self.flag
        return {
            "key": f.part.key,
            "name": f.part.name,
            "level": f.part.level.value,
            "area_key": f.part.area_key,
            "reasons": [r.to_dict() for r in f.reasons],
            "before_visit_id": f.before_visit_id,
            "before_on": f.before_on.isoformat() if f.before_on else None,
            "before_percent": f.part.percent,
            "before_band_key": f.before_band_key,
            "before_band_label_da": f.before_band_label_da,
            "after_percent": self.after_percent,
            "after_band_key": self.after_band_key,
            "after_band_label_da": self.after_band_label_da,
            "change": self.change,
            "outcome": self.outcome.value,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Rescored:
        before_on = data.get("before_on")
        part = Part(data["key"], data["name"], Level(data["level"]), data.get("before_percent"), data.get("area_key"))
        flag = Flag(
            part,
            tuple(Reason.from_dict(r) for r in data.get("reasons") or ()),
            data.get("before_visit_id"),
            date.fromisoformat(before_on) if before_on else None,
            data.get("before_band_key"),
            data.get("before_band_label_da"),
        )
        return cls(
            flag,
            data.get("after_percent"),
            data.get("after_band_key"),
            data.get("after_band_label_da"),
            data.get("change"),
            Outcome(data["outcome"]),
        )


def is_weak(percent: float, policy: SupervisionPolicy) -> bool:
    """A percent in a band of concern: below the lowest band that means "ingen bekymring"."""
    return policy.band_for(percent).concern is not ConcernLevel.NONE


def names(text: str, name: str) -> bool:
    """Whether `text` names `name` as a whole phrase, case and runs of spaces aside."""
    words = name.split()
    if not words:
        return False
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"
    return re.search(pattern, text, re.IGNORECASE) is not None


def carried_forward(
    earlier: EarlierVisit | None,
    policy: SupervisionPolicy,
    *,
    mentions: Sequence[Mention] = (),
    catalogue: Sequence[Part] = (),
) -> tuple[Flag, ...]:
    """The parts carried forward from `earlier` (judged by `policy`, the earlier visit's) and named in `mentions`.

    Without an earlier result, `catalogue` (the next visit's instrument, without percents) is what mentions are
    matched against. Parts keep their order: areas, then themes, as the instrument has them.
    """
    parts = earlier.parts if earlier is not None else tuple(catalogue)
    lowest: dict[str, list[str]] = {}
    for theme_key, item_key in earlier.lowest_items if earlier else ():
        lowest.setdefault(theme_key, []).append(item_key)
    flags = []
    for part in sorted(parts, key=lambda p: p.level is Level.THEME):
        reasons: list[Reason] = []
        band = policy.band_for(part.percent) if earlier and part.percent is not None else None
        if earlier is not None and band is not None and band.concern is not ConcernLevel.NONE:
            reasons.append(Reason(ReasonKind.WEAK, earlier.held_on, earlier.visit_id, part.percent, band.label_da))
        if part.level is Level.THEME:
            if earlier is not None and part.key in lowest:
                items = tuple(lowest[part.key])
                reasons.append(Reason(ReasonKind.LOWEST_ITEMS, earlier.held_on, earlier.visit_id, items=items))
            reasons += [
                Reason(m.kind, m.on, reference_id=m.reference_id)
                for m in sorted(mentions, key=lambda m: (m.kind != ReasonKind.RECOMMENDATION, m.on, m.reference_id))
                if names(m.text, part.name)
            ]
        if reasons:
            known = earlier is not None and part.percent is not None
            flags.append(
                Flag(
                    part if known else Part(part.key, part.name, part.level, None, part.area_key),
                    tuple(reasons),
                    earlier.visit_id if known else None,
                    earlier.held_on if known else None,
                    band.key if band else None,
                    band.label_da if band else None,
                )
            )
    return tuple(flags)


def outcome(before: float | None, after: float | None) -> Outcome:
    """Compared on the percents as shown (one decimal, rounded down)."""
    if after is None:
        return Outcome.NOT_RESCORED
    if before is None:
        return Outcome.NO_EARLIER_SCORE
    shown_before, shown_after = float(shown_percent_text(before)), float(shown_percent_text(after))
    if shown_after > shown_before:
        return Outcome.IMPROVED
    if shown_after < shown_before:
        return Outcome.WORSE
    return Outcome.UNCHANGED


def rescore(
    flags: Iterable[Flag], after: Mapping[tuple[Level, str], float | None], policy: SupervisionPolicy
) -> tuple[Rescored, ...]:
    """Each flag with the next visit's percent of its part (`after`, by level and key) under `policy`, its bands
    (both on the next visit's scale, so they compare) and the change in percentage points."""
    out = []
    for flag in flags:
        now = after.get((flag.part.level, flag.part.key))
        band = policy.band_for(now) if now is not None else None
        before_band = policy.band_for(flag.part.percent) if flag.part.percent is not None else None
        if before_band is not None:
            flag = Flag(
                flag.part, flag.reasons, flag.before_visit_id, flag.before_on, before_band.key, before_band.label_da
            )
        change = None
        if now is not None and flag.part.percent is not None:
            change = round(float(shown_percent_text(now)) - float(shown_percent_text(flag.part.percent)), 1)
        result = outcome(flag.part.percent, now)
        out.append(Rescored(flag, now, band.key if band else None, band.label_da if band else None, change, result))
    return tuple(out)


def report_line(rescored: Rescored, *, with_percent: bool = True) -> CarriedLine:
    """The line the report prints; without percents and bands where a dagplejer could be recognised."""
    f = rescored.flag
    shown = with_percent
    return CarriedLine(
        name=f.part.name,
        level=f.part.level.value,
        reasons=tuple(r.text_da(with_percent=shown) for r in f.reasons),
        before_on=f.before_on,
        before_percent=f.part.percent if shown else None,
        before_band_label_da=f.before_band_label_da if shown else None,
        after_percent=rescored.after_percent if shown else None,
        after_band_label_da=rescored.after_band_label_da if shown else None,
        change=rescored.change if shown else None,
        outcome=rescored.outcome.value,
        outcome_label_da=rescored.outcome.label_da,
    )


def observation_order(
    items: Sequence[tuple[str, str, str]], flags: Iterable[Flag]
) -> list[tuple[str, str, str, bool, bool]]:
    """The instrument's items (item, theme and area keys) for the observation: those of carried-forward themes and
    areas first, in instrument order, then the rest. Each with whether it is carried forward and whether it was
    scored at the lowest level before."""
    flags = list(flags)
    themes = {f.part.key for f in flags if f.part.level is Level.THEME}
    areas = {f.part.key for f in flags if f.part.level is Level.AREA}
    lowest = {i for f in flags for i in f.items}
    marked = [(i, t, a, t in themes or a in areas, i in lowest) for i, t, a in items]
    return [m for m in marked if m[3]] + [m for m in marked if not m[3]]


def _percent_da(percent: float | None) -> str:
    if percent is None:
        return "ikke scoret"
    return shown_percent_text(percent).replace(".", ",").removesuffix(",0") + " %"
