"""The demo's network: Fjordby, Nabovig and Sundby in one of KL's networks, with enough supervision to compare.

Nabovig and Sundby each get a handful of providers with one completed, scored visit in the current cycle (played
through the same services as Fjordby's, by a supervisor of their own), so the benchmarks have figures to show. The
network asks for 10 providers from 2 municipalities (m at its floor): each member sees the network's figures without
its own providers (the complement rule of domain.benchmark_suppression), and in a network of three only two others
remain, so with the default m = 3 every figure would be hidden from every member. A real KL network has 8-12
municipalities and keeps the default. Fjordby created the network and agreed to be named beside its figures; the
others did not. Names are invented.
"""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session

from api import clock
from api.demo_story import ANNOUNCED
from api.demo_workflow import _Loader, principal_of
from api.passwords import hash_password
from api.schemas.network import MaterialCreate, MeetingCreate, NetworkCreate, ParticipantIn, ParticipantsReplace
from api.services import network_meetings, network_membership
from api.tables import Municipality, Provider, UserAccount
from domain.access import Role
from domain.networks import MaterialKind, MembershipStatus
from domain.providers import AgeGroup, ProviderKind

K = ProviderKind
BOTH, OLD, YOUNG = (
    [AgeGroup.UNDER_THREE, AgeGroup.THREE_TO_SCHOOL],
    [AgeGroup.THREE_TO_SCHOOL],
    [AgeGroup.UNDER_THREE],
)
PARTNER_KOMMUNEKODE = "996"
NETWORK_NAME = "KL-netværk Vest: systematisk tilsyn"
DEMO_M = 2  # the floor of domain.networks: see the docstring

# Providers of the two partners beyond Nabovig's first two, each with (days ago, percent) of its visit this cycle.
NABOVIG_MORE: list[tuple[str, ProviderKind, list[AgeGroup], tuple[int, int]]] = [
    ("Børnehuset Havtornen", K.MUNICIPAL_INSTITUTION, BOTH, (210, 74)),
    ("Børnehaven Sandslottet", K.MUNICIPAL_INSTITUTION, OLD, (180, 63)),
    ("Vuggestuen Muslingen", K.MUNICIPAL_INSTITUTION, YOUNG, (150, 88)),
    ("Børnehuset Strandengen", K.MUNICIPAL_INSTITUTION, BOTH, (120, 45)),
    ("Den selvejende børnehave Klitten", K.SELF_GOVERNING_INSTITUTION, OLD, (95, 79)),
    ("Naturbørnehaven Marehalm", K.PRIVATE_INSTITUTION, OLD, (70, 69)),
]
SUNDBY: list[tuple[str, ProviderKind, list[AgeGroup], tuple[int, int]]] = [
    ("Børnehuset Sundet", K.MUNICIPAL_INSTITUTION, BOTH, (220, 82)),
    ("Børnehaven Færgelejet", K.MUNICIPAL_INSTITUTION, OLD, (200, 71)),
    ("Vuggestuen Ålegræsset", K.MUNICIPAL_INSTITUTION, YOUNG, (175, 58)),
    ("Børnehuset Broen", K.MUNICIPAL_INSTITUTION, BOTH, (160, 92)),
    ("Børnehuset Vigen", K.MUNICIPAL_INSTITUTION, BOTH, (140, 66)),
    ("Den selvejende institution Skibet", K.SELF_GOVERNING_INSTITUTION, BOTH, (110, 76)),
    ("Børnehaven Lodsen", K.SELF_GOVERNING_INSTITUTION, OLD, (85, 41)),
    ("Den private børnehave Ankerpladsen", K.PRIVATE_INSTITUTION, OLD, (60, 84)),
]
SUNDBY_ADMIN = ("admin@sundby.example", "demo-admin-pass")


def _person(session: Session, municipality: Municipality, role: Role, email: str, password: str) -> UserAccount:
    user = UserAccount(
        municipality_id=municipality.id,
        email=email,
        full_name=f"Demo {role.label_da} ({municipality.name.removesuffix(' Kommune')})",
        role=role,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def provider_rows(rows: list) -> list:
    """The rows as `api.demo._providers` takes them: name, kind, age groups, no units."""
    return [(name, kind, ages, []) for name, kind, ages, _ in rows]


def supervise(
    session: Session, municipality: Municipality, providers: dict[str, Provider], admin: UserAccount | None, rows: list
) -> UserAccount:
    """A supervisor (and, if missing, an admin) of the municipality, and one completed, scored announced visit per
    provider in `rows`, through the services as Fjordby's are. Returns the admin."""
    if admin is None:
        admin = _person(session, municipality, Role.ADMIN, *SUNDBY_ADMIN)
    code = municipality.name.removesuffix(" Kommune").lower()
    supervisor = _person(session, municipality, Role.SUPERVISOR, f"supervisor@{code}.example", "demo-supervisor-pass")
    people = {"supervisor": supervisor, "supervisor2": supervisor, "admin": admin, "parent_board": admin}
    demo = _Loader(session, providers, people)
    for name, _, _, (days_ago, percent) in rows:
        demo.visit(name, ANNOUNCED, days_ago, 1, percent)
    return admin


def load_network(
    session: Session, fjordby: dict[str, UserAccount], nabovig: Municipality, sundby: Municipality
) -> None:
    """The network of the three, with participants, two meetings and one piece of shared material."""
    now = clock.now()
    admin = principal_of(fjordby["admin"])
    data = NetworkCreate(
        name=NETWORK_NAME,
        description="KL's udviklingspartnerskab om det pædagogiske tilsyn: systematik, opfølgning og evaluering.",
        starts_on=clock.today() - timedelta(days=60),
        ends_on=clock.today() + timedelta(days=300),
        named_beside_figures=True,
        m_min_municipalities=DEMO_M,  # see the module's docstring: three members, each seeing the other two
    )
    network = network_membership.create(session, admin, data, now)
    for municipality in (nabovig, sundby):
        membership = network_membership.invite(session, network, municipality.kommunekode, now)
        network_membership.move(session, membership, MembershipStatus.ACCEPTED, now)
    own = network_membership.own_membership(session, admin, network)
    named = [ParticipantIn(user_id=fjordby[key].id) for key in ("admin", "supervisor", "supervisor2")]
    network_membership.replace_participants(session, admin, own, ParticipantsReplace(participants=named))
    first = MeetingCreate(
        held_on=clock.today() - timedelta(days=45),
        title="Netværksmøde 1: selvevaluering af tilsynspraksis",
        agenda="1. Præsentation\n2. Kommunernes selvevaluering\n3. Fokuspunkter for året",
        notes="Alle tre kommuner vil styrke opfølgningen efter tilsynsbesøg; Fjordby deler sit tilsynskoncept.",
    )
    network_meetings.create_meeting(session, admin, network, first)
    network_meetings.create_meeting(
        session,
        admin,
        network,
        MeetingCreate(held_on=clock.today() + timedelta(days=30), title="Netværksmøde 2: benchmark og læring"),
    )
    material = MaterialCreate(
        title="Fjordbys tilsynskoncept (resumé)",
        kind=MaterialKind.NOTE,
        body="Årlige anmeldte besøg, uanmeldte nedslag og læringssamtaler; rapporter offentliggøres inden 4 uger.",
    )
    network_meetings.share_material(session, admin, network, material)
