"""What is supervised: the kinds of daycare provider (dagtilbud) and the age groups they serve."""

from __future__ import annotations

from enum import StrEnum


class ProviderKind(StrEnum):
    """The kinds of provider that dagtilbudsloven §5 stk. 1, §81 and serviceloven §146 put under supervision."""

    MUNICIPAL_INSTITUTION = "municipal_institution"
    SELF_GOVERNING_INSTITUTION = "self_governing_institution"
    VILLAGE_SCHEME = "village_scheme"
    PRIVATE_INSTITUTION = "private_institution"
    MUNICIPAL_CHILDMINDING = "municipal_childminding"
    PRIVATE_CHILDMINDING = "private_childminding"
    SPECIAL_DAYCARE = "special_daycare"
    # A pool scheme (puljeordning, §§101-102): daycare run under an agreement with the municipality. The slug is the
    # law's own word, as the supervision duty of §5 stk. 1 names it.
    PULJEORDNING = "puljeordning"

    @property
    def has_legal_report_duty(self) -> bool:
        """Whether §5 stk. 3 (stk. 2 from 2025) asks for a published report at least every second year.

        The law names the daginstitutioner (kommunale, selvejende, private and landsbyordninger, each unit where an
        institution has several), the dagpleje (one combined report) and the puljeordninger. Private
        pasningsordninger (§81) and specialdagtilbud (serviceloven §146) are supervised too, but publish only
        when the municipality's policy asks for it (`SupervisionPolicy.policy_report_kinds`).
        """
        return self not in (ProviderKind.PRIVATE_CHILDMINDING, ProviderKind.SPECIAL_DAYCARE)

    @property
    def label_da(self) -> str:
        """The Danish name used in reports and documents."""
        return _KIND_LABELS[self]

    @property
    def is_childminding(self) -> bool:
        """Dagpleje: each dagplejer is a unit, and the law asks for one combined report (§5 stk. 3)."""
        return self is ProviderKind.MUNICIPAL_CHILDMINDING


_KIND_LABELS = {
    ProviderKind.MUNICIPAL_INSTITUTION: "kommunal daginstitution",
    ProviderKind.SELF_GOVERNING_INSTITUTION: "selvejende daginstitution",
    ProviderKind.VILLAGE_SCHEME: "landsbyordning",
    ProviderKind.PRIVATE_INSTITUTION: "privat daginstitution",
    ProviderKind.MUNICIPAL_CHILDMINDING: "kommunal dagpleje",
    ProviderKind.PRIVATE_CHILDMINDING: "privat pasningsordning",
    ProviderKind.SPECIAL_DAYCARE: "specialdagtilbud",
    ProviderKind.PULJEORDNING: "puljeordning",
}


class AgeGroup(StrEnum):
    """The age groups a provider serves."""

    UNDER_THREE = "0-2"
    THREE_TO_SCHOOL = "3-5"

    @property
    def label_da(self) -> str:
        """The Danish name used in reports."""
        return {AgeGroup.UNDER_THREE: "0-2 år (vuggestue/dagpleje)", AgeGroup.THREE_TO_SCHOOL: "3-5 år (børnehave)"}[
            self
        ]


class UnitKind(StrEnum):
    """A unit is a department or site of an institution (afdeling/matrikel), or one dagplejer in the dagpleje."""

    DEPARTMENT = "department"
    CHILDMINDER = "childminder"

    @property
    def label_da(self) -> str:
        """The Danish name used in reports."""
        return {UnitKind.DEPARTMENT: "afdeling", UnitKind.CHILDMINDER: "dagplejer"}[self]
