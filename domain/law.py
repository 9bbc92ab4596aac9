"""The supervision provisions of dagtilbudsloven as dated data: which law was in force on a day, and what it says.

A report, a decision, a required action or a compliance verdict cites the law in force on the date of the act it
documents, never the law of today: a report on a visit in November 2024 cites the report duty as §5 stk. 3, one on a
visit in February 2025 as §5 stk. 2. Each version is one value of `LawVersion`; adding a future amendment is adding
one value to `VERSIONS` (and its tests), nothing else.

The versions:
- 2022: lov nr. 2594 af 28. december 2021 ("styrket tilsyn"), in force from 1 January 2022, as Kolding's framework
  and KL's guidance describe it;
- 2025: L 48, folketingsåret 2024-25 ("regelforenklinger"), in force from 1 January 2025: §5 stk. 2 (the published
  framework) is repealed, stk. 3-4 become stk. 2-3, §5a stk. 4 asks for "relevante data", and its second sentence
  (earlier intensified supervision and action plans must be included) is repealed.
The service models the rules from 1 January 2022; an act dated earlier is read under the first version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

from domain.errors import invalid
from domain.providers import ProviderKind

ACT = "dagtilbudsloven"


class Duty(StrEnum):
    """A duty of the supervision provisions, whatever its number in a given version. Values are stable slugs."""

    SUPERVISION = "supervision"  # the council supervises every daycare offer
    FRAMEWORK = "framework"  # the council sets and publishes a supervision framework (repealed 2025)
    REPORT = "report"  # a published report at least every second year
    CURRICULUM_FOUNDATION = "curriculum_foundation"
    VISITS = "visits"  # announced and unannounced visits
    IMPARTIALITY = "impartiality"
    DATA = "data"
    OBSERVATION = "observation"
    DIALOGUE = "dialogue"  # with leadership and staff during the visit
    FOLLOW_UP_DIALOGUE = "follow_up_dialogue"  # after the visit, and the parent board informed
    WRITTEN_DOCUMENTATION = "written_documentation"
    INTENSIFIED = "intensified"  # concern -> intensified supervision
    ACTION_PLAN = "action_plan"  # serious concern -> intensified supervision and an action plan, at once
    ACTION_PLAN_CONTENT = "action_plan_content"  # the plan made with the leader, the parent board may comment
    POLITICAL_DISCUSSION = "political_discussion"  # the council discusses the daycare area every second year
    PRIVATE_CHILDMINDING = "private_childminding"  # continuous supervision of private pasning (§81)


class Minimum(StrEnum):
    """The legal minimums of supervision per provider and cycle (Kolding's framework lists nine for the 2022 law),
    in the law's order. Values are stable slugs; never rename one. `domain.compliance` checks them."""

    CURRICULUM_FOUNDATION = "curriculum_foundation"
    ANNOUNCED_AND_UNANNOUNCED_VISITS = "announced_and_unannounced_visits"
    IMPARTIALITY = "impartiality"
    DATA_AND_SYSTEMATIC_OBSERVATION = "data_and_systematic_observation"
    DIALOGUE_WITH_LEADERSHIP_AND_STAFF = "dialogue_with_leadership_and_staff"
    FOLLOW_UP_DIALOGUE = "follow_up_dialogue"
    WRITTEN_PUBLISHED_DOCUMENTATION = "written_published_documentation"
    INTENSIFIED_ON_CONCERN = "intensified_on_concern"
    ACTION_PLAN_ON_SERIOUS_CONCERN = "action_plan_on_serious_concern"


@dataclass(frozen=True)
class MinimumText:
    """How one version words a minimum, and the duties (paragraphs) it rests on."""

    label_da: str
    duties: tuple[Duty, ...]


class DataRequirement(StrEnum):
    """What data a visit must draw on (§5a stk. 4)."""

    # 2022: qualitative and quantitative data, including written documentation from earlier visits and knowledge
    # from earlier dialogue, and any earlier intensified supervision or action plan.
    QUALITATIVE_AND_QUANTITATIVE = "qualitative_and_quantitative"
    RELEVANT = "relevant"  # 2025: "relevante data"


@dataclass(frozen=True)
class Paragraph:
    """Where a duty stands in one version, and a short Danish statement of it."""

    reference: str  # "§5, stk. 3"
    statement_da: str

    def cite(self) -> str:
        return f"{ACT} {self.reference}"


@dataclass(frozen=True)
class LawVersion:
    key: str  # a stable slug: "2022", "2025"
    title_da: str
    source: str  # the act that made this version
    effective_from: date
    paragraphs: Mapping[Duty, Paragraph]
    data_requirement: DataRequirement
    earlier_escalation_is_data: bool  # earlier intensified supervision and action plans must feed a visit
    # Provider kinds under each duty. The report duty names institutions, their units, the dagpleje and
    # puljeordninger; private pasning (§81) is supervised without a publication duty.
    supervised_kinds: frozenset[ProviderKind]
    report_kinds: frozenset[ProviderKind]
    private_childminding_kinds: frozenset[ProviderKind]
    minimums: Mapping[Minimum, MinimumText]  # in `Minimum` order

    def has(self, duty: Duty) -> bool:
        return duty in self.paragraphs

    def paragraph(self, duty: Duty) -> Paragraph:
        try:
            return self.paragraphs[duty]
        except KeyError:
            raise invalid("duty", f"The law from {self.effective_from:%d.%m.%Y} has no duty `{duty}`.") from None

    def cite_minimum(self, minimum: Minimum) -> str:
        """The paragraphs a minimum rests on in this version, e.g. "dagtilbudsloven §5, stk. 3, og §5b, stk. 2"."""
        return self.cite(*self.minimums[minimum].duties)

    def cite(self, *duties: Duty) -> str:
        """The citation of one or more duties: "dagtilbudsloven §5b, stk. 3-4", "... §5, stk. 2, og §5b, stk. 2"."""
        return f"{ACT} " + join_references([self.paragraph(d).reference for d in duties])


_INSTITUTIONS = frozenset(
    {
        ProviderKind.MUNICIPAL_INSTITUTION,
        ProviderKind.SELF_GOVERNING_INSTITUTION,
        ProviderKind.VILLAGE_SCHEME,
        ProviderKind.PRIVATE_INSTITUTION,
    }
)


def _paragraphs(**by_duty: tuple[str, str]) -> Mapping[Duty, Paragraph]:
    return MappingProxyType({Duty(k): Paragraph(ref, text) for k, (ref, text) in by_duty.items()})


_SECTION_5A_5B = dict(
    curriculum_foundation=("§5a, stk. 1", "Tilsynet tager udgangspunkt i det pædagogiske grundlag i læreplanen."),
    visits=("§5a, stk. 2", "Tilsynet omfatter anmeldte og uanmeldte tilsynsbesøg."),
    impartiality=("§5a, stk. 3", "Tilsynet udføres uvildigt."),
    observation=("§5a, stk. 5", "Tilsynsbesøget omfatter observation af læringsmiljøet."),
    dialogue=("§5a, stk. 6", "Tilsynsbesøget omfatter dialog med ledelse og medarbejdere."),
    follow_up_dialogue=(
        "§5b, stk. 1",
        "Efter tilsynsbesøget drøftes vurderingen og opfølgningen med lederen; forældrebestyrelsen orienteres.",
    ),
    written_documentation=("§5b, stk. 2", "Tilsynet dokumenteres skriftligt med konkret opfølgning, hvor relevant."),
    intensified=("§5b, stk. 3", "Bekymring for læringsmiljøet eller andre forhold fører til skærpet tilsyn."),
    action_plan=(
        "§5b, stk. 4",
        "Alvorlig bekymring fører i umiddelbar forlængelse til skærpet tilsyn og en handleplan.",
    ),
    action_plan_content=(
        "§5b, stk. 5",
        "Handleplanen udarbejdes i dialog med lederen; forældrebestyrelsen orienteres og kan kommentere.",
    ),
    political_discussion=("§3a, stk. 5", "Kommunalbestyrelsen drøfter dagtilbudsområdets udvikling hvert andet år."),
    private_childminding=("§81", "Privat pasning føres der løbende tilsyn med som med dagtilbud for samme alder."),
)


def _minimums(data_label: str) -> Mapping[Minimum, MinimumText]:
    texts = {
        Minimum.CURRICULUM_FOUNDATION: MinimumText(
            "Udgangspunkt i det pædagogiske grundlag i den styrkede pædagogiske læreplan", (Duty.CURRICULUM_FOUNDATION,)
        ),
        Minimum.ANNOUNCED_AND_UNANNOUNCED_VISITS: MinimumText("Anmeldte og uanmeldte tilsyn over tid", (Duty.VISITS,)),
        Minimum.IMPARTIALITY: MinimumText("Uvildighed i tilsynet", (Duty.IMPARTIALITY,)),
        Minimum.DATA_AND_SYSTEMATIC_OBSERVATION: MinimumText(data_label, (Duty.DATA, Duty.OBSERVATION)),
        Minimum.DIALOGUE_WITH_LEADERSHIP_AND_STAFF: MinimumText("Dialog med ledelse og medarbejdere", (Duty.DIALOGUE,)),
        Minimum.FOLLOW_UP_DIALOGUE: MinimumText("Opfølgende dialog efter tilsynsbesøget", (Duty.FOLLOW_UP_DIALOGUE,)),
        Minimum.WRITTEN_PUBLISHED_DOCUMENTATION: MinimumText(
            "Skriftlig dokumentation, som offentliggøres", (Duty.REPORT, Duty.WRITTEN_DOCUMENTATION)
        ),
        Minimum.INTENSIFIED_ON_CONCERN: MinimumText(
            "Skærpet tilsyn ved bekymring", (Duty.INTENSIFIED, Duty.ACTION_PLAN)
        ),
        Minimum.ACTION_PLAN_ON_SERIOUS_CONCERN: MinimumText(
            "Handleplan i samarbejde med ledelsen ved alvorlig bekymring", (Duty.ACTION_PLAN, Duty.ACTION_PLAN_CONTENT)
        ),
    }
    return MappingProxyType({m: texts[m] for m in Minimum})


LAW_2022 = LawVersion(
    key="2022",
    title_da="Styrket tilsyn (lov nr. 2594 af 28. december 2021)",
    source="lov nr. 2594 af 28. december 2021",
    effective_from=date(2022, 1, 1),
    paragraphs=_paragraphs(
        supervision=("§5, stk. 1", "Kommunalbestyrelsen fører tilsyn med indholdet i alle dagtilbud."),
        framework=("§5, stk. 2", "Kommunalbestyrelsen fastsætter og offentliggør en ramme for tilsynet."),
        report=(
            "§5, stk. 3",
            "Mindst hvert andet år offentliggøres en skriftlig tilsynsrapport på dagtilbuddets hjemmeside.",
        ),
        data=(
            "§5a, stk. 4",
            "Tilsynet inddrager kvalitative og kvantitative data, herunder tidligere tilsyn, dialog og "
            "eventuelt tidligere skærpet tilsyn og handleplaner.",
        ),
        **_SECTION_5A_5B,
    ),
    data_requirement=DataRequirement.QUALITATIVE_AND_QUANTITATIVE,
    earlier_escalation_is_data=True,
    supervised_kinds=frozenset(ProviderKind),
    report_kinds=_INSTITUTIONS | {ProviderKind.MUNICIPAL_CHILDMINDING, ProviderKind.PULJEORDNING},
    private_childminding_kinds=frozenset({ProviderKind.PRIVATE_CHILDMINDING}),
    minimums=_minimums("Kvalitative og kvantitative data, herunder systematiske observationer"),
)

LAW_2025 = LawVersion(
    key="2025",
    title_da="Regelforenklinger (L 48, folketingsåret 2024-25)",
    source="L 48, folketingsåret 2024-25",
    effective_from=date(2025, 1, 1),
    paragraphs=_paragraphs(
        supervision=("§5, stk. 1", "Kommunalbestyrelsen fører tilsyn med indholdet i alle dagtilbud."),
        report=(
            "§5, stk. 2",
            "Mindst hvert andet år offentliggøres en skriftlig tilsynsrapport på dagtilbuddets hjemmeside.",
        ),
        data=("§5a, stk. 4", "Tilsynet inddrager relevante data."),
        **_SECTION_5A_5B,
    ),
    data_requirement=DataRequirement.RELEVANT,
    earlier_escalation_is_data=False,
    supervised_kinds=LAW_2022.supervised_kinds,
    report_kinds=LAW_2022.report_kinds,
    private_childminding_kinds=LAW_2022.private_childminding_kinds,
    minimums=_minimums("Relevante data, herunder systematiske observationer"),
)

# Oldest first; each version is in force from its date until the next one's.
VERSIONS: tuple[LawVersion, ...] = (LAW_2022, LAW_2025)


def law_in_force(day: date) -> LawVersion:
    """The version of the supervision provisions in force on `day`.

    The service models the rules from 1 January 2022 (§5a and §5b came with them); an act dated earlier, such as an
    imported old visit, is read under the first version rather than refused, and `effective_from` says so.
    """
    found = VERSIONS[0]
    for version in VERSIONS:
        if version.effective_from <= day:
            found = version
    return found


def kinds_always_under_report_duty() -> frozenset[ProviderKind]:
    """The provider kinds that every version of the law asks a published report of."""
    return frozenset.intersection(*(version.report_kinds for version in VERSIONS))


def join_references(references: Sequence[str]) -> str:
    """Join paragraph references, folding neighbouring subsections: "§5b, stk. 3" + "§5b, stk. 4" = "§5b, stk. 3-4"."""
    return _joined(tuple(references))


@lru_cache(maxsize=512)
def _joined(references: tuple[str, ...]) -> str:
    # A handful of distinct citations, asked for once per provider and minimum on the municipality's lists.
    groups: list[tuple[str, list[int]]] = []
    for reference in references:
        section, _, subsection = reference.partition(", stk. ")
        if subsection.isdigit() and groups and groups[-1][0] == section and groups[-1][1]:
            groups[-1][1].append(int(subsection))
        else:
            groups.append(
                (section if subsection.isdigit() else reference, [int(subsection)] if subsection.isdigit() else [])
            )
    parts = []
    for section, numbers in groups:
        if not numbers:
            parts.append(section)
        elif numbers == list(range(numbers[0], numbers[0] + len(numbers))) and len(numbers) > 1:
            parts.append(f"{section}, stk. {numbers[0]}-{numbers[-1]}")
        else:
            parts.append(f"{section}, stk. " + " og ".join(str(n) for n in numbers))
    return ", og ".join(parts)


def cite(day: date, *duties: Duty) -> str:
    """The citation of `duties` in the law in force on `day`: the one question most callers ask."""
    return law_in_force(day).cite(*duties)
