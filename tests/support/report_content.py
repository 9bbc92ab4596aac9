"""Report content for rendering tests and the benchmark: a typical two-page report, built without a database.

Names are invented adults in their roles; nothing is about a child. The provider and supervisor names carry
æ, ø and å on purpose, so every renderer test also proves the Danish letters survive.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from domain.policy import KOLDING_BANDS
from domain.reports import (
    BandStep,
    Consequence,
    EarlierResult,
    FollowUpLine,
    RecommendationLine,
    ReportContent,
    ScoreLine,
    UnitResult,
)

PROVIDER = "Børnehuset Æblegården"
SUPERVISOR = "Mette Sørgård (pædagogisk konsulent)"
VISIT_DATE = date(2026, 3, 10)

BAND_SCALE = tuple(BandStep(b.label_da, b.lower_bound, b.concern.label_da) for b in KOLDING_BANDS)

AREAS = (
    ScoreLine("Fysiske omgivelser", 62.5, "area"),
    ScoreLine("Relationer", 71.0, "area"),
    ScoreLine("Leg og aktivitet", 44.0, "area"),
)

THEMES = (
    ScoreLine("Alsidig personlig udvikling", 66.7, "theme", "Relationer"),
    ScoreLine("Social udvikling", 75.0, "theme", "Relationer"),
    ScoreLine("Kommunikation og sprog", 58.3, "theme", "Leg og aktivitet"),
    ScoreLine("Krop, sanser og bevægelse", 41.7, "theme", "Leg og aktivitet"),
    ScoreLine("Natur, udeliv og science", 33.3, "theme", "Fysiske omgivelser"),
    ScoreLine("Kultur, æstetik og fællesskab", None, "theme", "Leg og aktivitet"),
)

RECOMMENDATIONS = (
    RecommendationLine(
        "Indret legezoner på stuerne, så børnene selv kan vælge og vende tilbage til en leg.",
        "Dagtilbudsleder Søren Åberg",
        date(2026, 6, 1),
    ),
    RecommendationLine(
        "Planlæg daglige sprogaktiviteter i små grupper med fokus på dialogisk læsning.",
        "Pædagogisk leder Birgitte Kjær",
        date(2026, 6, 15),
    ),
    RecommendationLine(
        "Brug legepladsen og naturen i nærområdet til undersøgende aktiviteter flere gange om ugen.",
        "Pædagogisk leder Birgitte Kjær",
        date(2026, 8, 1),
    ),
    RecommendationLine(
        "Drøft overgangene i dagen på et personalemøde, så ventetid bliver til læringstid.",
        "Dagtilbudsleder Søren Åberg",
        date(2026, 9, 1),
    ),
)


def recommendations(count: int) -> tuple[RecommendationLine, ...]:
    """`count` distinct recommendations (for long reports whose tables break across pages)."""
    return tuple(
        RecommendationLine(
            f"Anbefaling nr. {n}: styrk læringsmiljøet i garderoben og ved måltidet, så børn og voksne får tid "
            f"til samtale (punkt {n}).",
            "Dagtilbudsleder Søren Åberg" if n % 2 else "Pædagogisk leder Birgitte Kjær",
            date(2026, 5 + n % 6, 1 + n % 27),
        )
        for n in range(1, count + 1)
    )


def typical_content(**overrides: Any) -> ReportContent:
    """A typical report: announced visit, band tilstrækkelig, concern raised on other grounds, earlier result."""
    content = ReportContent(
        municipality_name="Fjordby Kommune",
        provider_name=PROVIDER,
        provider_kind_label_da="Kommunal daginstitution",
        scope_label_da="hele dagtilbuddet",
        unit_names=("Æblegården Vuggestue", "Æblegården Børnehave"),
        visit_kind_label_da="Anmeldt tilsyn",
        visit_date=VISIT_DATE,
        supervisors=(SUPERVISOR, "Jens Ølgaard (dagplejekonsulent)"),
        data_used=(
            "Systematisk observation (KIDS demo, version 1)",
            "Tidligere tilsynsrapport (2024)",
            "Læringsledelse-undersøgelsen 2025",
            "Sprogvurderinger og nøgletal for sygefravær",
        ),
        percent=57.9,
        band_label_da="tilstrækkelig",
        concern_label_da="bekymring",
        concern_justification=(
            "Under besøget var der i længere perioder for få voksne på legepladsen til, at de kunne "
            "understøtte børnenes leg. Det hæver bekymringsniveauet ud over det, scoren alene viser."
        ),
        band_scale=BAND_SCALE,
        areas=AREAS,
        themes=THEMES,
        unit_results=(
            UnitResult("Æblegården Vuggestue", 63.0, "tilstrækkelig", "ingen bekymring"),
            UnitResult("Æblegården Børnehave", 48.5, "utilstrækkelig", "bekymring"),
        ),
        consequences=(
            Consequence("Skærpet tilsyn", "dagtilbudsloven §5b, stk. 3", None),
            Consequence("Første opfølgende tilsynsbesøg", "dagtilbudsloven §5b, stk. 3", date(2026, 5, 9)),
        ),
        strengths=(
            "Varme og nærværende relationer mellem børn og voksne i vuggestuen.",
            "Gode rutiner ved måltidet, hvor børnene inddrages i at dække bord.",
            "Et engageret personale, der gerne drøfter egen praksis.",
        ),
        recommendations=RECOMMENDATIONS,
        follow_up=FollowUpLine(
            held_on=date(2026, 3, 24),
            number=1,
            summary="Vurderingen blev gennemgået med ledelsen, som genkender billedet af legepladsen.",
            agreed_follow_up="Ledelsen lægger en ny vagtplan for udetiden og følger op på personalemødet i april.",
        ),
        leader_comment="Vi er glade for anerkendelsen af relationerne og går i gang med legezonerne straks.",
        earlier=EarlierResult(date(2024, 3, 12), 66.0, "tilstrækkelig"),
        summary=(
            "Æblegården har et trygt og venligt læringsmiljø med gode relationer. Legen og de fysiske "
            "omgivelser understøtter endnu ikke børnenes fordybelse og nysgerrighed nok, især udendørs."
        ),
        policy_version=2,
        published_on=date(2026, 4, 20),
    )
    return replace(content, **overrides)
