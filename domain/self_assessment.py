"""The self-assessment of a municipality's supervision practice (KL's development partnership), as versioned data.

KL asks each municipality in a network to assess its own supervision practice before the network starts, and again
at its end (`Phase`). The questionnaire has two sections:
- the legal minimums in force on the day it is answered: one question per minimum of `domain.law` (Kolding's nine,
  worded and cited as that version words them), plus the duties around them that are the council's own: the
  published supervision framework (only while the law has it: repealed from 1 January 2025) and the political
  discussion of the daycare area every second year;
- KL's points for good supervision practice: the partnership's aims (systematic assessment of and follow-up on
  quality, a stronger evaluation culture, a clear basis for judging quality) and the cross-cutting themes of KL's
  "pejlemærker for kommunal tilsynspraksis" (methods and perspectives, reporting and dialogue at every level,
  transparency, cadence and differentiated supervision, the council's insight).

Each question has a stable key (never renamed), a Danish text, an answer scale, and the evidence the service fills
in itself from what it already computes (`PracticeEvidenceKind`): the municipality's own judgement stands beside its
figures.
A questionnaire's version is its edition and the law's key (`"1/2025"`): the same edition reads differently on either
side of a change in the law, and a submitted self-assessment keeps the version it was answered under.

Across a network each question's answers are shown as a distribution (counts per level) only when at least `m`
municipalities answered it (`distribution`): the small-numbers rule of the network's benchmarks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from domain.errors import DomainError, ErrorCode, Violation, invalid
from domain.law import VERSIONS, Duty, LawVersion, Minimum, law_in_force

EDITION = "1"  # the edition of the good-practice questions; a new edition keeps every key it does not retire
KEY_MAX_LENGTH = 80
COMMENT_MAX_LENGTH = 4000


class Phase(StrEnum):
    """When the municipality answers: before the network starts, or at its end."""

    BEFORE = "before"
    AFTER = "after"

    @property
    def label_da(self) -> str:
        return {Phase.BEFORE: "før netværket", Phase.AFTER: "efter netværket"}[self]


class SelfAssessmentStatus(StrEnum):
    """A draft is answered and changed; a submitted one is frozen, with its evidence as it stood that day."""

    DRAFT = "draft"
    SUBMITTED = "submitted"

    @property
    def label_da(self) -> str:
        return {SelfAssessmentStatus.DRAFT: "kladde", SelfAssessmentStatus.SUBMITTED: "indsendt"}[self]


class Section(StrEnum):
    LEGAL_MINIMUMS = "legal_minimums"
    GOOD_PRACTICE = "good_practice"

    @property
    def label_da(self) -> str:
        return {
            Section.LEGAL_MINIMUMS: "Lovens minimumskrav til tilsynet",
            Section.GOOD_PRACTICE: "God tilsynspraksis (KL)",
        }[self]


class Scale(StrEnum):
    """How a question is answered: whether the practice does it, or how far one agrees (1 = not at all, 5 = fully)."""

    YES_PARTLY_NO = "yes_partly_no"
    ONE_TO_FIVE = "one_to_five"

    @property
    def levels(self) -> tuple[tuple[str, str], ...]:
        """The answer levels, lowest first, each with its Danish label."""
        return _LEVELS[self]

    def allows(self, value: str) -> bool:
        return any(value == level for level, _ in self.levels)


_LEVELS = {
    Scale.YES_PARTLY_NO: (("no", "nej"), ("partly", "delvist"), ("yes", "ja")),
    Scale.ONE_TO_FIVE: (
        ("1", "1 - slet ikke"),
        ("2", "2 - i mindre grad"),
        ("3", "3 - i nogen grad"),
        ("4", "4 - i høj grad"),
        ("5", "5 - i meget høj grad"),
    ),
}


class PracticeEvidenceKind(StrEnum):
    """What the service fills in beside an answer, always from a figure it already shows elsewhere."""

    # Active providers per status for one minimum, in their current cycles: `GET /compliance`.
    COMPLIANCE_MINIMUM = "compliance_minimum"
    # Active providers with no minimum `not_met`: `GET /compliance`.
    COMPLIANT_PROVIDERS = "compliant_providers"
    # Reports the law or the policy asks for, and how many of them are not overdue: `GET /publication-tracker`.
    REPORTS_IN_TIME = "reports_in_time"


@dataclass(frozen=True)
class EvidenceSpec:
    """One piece of evidence a question shows: its kind, the minimum for `compliance_minimum`, and what it shows."""

    kind: PracticeEvidenceKind
    label_da: str
    minimum: Minimum | None = None

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.minimum.value}" if self.minimum else self.kind.value


@dataclass(frozen=True)
class Question:
    key: str
    section: Section
    text_da: str
    scale: Scale
    evidence: tuple[EvidenceSpec, ...] = ()
    legal_reference: str | None = None  # as the law in force on the day of answering cites it


@dataclass(frozen=True)
class Questionnaire:
    edition: str
    law: LawVersion
    questions: tuple[Question, ...]

    @property
    def version(self) -> str:
        return f"{self.edition}/{self.law.key}"

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)

    @property
    def evidence(self) -> tuple[EvidenceSpec, ...]:
        """Every piece of evidence the questionnaire asks for, once each, in question order."""
        seen: dict[str, EvidenceSpec] = {}
        for q in self.questions:
            for e in q.evidence:
                seen.setdefault(e.key, e)
        return tuple(seen.values())


def _minimum_evidence(minimum: Minimum, what: str) -> EvidenceSpec:
    return EvidenceSpec(PracticeEvidenceKind.COMPLIANCE_MINIMUM, what, minimum)


_REPORTS_IN_TIME = EvidenceSpec(PracticeEvidenceKind.REPORTS_IN_TIME, "Tilsynsrapporter, der ikke er over fristen")
_COMPLIANT = EvidenceSpec(PracticeEvidenceKind.COMPLIANT_PROVIDERS, "Dagtilbud, der overholder alle minimumskrav")
_OBSERVATION = _minimum_evidence(
    Minimum.DATA_AND_SYSTEMATIC_OBSERVATION, "Dagtilbud med data og systematisk observation i tilsynsperioden"
)
_VISITS = _minimum_evidence(
    Minimum.ANNOUNCED_AND_UNANNOUNCED_VISITS, "Dagtilbud med de anmeldte og uanmeldte tilsyn, politikken kræver"
)
_FOLLOW_UP = _minimum_evidence(Minimum.FOLLOW_UP_DIALOGUE, "Dagtilbud med opfølgende dialog efter hvert tilsyn")

# What the service can show beside each minimum, beyond the minimum's own counts.
_EXTRA_EVIDENCE = {Minimum.WRITTEN_PUBLISHED_DOCUMENTATION: (_REPORTS_IN_TIME,)}


def _legal_questions(law: LawVersion) -> list[Question]:
    questions = []
    if law.has(Duty.FRAMEWORK):
        questions.append(
            Question(
                "law.framework",
                Section.LEGAL_MINIMUMS,
                "Kommunalbestyrelsen har fastsat og offentliggjort en ramme for tilsynet.",
                Scale.YES_PARTLY_NO,
                legal_reference=law.cite(Duty.FRAMEWORK),
            )
        )
    for minimum, text in law.minimums.items():
        own = _minimum_evidence(minimum, f"Dagtilbud pr. status for minimumskravet: {text.label_da}")
        questions.append(
            Question(
                f"minimum.{minimum.value}",
                Section.LEGAL_MINIMUMS,
                f"Vores tilsyn lever op til minimumskravet: {text.label_da}.",
                Scale.YES_PARTLY_NO,
                (own, *_EXTRA_EVIDENCE.get(minimum, ())),
                law.cite_minimum(minimum),
            )
        )
    questions.append(
        Question(
            "law.political_discussion",
            Section.LEGAL_MINIMUMS,
            "Kommunalbestyrelsen drøfter dagtilbudsområdets udvikling, herunder tilsynet, mindst hvert andet år.",
            Scale.YES_PARTLY_NO,
            legal_reference=law.cite(Duty.POLITICAL_DISCUSSION),
        )
    )
    return questions


_GOOD_PRACTICE = (
    (
        "practice.systematic_assessment",
        "Vi vurderer kvaliteten af de pædagogiske læringsmiljøer systematisk og på samme måde på tværs af dagtilbud, "
        "med systematiske observationer.",
        (_OBSERVATION, _VISITS),
    ),
    (
        "practice.systematic_follow_up",
        "Vi følger systematisk op på tilsynets vurderinger, både sammen med det enkelte dagtilbud og i forvaltningen.",
        (_FOLLOW_UP, _REPORTS_IN_TIME, _COMPLIANT),
    ),
    (
        "practice.evaluation_culture",
        "Der er en evalueringskultur på dagtilbudsområdet, hvor tilsynets resultater bruges til at udvikle praksis.",
        (),
    ),
    (
        "practice.quality_basis",
        "Grundlaget for vores vurdering af kvalitet (forståelse af kvalitet, skalaer og grænser for bekymring) er "
        "tydeligt for tilsynsførende, dagtilbud og forældre.",
        (),
    ),
    (
        "practice.methods_and_perspectives",
        "Vi vælger metoder bevidst og inddrager forskellige perspektiver: ledelse, medarbejdere, forældre og børn.",
        (_OBSERVATION,),
    ),
    (
        "practice.reporting_and_dialogue",
        "Tilsynet afrapporteres, drøftes og følges op på alle niveauer: i dagtilbuddet, i forvaltningen og politisk.",
        (_FOLLOW_UP, _REPORTS_IN_TIME),
    ),
    (
        "practice.transparency_and_cadence",
        "Tilsynet er gennemsigtigt og uvildigt, med en fast kadence og et differentieret tilsyn efter behov.",
        (_VISITS,),
    ),
    (
        "practice.council_insight",
        "Kommunalbestyrelsen har indsigt i og tager ansvar for vurderingen af og opfølgningen på kvaliteten.",
        (),
    ),
)


def _build(edition: str, law: LawVersion) -> Questionnaire:
    if edition != EDITION:
        raise invalid("questionnaire_version", f"No questionnaire edition `{edition}`; the current one is {EDITION}.")
    practice = [Question(k, Section.GOOD_PRACTICE, t, Scale.ONE_TO_FIVE, e) for k, t, e in _GOOD_PRACTICE]
    return Questionnaire(edition, law, (*_legal_questions(law), *practice))


_BUILT = {law.key: _build(EDITION, law) for law in VERSIONS}


def questionnaire_on(day: date) -> Questionnaire:
    """The questionnaire answered on `day`: the current edition, citing the law in force that day."""
    return _BUILT[law_in_force(day).key]


def questionnaire(version: str) -> Questionnaire:
    """The questionnaire of a stored version (`"1/2025"`)."""
    edition, _, law_key = version.partition("/")
    if edition != EDITION or law_key not in _BUILT:
        raise invalid("questionnaire_version", f"No questionnaire version `{version}`.")
    return _BUILT[law_key]


# --- answers ----------------------------------------------------------------------------------------------------


def check_answer(questionnaire_: Questionnaire, key: str, judgement: str | None, location: str) -> Question:
    """The question `key` asks, if `judgement` (None: not answered yet) is one of its scale's levels."""
    question = questionnaire_.question(key)
    if question is None:
        raise invalid(
            f"{location}.question_key", f"The questionnaire {questionnaire_.version} has no question `{key}`."
        )
    if judgement is not None and not question.scale.allows(judgement):
        levels = ", ".join(level for level, _ in question.scale.levels)
        raise invalid(f"{location}.judgement", f"`{key}` is answered with one of: {levels}.")
    return question


def check_complete(questionnaire_: Questionnaire, judgements: Mapping[str, str | None]) -> None:
    """Refuse to submit while a question of the questionnaire has no judgement, naming each one."""
    missing = [q.key for q in questionnaire_.questions if judgements.get(q.key) is None]
    if missing:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            f"Answer every question before submitting; {len(missing)} have no judgement: {', '.join(missing)}.",
            [Violation(f"answers.{key}", "This question has no judgement.") for key in missing],
        )


def check_draft(status: SelfAssessmentStatus) -> None:
    """A submitted self-assessment is frozen: its answers and evidence are what the network compared."""
    if status is not SelfAssessmentStatus.DRAFT:
        raise DomainError(ErrorCode.CONFLICT, "The self-assessment is submitted and can no longer be changed.")


def share_in_time(required: int, overdue: int) -> float | None:
    """Reports not overdue, in percent of those required (one decimal); None when none is required."""
    return round(100 * (required - overdue) / required, 1) if required else None


# --- across the network -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Distribution:
    """One question's answers across the network: counts per level, or None when fewer than `m` municipalities
    answered it (`shown` False). `answered` is how many municipalities answered it."""

    key: str
    answered: int
    counts: tuple[tuple[str, int], ...] | None

    @property
    def shown(self) -> bool:
        return self.counts is not None


def distribution(question: Question, judgements: Iterable[str], min_municipalities: int) -> Distribution:
    """Counts per level of one question's judgements (one per municipality), shown only from `min_municipalities`."""
    counted = Counter(judgements)
    answered = sum(counted.values())
    if answered < min_municipalities:
        return Distribution(question.key, answered, None)
    return Distribution(question.key, answered, tuple((level, counted[level]) for level, _ in question.scale.levels))
