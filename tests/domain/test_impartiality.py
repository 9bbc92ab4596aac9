"""Impartiality (uvildighed): a supervisor never supervises where they work or declared a conflict of interest."""

from __future__ import annotations

import pytest

from domain.errors import DomainError, ErrorCode
from domain.impartiality import (
    ALLOWED_REASON,
    Affiliation,
    ConflictDeclaration,
    ImpartialityVerdict,
    may_supervise,
    require_impartial,
)


@pytest.mark.parametrize("role", ["leader", "staff"])
def test_leader_or_staff_at_the_provider_is_refused_with_the_role_named(role: str):
    verdict = may_supervise("sup-1", "prov-1", affiliations=[Affiliation("prov-1", role)], conflicts=[])
    assert not verdict.allowed
    assert f"is {role} at provider prov-1" in verdict.reason


def test_a_declared_conflict_is_refused_with_the_declared_reason():
    conflicts = [ConflictDeclaration("prov-1", "Min søster er pædagog i huset")]
    verdict = may_supervise("sup-1", "prov-1", affiliations=[], conflicts=conflicts)
    assert not verdict.allowed
    assert "declared a conflict of interest" in verdict.reason
    assert "Min søster er pædagog i huset" in verdict.reason


def test_an_unrelated_provider_is_allowed():
    verdict = may_supervise(
        "sup-1",
        "prov-2",
        affiliations=[Affiliation("prov-1", "leader")],
        conflicts=[ConflictDeclaration("prov-3", "Tidligere ansat")],
    )
    assert verdict == ImpartialityVerdict(True, "No affiliation or declared conflict with this provider.")
    assert verdict.reason == ALLOWED_REASON


def test_every_ground_is_named_once_and_one_shot_iterables_are_fine():
    affiliations = (a for a in [Affiliation("p", "staff"), Affiliation("p", "staff"), Affiliation("p", "leader")])
    conflicts = iter([ConflictDeclaration("p", "Nabo til lederen")])
    verdict = may_supervise("sup-1", "p", affiliations=affiliations, conflicts=conflicts)
    assert not verdict.allowed
    assert verdict.reason.count("is staff") == 1
    assert "is leader" in verdict.reason and "Nabo til lederen" in verdict.reason


def test_require_impartial_raises_at_the_given_location():
    with pytest.raises(DomainError) as caught:
        require_impartial(
            "sup-1",
            "prov-1",
            affiliations=[Affiliation("prov-1", "leader")],
            conflicts=[],
            location="body.supervisor_id",
        )
    error = caught.value
    assert error.code is ErrorCode.INVALID_INPUT
    assert [v.location for v in error.violations] == ["body.supervisor_id"]
    assert error.violations[0].message == error.detail and "leader" in error.detail


def test_require_impartial_returns_the_allowing_verdict():
    assert require_impartial("sup-1", "prov-1", affiliations=[], conflicts=[]).allowed


def test_an_unknown_role_is_refused():
    with pytest.raises(DomainError) as caught:
        Affiliation("prov-1", "parent")
    assert caught.value.violations[0].location == "role"


def test_a_declared_reason_ending_in_a_full_stop_reads_as_one_sentence():
    verdict = may_supervise(
        "s1", "p1", affiliations=(), conflicts=(ConflictDeclaration("p1", "Barnebarn i børnehaven."),)
    )
    assert "børnehaven.." not in verdict.reason
    assert "Barnebarn i børnehaven." in verdict.reason
