"""The demo's story as data: which provider is visited when, with what result, and what the people write.

`api/demo_workflow.py` plays it through the real services; keeping the script apart from the player keeps each
readable. Days are counted back from the day the demo is loaded.
"""

from __future__ import annotations

from api.schemas.concern import ConcernSource, TriageOutcome
from domain.cycle import VisitKind

ANNOUNCED, UNANNOUNCED, INTENSIFIED = VisitKind.ANNOUNCED, VisitKind.UNANNOUNCED, VisitKind.INTENSIFIED
SOLSIKKEN, SKOVLY, FYRTAARNET = "Børnehuset Solsikken", "Børnehaven Skovly", "Børnehuset Fyrtårnet"
MYRETUEN, BOEGELUND = "Børnehaven Myretuen", "Landsbyordningen Bøgelund"
CONFLICTED = "Børnehaven Troldehøjen"  # supervisor 2 declared a conflict of interest here and never goes there

# Provider, supervisor (1 or 2), cycle 1 and cycle 2 as (days ago, percent) or None. The percent picks the band:
# 90+ fremragende, 70+ god, 50+ tilstrækkelig, 30+ utilstrækkelig (concern), below 30 ringe (serious concern).
HISTORY: list[tuple[str, int, tuple[int, int] | None, tuple[int, int] | None]] = [
    (SOLSIKKEN, 1, (690, 58), (20, 25)),
    ("Vuggestuen Mælkebøtten", 2, (682, 72), (318, 81)),
    (SKOVLY, 1, (674, 64), (160, 43)),
    ("Børnehuset Havblik", 2, (666, 84), (304, 92)),
    ("Børnehuset Regnbuen", 1, (658, 61), (290, 68)),
    ("Børnehuset Kastanjen", 2, (650, 74), (276, 71)),
    (MYRETUEN, 1, (642, 27), (200, 78)),
    ("Vuggestuen Spirehuset", 2, (634, 88), (262, 94)),
    (FYRTAARNET, 1, (626, 57), (40, 41)),
    ("Børnehuset Ankeret", 2, (618, 69), (248, 76)),
    ("Den selvejende institution Lærkereden", 1, (610, 79), (234, 85)),
    (CONFLICTED, 1, (602, 66), (220, 59)),
    ("Vuggestuen Humlebien", 2, (594, 73), None),
    ("Børnehuset Kildevæld", 2, (586, 52), (206, 63)),
    ("Landsbyordningen Fjordlyst", 1, (578, 81), (192, 77)),
    ("Landsbyordningen Egebjerg", 2, (570, 70), None),
    (BOEGELUND, 1, (562, 62), (178, 55)),
    ("Naturbørnehaven Mosegården", 2, (554, 90), (150, 96)),
    ("Den private børnehave Søstjernen", 1, (546, 75), (136, 72)),
    ("Friluftsvuggestuen Græshoppen", 2, (538, 58), None),
    ("Børnehuset Idrætsspirerne", 1, (530, 67), (122, 74)),
    ("Dagplejen Fjordby Nord", 2, (522, 76), (108, 82)),
    ("Dagplejen Fjordby Syd", 1, (514, 71), None),
    ("Privat pasning Ternevej", 2, (506, 65), None),
    ("Privat pasning Kløverstien", 2, (498, 60), None),
    ("Specialbørnehaven Delfinen", 1, (490, 77), (94, 80)),
    ("Specialgruppen Stjerneskud", 2, (482, 68), None),
]
# A theme weak at a provider's cycle 1 visit (its items a point lower, the total the same), carried forward to its
# cycle 2 visit and re-scored there: that visit's published report shows the theme before and after.
WEAK_AT_FIRST = {"Børnehuset Kildevæld": "communication_language"}
# Unannounced snapshots of everyday life in cycle 2 (notes, no instrument), before that cycle's announced visit.
SNAPSHOTS = [("Vuggestuen Mælkebøtten", 2, 340), ("Børnehuset Regnbuen", 1, 300),
             ("Den selvejende institution Lærkereden", 1, 250), ("Dagplejen Fjordby Nord", 2, 130)]  # fmt: skip
# Visits in the coming weeks: provider, kind, days ahead, supervisor. Solsikken's follows a concern notice.
PLANNED = [
    (SOLSIKKEN, UNANNOUNCED, 6, 1), (SKOVLY, INTENSIFIED, 8, 1), ("Vuggestuen Humlebien", ANNOUNCED, 9, 2),
    ("Specialgruppen Stjerneskud", UNANNOUNCED, 13, 2), ("Landsbyordningen Egebjerg", ANNOUNCED, 16, 2),
    (FYRTAARNET, INTENSIFIED, 17, 1), ("Friluftsvuggestuen Græshoppen", ANNOUNCED, 23, 2),
    ("Børnehuset Nordlys", UNANNOUNCED, 27, 1), ("Dagplejen Fjordby Syd", ANNOUNCED, 30, 1),
    ("Privat pasning Ternevej", ANNOUNCED, 37, 2),
]  # fmt: skip
# Provider, days ago, source, reporter (fictional, for the supervision's eyes only), summary, triage and its note.
NOTICES: list[tuple[str, int, ConcernSource, str | None, str, TriageOutcome | None, str | None]] = [
    (
        BOEGELUND, 200, ConcernSource.PARTNER, "Samarbejdspartner C (sundhedspleje)",
        "Samarbejdspartneren oplever, at der ofte mangler faste voksne i ydertimerne.",
        TriageOutcome.TRIAGED, "Tages alvorligt; følges op ved et uanmeldt besøg.",
    ),
    (
        SKOVLY, 120, ConcernSource.STAFF, "Medarbejder B",
        "En medarbejder beskriver travle eftermiddage, hvor børnene ofte venter uden aktiviteter.",
        TriageOutcome.TRIAGED, "Indgår i det skærpede tilsyn; drøftes ved næste skærpede tilsynsbesøg.",
    ),
    (
        "Børnehuset Regnbuen", 90, ConcernSource.ANONYMOUS, None,
        "En anonym henvendelse om, at legepladsens redskaber er slidte.",
        TriageOutcome.DISMISSED,
        "Legepladsens stand hører ikke under det pædagogiske tilsyn; sendt videre til ejendomsafdelingen.",
    ),
    (
        SOLSIKKEN, 10, ConcernSource.PARENT, "Forælder A",
        "Forælderen oplever urolige afleveringer om morgenen og få voksne i garderoben.",
        TriageOutcome.TRIAGED, "Hænger sammen med det skærpede tilsyn; ses ved et uanmeldt besøg om morgenen.",
    ),
    (
        "Børnehuset Kastanjen", 3, ConcernSource.PARENT, "Forælder D",
        "Forælderen spørger til, hvordan nye pædagoger introduceres til børnegruppen.",
        None, None,
    ),
]  # fmt: skip
STRENGTHS = [
    "Varme og nærværende relationer mellem børn og voksne",
    "Gode rammer for leg både ude og inde",
    "Sproget understøttes i hverdagens rutiner",
    "Tydelig struktur og genkendelige overgange",
    "Børnene inddrages i planlægningen af aktiviteter",
    "Et tæt og tillidsfuldt forældresamarbejde",
]
RECOMMENDATIONS = [
    ("Arbejd med sprogstimulering i garderoben og ved måltiderne.", "Dagtilbudsleder"),
    ("Styrk overgangene mellem aktiviteter, så ventetiden bliver kortere.", "Pædagogisk leder"),
    ("Indret rummene, så børnene selv kan vælge materialer til leg.", "Dagtilbudsleder"),
    ("Brug den pædagogiske læreplan aktivt i planlægningen af ugens aktiviteter.", "Dagtilbudsleder"),
    ("Giv de yngste børn flere muligheder for bevægelse og sansning.", "Pædagogisk personale"),
    ("Følg op på børnenes deltagelse i fællesskaber med systematiske observationer.", "Pædagogisk leder"),
]
GOALS = [
    (
        "Rolige og trygge afleveringer om morgenen",
        "En fast voksen i garderoben fra 6.30 til 8.30; ny plan for personalets fordeling i ydertimerne.",
        "Ved uanmeldte besøg er en voksen til stede i garderoben hver morgen, og afleveringerne er rolige.",
    ),
    (
        "Et sprogligt rigt læringsmiljø i hverdagens rutiner",
        "Sprogarbejdet planlægges ved hvert stuemøde; måltider og påklædning bruges til samtaler.",
        "Observation med instrumentet viser mindst tilstrækkelig kvalitet i temaet kommunikation og sprog.",
    ),
    (
        "Alle børn deltager i meningsfulde fællesskaber i legen",
        "Legen organiseres i mindre grupper med en voksen, der støtter børn, som står uden for legen.",
        "De voksne kan ved opfølgningen beskrive, hvordan hvert barn indgår i et legefællesskab.",
    ),
]
