"""The written supervision report (tilsynsrapport: the report duty of dagtilbudsloven §5, and the written
documentation of the visit) as content.

`ReportContent` is everything a report says, assembled from a completed visit by `api/services/reports.py`
and rendered by `api/reports/` (PDF and HTML). Both perspectives stand side by side: control (the concern
level and what follows from it) and development (the band, strengths, recommendations, the trend).
Texts meant for publication pass the privacy guard before a report becomes final.

Each report speaks for its own scope: a unit's report leads with the unit's own result and with what the unit's
own concern means on the escalation ladder; the dagpleje's combined report counts its dagplejere per band and concern
level over the cycle and never names one beside a result (a dagplejer is a person). domain/report_scopes.py
holds those rules.

A report cites the law in force on the day of its visit (`legal_basis`, from domain.law), never today's: a report
on a visit in November 2024 cites the report duty as the 2022 rules number it, one on a visit in February 2025 as
L 48 (2024-25) renumbered it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from domain.cycle import ReportGround
from domain.errors import DomainError, ErrorCode, Violation
from domain.law import Duty, law_in_force
from domain.privacy import refuse_personal_data


@dataclass(frozen=True)
class BandStep:
    """One row of the policy's band scale, shown so a reader can place the result."""

    label_da: str
    lower_bound: float
    concern_label_da: str


@dataclass(frozen=True)
class ScoreLine:
    """A percent for an area or a theme of the instrument; None when nothing in it was scored."""

    name: str
    percent: float | None
    level: str  # "area" | "theme"
    area: str | None = None  # for a theme: the area it belongs to


@dataclass(frozen=True)
class UnitResult:
    """The result for one unit (afdeling, or dagplejer), when units were assessed separately."""

    name: str
    percent: float | None
    band_label_da: str | None
    concern_label_da: str


@dataclass(frozen=True)
class Consequence:
    """What the concern level sets off, with the paragraph behind it in the law in force on the visit's day."""

    text: str
    legal_reference: str
    due_on: date | None = None


@dataclass(frozen=True)
class CountLine:
    """How many of the dagpleje's dagplejere are in one band or at one concern level; never who."""

    label_da: str
    count: int


@dataclass(frozen=True)
class RecommendationLine:
    text: str
    owner: str
    due_on: date


@dataclass(frozen=True)
class FollowUpLine:
    """The follow-up dialogue with the leader (opfølgningssamtale)."""

    held_on: date
    number: int
    summary: str
    agreed_follow_up: str | None


@dataclass(frozen=True)
class EarlierResult:
    """The provider's previous assessment, for comparison (development over time)."""

    assessed_on: date
    percent: float | None
    band_label_da: str | None


@dataclass(frozen=True)
class CarriedLine:
    """A theme or area carried forward from the visit before (domain.carry_forward): why, and before against after.

    Percents and bands are None where the report may not show them (the dagpleje's combined report) or where there
    is no score; `outcome` is a domain.carry_forward.Outcome value and `outcome_label_da` its Danish label.
    """

    name: str
    level: str  # "area" | "theme"
    reasons: tuple[str, ...]  # why it was carried forward, in Danish
    before_on: date | None  # the day of the visit the earlier result is from
    before_percent: float | None
    before_band_label_da: str | None
    after_percent: float | None
    after_band_label_da: str | None
    change: float | None  # percentage points, after - before
    outcome: str
    outcome_label_da: str


@dataclass(frozen=True)
class ReportContent:
    """Everything the report says. No personal data about children; names are of adults in their roles."""

    municipality_name: str
    provider_name: str
    provider_kind_label_da: str
    scope_label_da: str  # "hele dagtilbuddet", "afdeling X", "samlet rapport for dagplejen"
    unit_names: tuple[str, ...]
    visit_kind_label_da: str
    visit_date: date
    supervisors: tuple[str, ...]
    data_used: tuple[str, ...]  # e.g. "Systematisk observation (KIDS demo, version 1)", "Tidligere tilsynsrapport"
    percent: float | None  # provider total; None without a score
    band_label_da: str | None  # udviklingsperspektiv
    concern_label_da: str  # kontrolperspektiv
    concern_justification: str | None  # when concern was raised on other grounds than the score
    band_scale: tuple[BandStep, ...]
    areas: tuple[ScoreLine, ...]
    themes: tuple[ScoreLine, ...]
    unit_results: tuple[UnitResult, ...]
    consequences: tuple[Consequence, ...]
    strengths: tuple[str, ...]
    recommendations: tuple[RecommendationLine, ...]
    follow_up: FollowUpLine | None
    leader_comment: str | None
    earlier: EarlierResult | None
    summary: str | None = None  # the supervisor's overall assessment in prose
    report_version: int = 1
    replaces_version: int | None = None  # a correction says what it replaces
    correction_note: str | None = None
    policy_version: int = 0
    published_on: date | None = None
    extra: dict[str, str] = field(default_factory=dict)
    # The dagpleje's combined report: the period it covers and its dagplejere counted per band and concern level.
    period_from: date | None = None
    band_counts: tuple[CountLine, ...] = ()
    concern_counts: tuple[CountLine, ...] = ()
    # The law it rests on, in the version in force on `visit_date` (`legal_basis`); empty on a report made final
    # before the service wrote it.
    legal_basis: tuple[str, ...] = ()
    # What was carried forward from the visit before and how it went ("Opfølgning fra sidste tilsyn"); empty when
    # nothing was, or on a report made final before the service recorded it.
    carried_forward: tuple[CarriedLine, ...] = ()

    def publishable_texts(self) -> dict[str, str]:
        """Every text that will be published, keyed by where it is (for precise privacy refusals).

        Names are included: a unit's or a provider's name is typed by a person and printed beside the results.
        """
        texts: dict[str, str] = {"provider_name": self.provider_name}
        for i, name in enumerate(self.unit_names):
            texts[f"unit_names[{i}]"] = name
        for i, result in enumerate(self.unit_results):
            texts[f"unit_results[{i}].name"] = result.name
        for i, name in enumerate(self.supervisors):
            texts[f"supervisors[{i}]"] = name
        if self.summary:
            texts["summary"] = self.summary
        if self.concern_justification:
            texts["concern_justification"] = self.concern_justification
        for i, strength in enumerate(self.strengths):
            texts[f"strengths[{i}]"] = strength
        for i, rec in enumerate(self.recommendations):
            texts[f"recommendations[{i}].text"] = rec.text
        if self.follow_up:
            texts["follow_up.summary"] = self.follow_up.summary
            if self.follow_up.agreed_follow_up:
                texts["follow_up.agreed_follow_up"] = self.follow_up.agreed_follow_up
        if self.leader_comment:
            texts["leader_comment"] = self.leader_comment
        if self.correction_note:
            texts["correction_note"] = self.correction_note
        for key, value in self.extra.items():  # anything a municipality adds is published too
            texts[f"extra.{key}"] = value
        return texts

    def refuse_personal_data(self, *, people: Sequence[str] = ()) -> None:
        """Raise DomainError naming each CPR number, e-mail address or phone number, and where it is.

        `people` are names that may not be published at all: the dagplejere on the dagpleje's combined report,
        whose results are counted there and must not be tied to a name in the supervisor's own words either.
        """
        texts = self.publishable_texts()
        named = [
            Violation(location, "A dagplejer's name may not be published in the combined report; remove it.")
            for location, text in texts.items()
            if any(re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE) for name in people if name)
        ]
        try:
            refuse_personal_data(texts)
        except DomainError as exc:
            if not named:
                raise
            named = [*exc.violations, *named]
        if named:
            raise DomainError(
                ErrorCode.INVALID_INPUT,
                f"The report holds text that may not be published ({len(named)} finding(s)).",
                named,
            )


def legal_basis(visit_date: date, ground: ReportGround) -> tuple[str, ...]:
    """What the report rests on, in Danish, in the law in force on `visit_date`: which version of the rules, the
    written documentation of the visit, and on which ground the report is published (`ground`: the law's report
    duty, the municipality's policy, or neither).

    A visit on 15.11.2024 and one on 03.02.2025 cite the report duty differently: L 48 (2024-25) repealed the
    framework duty before it in §5 and renumbered the subsections after it (tests/domain/test_reports.py).
    """
    law = law_in_force(visit_date)
    lines = [
        f"Tilsynet følger dagtilbudsloven, som den gjaldt den {visit_date:%d.%m.%Y}: reglerne i kraft fra "
        f"{law.effective_from:%d.%m.%Y} ({law.source}).",
        f"Tilsynet er dokumenteret skriftligt efter {law.cite(Duty.WRITTEN_DOCUMENTATION)}.",
    ]
    if ground is ReportGround.LAW:
        lines.append(f"Rapporten offentliggøres på dagtilbuddets hjemmeside efter {law.cite(Duty.REPORT)}.")
    elif ground is ReportGround.POLICY:
        lines.append(
            "Rapporten offentliggøres efter kommunens tilsynspolitik; denne type dagtilbud er ikke omfattet af "
            f"{law.cite(Duty.REPORT)}."
        )
    else:
        lines.append(
            f"Denne type dagtilbud er ikke omfattet af pligten til at offentliggøre i {law.cite(Duty.REPORT)}."
        )
    return tuple(lines)


def content_to_dict(content: ReportContent) -> dict[str, Any]:
    """Plain JSON-ready data (dates as ISO strings), as stored on a report row when it becomes final."""
    return _plain(asdict(content))


def content_from_dict(data: dict[str, Any]) -> ReportContent:
    """The inverse of `content_to_dict`."""
    d = dict(data)

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    d["visit_date"] = day(d["visit_date"])
    d["published_on"] = day(d.get("published_on"))
    d["period_from"] = day(d.get("period_from"))
    d["band_counts"] = tuple(CountLine(**c) for c in d.get("band_counts") or ())
    d["concern_counts"] = tuple(CountLine(**c) for c in d.get("concern_counts") or ())
    for name in ("unit_names", "supervisors", "data_used", "strengths", "legal_basis"):
        d[name] = tuple(d.get(name) or ())
    d["band_scale"] = tuple(BandStep(**b) for b in d.get("band_scale") or ())
    d["areas"] = tuple(ScoreLine(**s) for s in d.get("areas") or ())
    d["themes"] = tuple(ScoreLine(**s) for s in d.get("themes") or ())
    d["unit_results"] = tuple(UnitResult(**u) for u in d.get("unit_results") or ())
    d["consequences"] = tuple(Consequence(**{**c, "due_on": day(c.get("due_on"))}) for c in d.get("consequences") or ())
    d["recommendations"] = tuple(
        RecommendationLine(**{**r, "due_on": day(r["due_on"])}) for r in d.get("recommendations") or ()
    )
    follow_up = d.get("follow_up")
    d["follow_up"] = FollowUpLine(**{**follow_up, "held_on": day(follow_up["held_on"])}) if follow_up else None
    earlier = d.get("earlier")
    d["earlier"] = EarlierResult(**{**earlier, "assessed_on": day(earlier["assessed_on"])}) if earlier else None
    d["extra"] = dict(d.get("extra") or {})
    d["carried_forward"] = tuple(
        CarriedLine(**{**line, "reasons": tuple(line["reasons"]), "before_on": day(line.get("before_on"))})
        for line in d.get("carried_forward") or ()
    )
    return ReportContent(**d)


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value
