"""The council's summary's own rules: the period it may cover, that only a draft changes, and that a figure over a
few private childminders (each one person) is not shown."""

from __future__ import annotations

from datetime import date

import pytest

from domain.council_summary import (
    SummaryStatus,
    check_period,
    kind_mean_shown,
    require_correctable,
    require_draft,
)
from domain.errors import DomainError, ErrorCode
from domain.providers import ProviderKind

TODAY = date(2026, 11, 29)


def test_a_period_ends_by_today_and_spans_at_most_five_years():
    check_period(date(2024, 11, 30), TODAY, TODAY)
    for first, last, where in (
        (TODAY, date(2026, 11, 1), "body.period_to"),
        (date(2025, 1, 1), date(2026, 12, 1), "body.period_to"),
        (date(2021, 11, 29), TODAY, "body.period_from"),
    ):
        with pytest.raises(DomainError) as refused:
            check_period(first, last, TODAY)
        assert [v.location for v in refused.value.violations] == [where]


def test_only_a_draft_changes_and_only_the_final_version_is_corrected():
    require_draft(SummaryStatus.DRAFT, "changing")
    for status in (SummaryStatus.FINAL, SummaryStatus.SUPERSEDED):
        with pytest.raises(DomainError) as refused:
            require_draft(status, "changing")
        assert refused.value.code is ErrorCode.CONFLICT
    require_correctable(SummaryStatus.FINAL)
    for status in (SummaryStatus.DRAFT, SummaryStatus.SUPERSEDED):
        with pytest.raises(DomainError):
            require_correctable(status)


def test_a_mean_over_fewer_than_five_private_childminders_is_not_shown():
    assert not kind_mean_shown(ProviderKind.PRIVATE_CHILDMINDING, 4)
    assert kind_mean_shown(ProviderKind.PRIVATE_CHILDMINDING, 5)
    assert kind_mean_shown(ProviderKind.MUNICIPAL_CHILDMINDING, 1)  # the dagpleje as a whole, never one dagplejer
    assert kind_mean_shown(ProviderKind.MUNICIPAL_INSTITUTION, 1)
