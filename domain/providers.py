"""What is supervised: the kinds of daycare provider (dagtilbud) and the age groups they serve."""

from __future__ import annotations

from enum import StrEnum


class ProviderKind(StrEnum):
    """The kinds of provider put under supervision: daycare by dagtilbudsloven §5, private childminding by its §81,
    special daycare by serviceloven §146. Which kinds the law's report duty names, on a given day, is law data
    (`LawVersion.report_kinds` in domain.law); private pasningsordninger and specialdagtilbud publish a report only
    when the municipality's policy asks for it (`SupervisionPolicy.policy_report_kinds`)."""

    MUNICIPAL_INSTITUTION = "municipal_institution"
    SELF_GOVERNING_INSTITUTION = "self_governing_institution"
    VILLAGE_SCHEME = "village_scheme"
    PRIVATE_INSTITUTION = "private_institution"
    MUNICIPAL_CHILDMINDING = "municipal_childminding"
    PRIVATE_CHILDMINDING = "private_childminding"
    SPECIAL_DAYCARE = "special_daycare"
    # A pool scheme (puljeordning, §§101-102): daycare run under an agreement with the municipality. The slug is the
    # law's own word, as the supervision duty of dagtilbudsloven §5 names it.
    PULJEORDNING = "puljeordning"

    @property
    def label_da(self) -> str:
        """The Danish name used in reports and documents."""
        return _KIND_LABELS[self]

    @property
    def is_childminding(self) -> bool:
        """Dagpleje: each dagplejer is a unit, and the law asks for one combined report (the report duty of §5)."""
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
