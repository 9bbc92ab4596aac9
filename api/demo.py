"""Demo data: a fictional municipality with providers of every kind, units, one user per role (two supervisors),
and two cycles of supervision history (api.demo_workflow); two smaller ones, and the three in a network
(api.demo_network).

Development only (refused in production) and idempotent: a second run finds Fjordby and adds nothing.
Every name is invented; no person or child in it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from api import clock
from api.audit import AUDIT_CONTEXT_KEY, AuditContext, set_audit_context
from api.demo_history import import_demo_history
from api.demo_indicators import import_demo_indicators
from api.demo_network import (
    NABOVIG_MORE,
    PARTNER_KOMMUNEKODE,
    SUNDBY,
    SUNDBY_ADMIN,  # noqa: F401 - printed by `tilsyn serve`
    load_network,
    provider_rows,
    supervise,
)
from api.demo_reports import publish_demo_reports
from api.demo_workflow import load_supervision, principal_of
from api.passwords import hash_client_secret, hash_password
from api.tables import IntegrationClient, Municipality, Provider, Unit, UserAccount
from domain.access import Role, integration_scopes
from domain.cycle import add_months
from domain.providers import AgeGroup, ProviderKind, UnitKind

# The first cycle began three years ago and ended a year ago: the demo's first visits (about two years ago) fall in
# it, the second ones in the current cycle, so compliance can be read for both.
DEMO_CYCLE_MONTHS_AGO = 36

DEMO_KOMMUNEKODE = "998"
NEIGHBOUR_KOMMUNEKODE = "997"
DEMO_CLIENT_ID = "tc_demo_import"
DEMO_CLIENT_SECRET = "demo-integration-secret"  # noqa: S105 - demo only; demo data is refused in production
BOTH = [AgeGroup.UNDER_THREE, AgeGroup.THREE_TO_SCHOOL]
YOUNG = [AgeGroup.UNDER_THREE]
OLD = [AgeGroup.THREE_TO_SCHOOL]

K = ProviderKind
# (name, kind, age groups, units): units are departments, or for the dagpleje, its childminders.
FJORDBY_PROVIDERS: list[tuple[str, ProviderKind, list[AgeGroup], list[str]]] = [
    ("Børnehuset Solsikken", K.MUNICIPAL_INSTITUTION, BOTH, ["Vuggestuen", "Børnehaven"]),
    ("Vuggestuen Mælkebøtten", K.MUNICIPAL_INSTITUTION, YOUNG, []),
    ("Børnehaven Skovly", K.MUNICIPAL_INSTITUTION, OLD, []),
    ("Børnehuset Havblik", K.MUNICIPAL_INSTITUTION, BOTH, ["Strandvejen", "Bakkegården", "Naturbasen"]),
    ("Børnehuset Regnbuen", K.MUNICIPAL_INSTITUTION, BOTH, []),
    ("Børnehuset Kastanjen", K.MUNICIPAL_INSTITUTION, BOTH, ["Kastanjen Nord", "Kastanjen Syd"]),
    ("Børnehaven Myretuen", K.MUNICIPAL_INSTITUTION, OLD, []),
    ("Vuggestuen Spirehuset", K.MUNICIPAL_INSTITUTION, YOUNG, []),
    ("Børnehuset Fyrtårnet", K.MUNICIPAL_INSTITUTION, BOTH, []),
    ("Børnehuset Ankeret", K.MUNICIPAL_INSTITUTION, BOTH, []),
    ("Den selvejende institution Lærkereden", K.SELF_GOVERNING_INSTITUTION, BOTH, []),
    ("Børnehaven Troldehøjen", K.SELF_GOVERNING_INSTITUTION, OLD, []),
    ("Vuggestuen Humlebien", K.SELF_GOVERNING_INSTITUTION, YOUNG, []),
    ("Børnehuset Kildevæld", K.SELF_GOVERNING_INSTITUTION, BOTH, ["Kilden", "Væld"]),
    ("Landsbyordningen Fjordlyst", K.VILLAGE_SCHEME, BOTH, []),
    ("Landsbyordningen Egebjerg", K.VILLAGE_SCHEME, BOTH, []),
    ("Landsbyordningen Bøgelund", K.VILLAGE_SCHEME, OLD, []),
    ("Naturbørnehaven Mosegården", K.PRIVATE_INSTITUTION, OLD, []),
    ("Den private børnehave Søstjernen", K.PRIVATE_INSTITUTION, OLD, []),
    ("Friluftsvuggestuen Græshoppen", K.PRIVATE_INSTITUTION, YOUNG, []),
    ("Børnehuset Idrætsspirerne", K.PRIVATE_INSTITUTION, BOTH, []),
    ("Dagplejen Fjordby Nord", K.MUNICIPAL_CHILDMINDING, YOUNG, [f"Dagplejer {n}" for n in range(1, 13)]),
    ("Dagplejen Fjordby Syd", K.MUNICIPAL_CHILDMINDING, YOUNG, [f"Dagplejer {n}" for n in range(1, 9)]),
    ("Privat pasning Ternevej", K.PRIVATE_CHILDMINDING, YOUNG, []),
    ("Privat pasning Lindehaven", K.PRIVATE_CHILDMINDING, YOUNG, []),
    ("Privat pasning Kløverstien", K.PRIVATE_CHILDMINDING, YOUNG, []),
    ("Specialbørnehaven Delfinen", K.SPECIAL_DAYCARE, OLD, []),
    ("Specialgruppen Stjerneskud", K.SPECIAL_DAYCARE, BOTH, []),
    ("Børnehuset Nordlys", K.MUNICIPAL_INSTITUTION, BOTH, []),
    ("Børnehaven Vindrosen", K.MUNICIPAL_INSTITUTION, OLD, []),
    ("Puljeordningen Skovbrynet", K.PULJEORDNING, BOTH, []),
]
NEIGHBOUR_PROVIDERS = [
    ("Børnehuset Klitrosen", K.MUNICIPAL_INSTITUTION, BOTH, []),
    ("Dagplejen Nabovig", K.MUNICIPAL_CHILDMINDING, YOUNG, ["Dagplejer 1", "Dagplejer 2"]),
]
DEMO_PROVIDER_WITH_USERS = "Børnehuset Solsikken"


@dataclass(frozen=True)
class DemoLogin:
    role: Role
    email: str
    password: str
    full_name: str | None = None  # None: "Demo <role in Danish>"


def _login(role: Role, domain: str = "fjordby.example") -> DemoLogin:
    return DemoLogin(role, f"{role.value.replace('_', '-')}@{domain}", f"demo-{role.value.replace('_', '-')}-pass")


SECOND_SUPERVISOR = DemoLogin(
    Role.SUPERVISOR, "supervisor2@fjordby.example", "demo-supervisor2-pass", "Demo tilsynsførende 2"
)
DEMO_LOGINS = [_login(role) for role in Role if role is not Role.INTEGRATION] + [SECOND_SUPERVISOR]
NEIGHBOUR_ADMIN = _login(Role.ADMIN, "nabovig.example")


def valid_cvr(seed: int) -> str:
    """A CVR number with a correct modulus-11 check digit, derived from `seed` (fictional)."""
    weights = (2, 7, 6, 5, 4, 3, 2)
    base = 30_000_000 // 10 + seed * 7
    while True:
        digits = str(base).zfill(7)
        check = -sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
        if check < 10:
            return digits + str(check)
        base += 1


def _municipality(session: Session, name: str, code: str, seed: int) -> Municipality:
    municipality = Municipality(name=name, kommunekode=code, cvr=valid_cvr(seed))
    session.add(municipality)
    session.flush()
    return municipality


def _providers(session: Session, municipality: Municipality, rows: list, number_base: int) -> dict[str, Provider]:
    created = {}
    for i, (name, kind, ages, units) in enumerate(rows):
        private = kind in (K.SELF_GOVERNING_INSTITUTION, K.PRIVATE_INSTITUTION, K.PRIVATE_CHILDMINDING, K.PULJEORDNING)
        provider = Provider(
            municipality_id=municipality.id,
            name=name,
            kind=kind,
            age_groups=[a.value for a in ages],
            dagtilbudsnummer=str(number_base + i),
            cvr=valid_cvr(number_base + i) if private else None,
            p_number=str(1_000_000_000 + (number_base + i) * 37),
            street=f"{['Skolevej', 'Fjordvej', 'Bakkedraget', 'Engtoften', 'Møllevej'][i % 5]} {i + 3}",
            postal_code=str(7100 + (i % 5) * 10),
            city=municipality.name.removesuffix(" Kommune"),
            has_parent_board=kind is not K.PRIVATE_CHILDMINDING,
            # The demo's history runs two years back, so each provider is in its second cycle, set by the admin:
            # without it every cycle would start on the day the demo was loaded (the registration day).
            cycle_start=add_months(clock.today(), -DEMO_CYCLE_MONTHS_AGO),
        )
        session.add(provider)
        session.flush()
        unit_kind = UnitKind.CHILDMINDER if kind.is_childminding else UnitKind.DEPARTMENT
        for unit_name in units:
            session.add(Unit(provider_id=provider.id, name=unit_name, kind=unit_kind))
        created[name] = provider
    return created


def _acting_as_loader(session: Session, municipality: Municipality | None) -> None:
    """The audit trail names the demo loader as the actor of everything it writes (in `municipality`)."""
    municipality_id = municipality.id if municipality else None
    context = AuditContext("system", "demo-data", "tilsyn demo-data", municipality_id, "demo-data")
    set_audit_context(session, context)


def load_demo_data(session: Session) -> bool:
    """Load the demo municipalities; False (and nothing written) if they are already there."""
    if session.exec(select(Municipality).where(Municipality.kommunekode == DEMO_KOMMUNEKODE)).first():
        return False
    previous = session.info.get(AUDIT_CONTEXT_KEY)
    try:
        _load(session)
    finally:
        if previous is None:
            session.info.pop(AUDIT_CONTEXT_KEY, None)
        else:
            set_audit_context(session, previous)
    return True


def _load(session: Session) -> None:
    _acting_as_loader(session, None)  # a municipality row is audited in itself
    fjordby = _municipality(session, "Fjordby Kommune", DEMO_KOMMUNEKODE, 1)
    _acting_as_loader(session, fjordby)
    providers = _providers(session, fjordby, FJORDBY_PROVIDERS, 101001)
    own = providers[DEMO_PROVIDER_WITH_USERS]
    people: dict[str, UserAccount] = {}
    for login in DEMO_LOGINS:
        user = UserAccount(
            municipality_id=fjordby.id,
            email=login.email,
            full_name=login.full_name or f"Demo {login.role.label_da}",
            role=login.role,
            provider_id=own.id if login.role.is_provider_bound else None,
            password_hash=hash_password(login.password),
        )
        session.add(user)
        people["supervisor2" if login is SECOND_SUPERVISOR else login.role.value] = user
    session.add(
        IntegrationClient(
            municipality_id=fjordby.id,
            name="Demo case system",
            client_id=DEMO_CLIENT_ID,
            secret_hash=hash_client_secret(DEMO_CLIENT_SECRET),
            scopes=sorted(integration_scopes()),
        )
    )
    session.flush()
    load_supervision(session, providers, people)
    import_demo_indicators(session, fjordby)
    import_demo_history(session, fjordby)
    publish_demo_reports(session, principal_of(people["supervisor"]))

    nabovig = _municipality(session, "Nabovig Kommune", NEIGHBOUR_KOMMUNEKODE, 2)
    _acting_as_loader(session, nabovig)
    nabovig_providers = _providers(session, nabovig, NEIGHBOUR_PROVIDERS + provider_rows(NABOVIG_MORE), 201001)
    nabovig_admin = UserAccount(
        municipality_id=nabovig.id,
        email=NEIGHBOUR_ADMIN.email,
        full_name="Demo forvaltning (Nabovig)",
        role=Role.ADMIN,
        password_hash=hash_password(NEIGHBOUR_ADMIN.password),
    )
    session.add(nabovig_admin)
    session.flush()
    supervise(session, nabovig, nabovig_providers, nabovig_admin, NABOVIG_MORE)

    # A third municipality, so the three can form a network whose benchmarks show (api.demo_network).
    sundby = _municipality(session, "Sundby Kommune", PARTNER_KOMMUNEKODE, 3)
    _acting_as_loader(session, sundby)
    supervise(session, sundby, _providers(session, sundby, provider_rows(SUNDBY), 301001), None, SUNDBY)
    _acting_as_loader(session, fjordby)
    load_network(session, people, nabovig, sundby)
    session.flush()
