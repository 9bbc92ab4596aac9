"""Indicators: the data a municipality brings into supervision ("data som ledelsesværktøj"), as aggregates.

An indicator is one measure from one source (KIDS, the Læringsledelse survey, a municipal key figure, ...), with a
unit and scale and a kind of period. Its values are aggregates per provider or unit and period, never about a child.

The small-number rule (`present`) decides what a role sees of a value: admin and supervisors see raw numbers;
everyone else sees a count below the indicator's threshold (default 5), or a share computed from fewer respondents
than that, as "<5" and no number. Which indicators a role sees at all is `visible_to`.

Periods are written as one key (`parse_period`):
- a year: `2025`;
- a half-year: `2025-H1` (January-June) or `2025-H2` (July-December);
- a survey round: `2025-R1` ... `2025-R9`, the round's year and its number within that year.
Keys of one kind sort as text in time order, so "the latest period" is the greatest key.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.access import PROVIDER_BOUND_ROLES, Role
from domain.errors import DomainError, invalid
from domain.providers import ProviderKind

DEFAULT_SMALL_NUMBER_THRESHOLD = 5
KEY_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,59}$")


class IndicatorSource(StrEnum):
    """Where an indicator's values come from (the framework's list of data)."""

    KIDS = "kids"  # systematic observations with KIDS at the announced visit
    LAERINGSLEDELSE_SURVEY = "laeringsledelse_survey"  # Program for læringsledelse: a survey every second year
    KOMPETENCEHJULET = "kompetencehjulet"  # Learnlab's competence wheel
    SPROGVURDERING = "sprogvurdering"  # language assessment (Learnlab)
    KEY_FIGURE = "key_figure"  # municipal key figures and measurements (nøgletal)
    NATIONAL_SURVEY = "national_survey"  # national data: the ministry's user satisfaction and quality surveys
    LOCAL = "local"  # the municipality's or the provider's own measure

    @property
    def label_da(self) -> str:
        """The Danish name of the source."""
        return _SOURCE_LABELS[self]


_SOURCE_LABELS = {
    IndicatorSource.KIDS: "KIDS",
    IndicatorSource.LAERINGSLEDELSE_SURVEY: "Program for læringsledelse",
    IndicatorSource.KOMPETENCEHJULET: "Kompetencehjulet",
    IndicatorSource.SPROGVURDERING: "Sprogvurdering",
    IndicatorSource.KEY_FIGURE: "Kommunale nøgletal og målinger",
    IndicatorSource.NATIONAL_SURVEY: "Landsdækkende data",
    IndicatorSource.LOCAL: "Lokal måling",
}


class PeriodKind(StrEnum):
    """The period a value covers."""

    YEAR = "year"
    HALF_YEAR = "half_year"
    SURVEY_ROUND = "survey_round"


class MeasureUnit(StrEnum):
    """What a value counts or measures."""

    PERCENT = "percent"  # a share, 0-100
    COUNT = "count"  # a number of cases (children deferred, notifications): always subject to the small-number rule
    RATE = "rate"  # per 1,000
    SCORE = "score"  # a score on the indicator's own scale (scale_min..scale_max)
    DAYS = "days"  # e.g. sick days per employee


@dataclass(frozen=True)
class IndicatorDefinition:
    """One indicator of a municipality's catalogue."""

    key: str
    name: str  # Danish
    source: IndicatorSource
    unit: MeasureUnit
    period_kind: PeriodKind
    applies_to: frozenset[ProviderKind]
    shown_to_provider_roles: frozenset[Role]  # of leader, staff, parent board; admin and supervisors see all
    publishable: bool  # may ever leave the administration: published, or put before the committee
    scale_min: float | None = None
    scale_max: float | None = None
    small_number_threshold: int = DEFAULT_SMALL_NUMBER_THRESHOLD
    description: str | None = None


def check_definition(d: IndicatorDefinition) -> None:
    """Refuse a definition that cannot hold values sensibly."""
    if not KEY_PATTERN.match(d.key):
        raise invalid("body.key", "A key is 2-60 characters: lower-case letters, digits and _, starting with a letter.")
    if not d.name.strip():
        raise invalid("body.name", "An indicator needs a name.")
    if not d.shown_to_provider_roles <= PROVIDER_BOUND_ROLES:
        raise invalid("body.shown_to_provider_roles", "Only leader, staff and parent_board can be listed here.")
    if d.small_number_threshold < 1 or d.small_number_threshold > 100:
        raise invalid("body.small_number_threshold", "The small-number threshold is between 1 and 100.")
    if d.unit is MeasureUnit.PERCENT and (d.scale_min, d.scale_max) not in ((None, None), (0, 100)):
        raise invalid("body.scale_min", "A percentage runs from 0 to 100.")
    if d.unit is MeasureUnit.SCORE and (d.scale_min is None or d.scale_max is None):
        raise invalid("body.scale_min", "A score needs its scale: scale_min and scale_max.")
    if d.scale_min is not None and d.scale_max is not None and d.scale_min >= d.scale_max:
        raise invalid("body.scale_max", "scale_max must be above scale_min.")


def check_value(d: IndicatorDefinition, value: float, count: int | None, location: str = "body") -> None:
    """Refuse a value outside the indicator's unit and scale."""
    if not math.isfinite(value):
        raise invalid(f"{location}.value", "A value is a finite number.")
    low, high = (0.0, 100.0) if d.unit is MeasureUnit.PERCENT else (d.scale_min, d.scale_max)
    if low is None and d.unit in (MeasureUnit.COUNT, MeasureUnit.RATE, MeasureUnit.DAYS):
        low = 0.0
    if (low is not None and value < low) or (high is not None and value > high):
        scale = f"{'' if low is None else _number(low)}-{'' if high is None else _number(high)}"
        raise invalid(f"{location}.value", f"{_number(value)} is outside the scale of {d.key} ({scale}).")
    if d.unit is MeasureUnit.COUNT and value != int(value):
        raise invalid(f"{location}.value", "A count is a whole number.")
    if count is not None and count < 0:
        raise invalid(f"{location}.count", "A number of respondents or cases is 0 or more.")


# --- periods ---------------------------------------------------------------------------------------------------

_PERIOD_PATTERNS = {
    PeriodKind.YEAR: re.compile(r"^(\d{4})$"),
    PeriodKind.HALF_YEAR: re.compile(r"^(\d{4})-H([12])$"),
    PeriodKind.SURVEY_ROUND: re.compile(r"^(\d{4})-R([1-9])$"),
}
_PERIOD_EXAMPLES = {PeriodKind.YEAR: "2025", PeriodKind.HALF_YEAR: "2025-H1", PeriodKind.SURVEY_ROUND: "2025-R1"}


@dataclass(frozen=True, order=True)
class Period:
    """A parsed period key: the year and, for half-years and survey rounds, the half or round number."""

    kind: PeriodKind
    year: int
    part: int = 0

    @property
    def key(self) -> str:
        return {
            PeriodKind.YEAR: f"{self.year}",
            PeriodKind.HALF_YEAR: f"{self.year}-H{self.part}",
            PeriodKind.SURVEY_ROUND: f"{self.year}-R{self.part}",
        }[self.kind]

    @property
    def starts_on(self) -> date:
        """The first day the period covers (a survey round is dated to its year)."""
        return date(self.year, 7, 1) if self.kind is PeriodKind.HALF_YEAR and self.part == 2 else date(self.year, 1, 1)


def parse_period(text: str, kind: PeriodKind, location: str = "body.period") -> Period:
    """Parse a period key of the given kind, or refuse it with an example of the right form."""
    match = _PERIOD_PATTERNS[kind].match(text.strip())
    if match is None or not 1900 <= int(match.group(1)) <= 2999:
        raise invalid(location, f"A {kind.value} period is written like {_PERIOD_EXAMPLES[kind]!r}, not {text!r}.")
    return Period(kind, int(match.group(1)), int(match.group(2)) if match.lastindex == 2 else 0)


def latest_period_key_on(kind: PeriodKind, day: date) -> str:
    """The greatest period key of a kind that has begun on `day`: values up to it are 'the latest up to the day'."""
    if kind is PeriodKind.YEAR:
        return f"{day.year}"
    if kind is PeriodKind.HALF_YEAR:
        return f"{day.year}-H{1 if day.month <= 6 else 2}"
    return f"{day.year}-R9"


# --- who sees what ---------------------------------------------------------------------------------------------

SEES_RAW_NUMBERS = frozenset({Role.ADMIN, Role.SUPERVISOR})


def visible_to(d: IndicatorDefinition, role: Role) -> bool:
    """Whether a role sees an indicator's values at all.

    Admin and supervisors see every indicator, and so do integration clients (an import names them all; no client
    may read values). Leader, staff and parent board see those shown to their role (and only their own provider's
    values, which the API enforces). The committee sees only publishable indicators: its papers are public
    agendas, so what is put before it may be published.
    """
    if role in SEES_RAW_NUMBERS or role is Role.INTEGRATION:
        return True
    if role in PROVIDER_BOUND_ROLES:
        return role in d.shown_to_provider_roles
    if role is Role.COMMITTEE:
        return d.publishable
    return False


@dataclass(frozen=True)
class Presented:
    """A value as a role may see it. `value` and `count` are None when suppressed; `display` is always set."""

    value: float | None
    count: int | None
    display: str
    suppressed: bool


def present(d: IndicatorDefinition, value: float, count: int | None, role: Role) -> Presented:
    """The small-number rule: admin and supervisors see raw numbers; everyone else sees "<5" (the threshold) for a
    count below the threshold, and for any value computed from fewer respondents or cases than the threshold."""
    threshold = d.small_number_threshold
    if role in SEES_RAW_NUMBERS:
        return Presented(value, count, format_value(d.unit, value), False)
    small_value = d.unit is MeasureUnit.COUNT and value < threshold
    small_base = count is not None and count < threshold
    if small_value or small_base:
        return Presented(None, None, f"<{threshold}", True)
    return Presented(value, count, format_value(d.unit, value), False)


def format_value(unit: MeasureUnit, value: float) -> str:
    """A value as Danish text: decimal comma, thousands point, and its unit ("72,5 %", "3", "4,2 dage")."""
    text = _number(value)
    suffix = {MeasureUnit.PERCENT: " %", MeasureUnit.RATE: " ‰", MeasureUnit.DAYS: " dage"}.get(unit, "")
    return text + suffix


def _number(value: float) -> str:
    rounded = round(value, 2)
    whole = int(rounded)
    if rounded == whole:
        return f"{whole:,}".replace(",", ".")
    text = f"{rounded:,.2f}".rstrip("0")
    return text.replace(",", "\u2009").replace(".", ",").replace("\u2009", ".")


def unknown_indicator(key: str) -> DomainError:
    """A value names an indicator the municipality's catalogue does not have."""
    return invalid("body.indicator", f"The catalogue has no indicator {key!r}.")
