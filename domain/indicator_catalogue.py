"""Kolding Kommune's indicator catalogue: the default every municipality starts from.

Built from the framework's table "Data som et ledelsesredskab", which marks which data apply to which providers.
Its four columns are read as provider kinds:
- "De kommunale institutioner": municipal and self-governing institutions and village schemes (the institutions
  the municipality runs or funds under an operating agreement);
- "Den kommunale dagpleje": municipal childminding;
- "De private institutioner": private institutions and puljeordninger;
- "De private pasningsordninger": private childminding.
Specialdagtilbud are not in the table: no indicator applies to them until the municipality says so.

Two readings of the table are choices, not transcriptions: the Læringsledelse survey of children (aged 4-6) applies
to institutions only (a dagpleje has no children of that age), and for private institutions the education level is
the leader's ("X – lederen"). Who sees what beyond admin and supervisors (`shown_to_provider_roles`, `publishable`)
is not in the framework; the defaults keep personnel data (sick leave, staff wellbeing, the leader evaluation) and
notifications (underretninger) inside the administration and the provider's leader.
"""

from __future__ import annotations

from domain.access import Role
from domain.indicators import IndicatorDefinition, IndicatorSource, MeasureUnit, PeriodKind
from domain.providers import ProviderKind

MUNICIPAL_INSTITUTIONS = frozenset(
    {ProviderKind.MUNICIPAL_INSTITUTION, ProviderKind.SELF_GOVERNING_INSTITUTION, ProviderKind.VILLAGE_SCHEME}
)
MUNICIPAL_CHILDMINDING = frozenset({ProviderKind.MUNICIPAL_CHILDMINDING})
PRIVATE_INSTITUTIONS = frozenset({ProviderKind.PRIVATE_INSTITUTION, ProviderKind.PULJEORDNING})
PRIVATE_CHILDMINDING = frozenset({ProviderKind.PRIVATE_CHILDMINDING})

_MUNICIPAL = MUNICIPAL_INSTITUTIONS | MUNICIPAL_CHILDMINDING
_ALL_IN_TABLE = _MUNICIPAL | PRIVATE_INSTITUTIONS | PRIVATE_CHILDMINDING

_PROVIDER_ROLES = frozenset({Role.LEADER, Role.STAFF, Role.PARENT_BOARD})
_LEADER_AND_STAFF = frozenset({Role.LEADER, Role.STAFF})
_LEADER = frozenset({Role.LEADER})

Y, H, R = PeriodKind.YEAR, PeriodKind.HALF_YEAR, PeriodKind.SURVEY_ROUND
PCT, CNT, SCORE, DAYS = MeasureUnit.PERCENT, MeasureUnit.COUNT, MeasureUnit.SCORE, MeasureUnit.DAYS


def _d(key, name, source, unit, period, applies, shown, publishable, scale=(None, None), description=None):  # type: ignore[no-untyped-def]
    return IndicatorDefinition(
        key=key,
        name=name,
        source=source,
        unit=unit,
        period_kind=period,
        applies_to=frozenset(applies),
        shown_to_provider_roles=frozenset(shown),
        publishable=publishable,
        scale_min=scale[0],
        scale_max=scale[1],
        description=description,
    )


_S = IndicatorSource
KOLDING_CATALOGUE: tuple[IndicatorDefinition, ...] = (
    _d("kids_total", "KIDS: samlet score", _S.KIDS, PCT, Y, _ALL_IN_TABLE, _PROVIDER_ROLES, True, (0, 100),
       "Samlet procentscore fra KIDS-observationerne ved det anmeldte tilsyn."),
    _d("laeringsledelse_children", "Læringsledelse: børnenes svar (4-6 år)", _S.LAERINGSLEDELSE_SURVEY, SCORE, R,
       MUNICIPAL_INSTITUTIONS, _PROVIDER_ROLES, True, (1, 5)),
    _d("laeringsledelse_parents", "Læringsledelse: forældrenes svar", _S.LAERINGSLEDELSE_SURVEY, SCORE, R,
       _MUNICIPAL, _PROVIDER_ROLES, True, (1, 5)),
    _d("laeringsledelse_staff", "Læringsledelse: medarbejdernes svar", _S.LAERINGSLEDELSE_SURVEY, SCORE, R,
       _MUNICIPAL, _PROVIDER_ROLES, True, (1, 5)),
    _d("laeringsledelse_leaders", "Læringsledelse: ledelsens svar", _S.LAERINGSLEDELSE_SURVEY, SCORE, R,
       _MUNICIPAL, _PROVIDER_ROLES, True, (1, 5)),
    _d("kompetencehjulet", "Kompetencehjulet: andel børn med alderssvarende kompetencer", _S.KOMPETENCEHJULET, PCT,
       Y, _MUNICIPAL, _PROVIDER_ROLES, True, (0, 100)),
    _d("sprogvurdering", "Sprogvurdering: andel børn i generel indsats", _S.SPROGVURDERING, PCT, Y, _MUNICIPAL,
       _PROVIDER_ROLES, True, (0, 100)),
    _d("socio_economic_profile", "Socioøkonomisk profil (Epinion)", _S.KEY_FIGURE, SCORE, Y,
       _MUNICIPAL | PRIVATE_INSTITUTIONS, _LEADER_AND_STAFF, False, (0, 100),
       "Indeks for børnegruppens socioøkonomiske baggrund; offentliggøres ikke, da det kan stigmatisere."),
    _d("sick_leave", "Sygefravær (dage pr. medarbejder)", _S.KEY_FIGURE, DAYS, H, _MUNICIPAL, _LEADER, False),
    _d("school_deferral", "Skoleudsættelse (antal børn)", _S.KEY_FIGURE, CNT, Y, _MUNICIPAL | PRIVATE_INSTITUTIONS,
       _PROVIDER_ROLES, True),
    _d("education_level", "Uddannelsesniveau: andel pædagogisk uddannede", _S.KEY_FIGURE, PCT, Y,
       _MUNICIPAL | PRIVATE_INSTITUTIONS, _PROVIDER_ROLES, True, (0, 100),
       "For private institutioner: lederens uddannelse (rammens \"X – lederen\")."),
    _d("notifications", "Underretninger (antal)", _S.KEY_FIGURE, CNT, Y, _MUNICIPAL, _LEADER, False),
    _d("boernelinealen", "Børnelinealen: andel børn i trivsel", _S.KEY_FIGURE, PCT, Y, _MUNICIPAL, _PROVIDER_ROLES,
       True, (0, 100)),
    _d("staff_wellbeing", "Trivselsmåling: medarbejdertrivsel", _S.KEY_FIGURE, SCORE, R, _MUNICIPAL,
       _LEADER_AND_STAFF, False, (0, 100)),
    _d("leader_evaluation", "Lederevaluering", _S.KEY_FIGURE, SCORE, R, _MUNICIPAL, _LEADER, False, (0, 100),
       "Handler om én navngiven person: vises kun for lederen selv og forvaltningen."),
    _d("national_user_satisfaction", "Brugertilfredshedsundersøgelsen (Indenrigs- og Boligministeriet)",
       _S.NATIONAL_SURVEY, SCORE, R, _MUNICIPAL, _PROVIDER_ROLES, True, (1, 5)),
    _d("national_quality_survey", "National kvalitetsundersøgelse", _S.NATIONAL_SURVEY, SCORE, R, _MUNICIPAL,
       _PROVIDER_ROLES, True, (1, 5)),
)  # fmt: skip

DEFAULT_KEYS = frozenset(d.key for d in KOLDING_CATALOGUE)
if len(DEFAULT_KEYS) != len(KOLDING_CATALOGUE):
    raise RuntimeError("the default catalogue repeats a key")
