"""Anonymised benchmarks across a network: counts and rates only, never a provider's or a person's name or id."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import Field

from api.schemas.common import ReadModel
from domain.benchmarks import Measure
from domain.providers import ProviderKind
from domain.trends import PartKind

_MEASURE = "What the cell counts: " + "; ".join(f"`{m.value}` = {m.label_da}" for m in Measure) + "."


class FigureRead(ReadModel):
    """A cell's figure: what it rests on, what it counts and its value."""

    providers: int = Field(description="How many providers the figure rests on.")
    municipalities: int = Field(description="How many municipalities those providers belong to.")
    count: int = Field(
        description="What the measure counts among them: providers in the band, under concern, under intensified "
        "supervision or meeting every minimum; intensified periods that ended; action plans completed; visit reports "
        "judged."
    )
    value: float | None = Field(
        description="The figure: a percent with one decimal (a band's share of its row, when the row is shown; the "
        "share under concern, under intensified supervision, in time or compliant), or for `intensified_days` the "
        "median days. Null where there is nothing to divide by."
    )


class MunicipalityNameRead(ReadModel):
    """A member municipality that agreed to its name standing beside figures."""

    municipality_id: uuid.UUID = Field(description="The municipality's id.")
    name: str = Field(description="The municipality's name.")


class BenchmarkCellRead(ReadModel):
    """One shown cell of the benchmark: the network's figure, and the caller's own beside it."""

    measure: Measure = Field(description=_MEASURE)
    measure_label: str = Field(description="The measure in Danish.")
    part_kind: PartKind | None = Field(description="`area` or `theme` for one part's bands; null: the whole result.")
    part_key: str | None = Field(description="The area's or theme's key; null: the whole result.")
    part_name: str | None = Field(description="The area's or theme's name; null: the whole result.")
    provider_kind: ProviderKind | None = Field(description="The provider kind; null: all kinds.")
    band_key: str | None = Field(description="The band (for `bands`); null: all bands, or a measure without bands.")
    band_label: str | None = Field(description="The band in Danish.")
    network: FigureRead = Field(description="The network's figure: every active member's providers in the cell.")
    own: FigureRead | None = Field(
        description="Your municipality's own figure in the same cell; null when none of your providers is in it."
    )
    named: list[MunicipalityNameRead] = Field(
        description="Members in the cell that agreed to be named beside figures. Never beside a band, an action plan "
        "or an intensified period: that would tell which municipality has such a provider."
    )


class NetworkBenchmarksRead(ReadModel):
    """The network's benchmark for a period, as your municipality may see it.

    A cell is shown only when it rests on at least `k_min_providers` providers from at least `m_min_municipalities`
    municipalities, also without your own providers, and when no difference of two shown cells (or a total less its
    shown parts) rests on fewer. A cell not in `cells` is not shown; nothing says why, because that would tell.
    """

    network_id: uuid.UUID = Field(description="The network.")
    period_from: date = Field(description="The period's first day.")
    period_to: date = Field(description="The period's last day.")
    as_of: date = Field(description="The day the figures were computed.")
    k_min_providers: int = Field(description="The least number of providers a shown figure rests on.")
    m_min_municipalities: int = Field(description="The least number of municipalities a shown figure rests on.")
    members: int = Field(description="How many member municipalities' figures flow into the benchmark.")
    cells: list[BenchmarkCellRead] = Field(description="The shown cells, measure by measure.")
