"""Who may supervise whom (uvildighed, dagtilbudsloven §5a): declared ties, and the one check every act of
supervision makes with them."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlmodel import Session, select

from api.audit import AUDIT_CONTEXT_KEY
from api.principal import Principal, PrincipalKind
from api.schemas.visit import DeclarationCreate, Relation
from api.tables import ImpartialityDeclaration, Provider, UserAccount
from domain.access import Permission, Role
from domain.errors import DomainError, ErrorCode, Violation, invalid
from domain.impartiality import ACTING_PERSON, Act, Tie, TieKind, binds, refuse_partial


def _is_self(principal: Principal, user: UserAccount) -> bool:
    return principal.kind is PrincipalKind.USER and principal.subject == str(user.id)


def may_read_declarations(principal: Principal, user: UserAccount) -> None:
    """The administration reads everyone's ties; a person reads their own."""
    if not (principal.can(Permission.USERS_READ) or _is_self(principal, user)):
        raise DomainError(ErrorCode.FORBIDDEN, "Only the administration, or the person themselves, reads these ties.")


def may_declare(principal: Principal, user: UserAccount, relation: Relation) -> None:
    """The administration records any tie; a supervisor may declare their own conflict of interest."""
    if principal.can(Permission.USERS_WRITE):
        return
    if principal.role is Role.SUPERVISOR and _is_self(principal, user) and relation is Relation.CONFLICT:
        return
    raise DomainError(
        ErrorCode.FORBIDDEN,
        "Only the administration records ties to a provider; a supervisor may declare their own conflict of interest.",
    )


def list_declarations(session: Session, user: UserAccount) -> list[ImpartialityDeclaration]:
    return list(
        session.exec(
            select(ImpartialityDeclaration)
            .where(ImpartialityDeclaration.user_id == user.id)
            .order_by(ImpartialityDeclaration.declared_on, ImpartialityDeclaration.id)
        )
    )


def declare(session: Session, user: UserAccount, data: DeclarationCreate) -> ImpartialityDeclaration:
    provider = session.get(Provider, data.provider_id)
    if provider is None or provider.municipality_id != user.municipality_id:
        raise invalid("body.provider_id", "No provider with that id in your municipality.")
    clash = session.exec(
        select(ImpartialityDeclaration.id).where(
            ImpartialityDeclaration.user_id == user.id,
            ImpartialityDeclaration.provider_id == provider.id,
            ImpartialityDeclaration.relation == data.relation,
        )
    ).first()
    if clash is not None:
        message = f"This person's `{data.relation.value}` tie to the provider is recorded already."
        raise DomainError(ErrorCode.DUPLICATE, message, [Violation("body.relation", message)])
    row = ImpartialityDeclaration(
        municipality_id=user.municipality_id,
        user_id=user.id,
        provider_id=provider.id,
        relation=data.relation,
        reason=data.reason,
        declared_on=data.declared_on,
    )
    session.add(row)
    session.flush()
    return row


def require_impartial(
    session: Session,
    act: Act,
    provider_id: uuid.UUID,
    *,
    begun_at: datetime | None = None,
    person: UserAccount | None = None,
    role_in_act: str | None = None,
    location: str = ACTING_PERSON,
) -> None:
    """Refuse `act` on the provider when the person has a tie to it (domain.impartiality.refuse_partial).

    The person is `person` when given (someone assigned to the act, e.g. a visit's co-observer), else the one the
    request authenticated as: the actor the audit trail records for this transaction. The check reads the actor
    from there so that no act can be checked against the wrong principal, and so the services keep their
    signatures. Only those who supervise (supervisor, admin) are held to it when they act; an integration client
    (no person), the command line and the provider's own people acting as the supervised are not. A person signed
    in at the municipality's identity provider has no account here, so no recorded ties to check.
    """
    if person is None:
        person = _acting_person(session)
        if person is None or not binds(Role(person.role)):
            return
    provider = session.get(Provider, provider_id)
    refuse_partial(
        act,
        f"{person.full_name} ({role_in_act})" if role_in_act else person.full_name,
        provider.name,
        _ties(session, person, provider),
        begun_at=begun_at,
        location=location,
    )


def _acting_person(session: Session) -> UserAccount | None:
    context = session.info.get(AUDIT_CONTEXT_KEY)
    if context is None or context.actor_type != PrincipalKind.USER:
        return None
    return session.get(UserAccount, uuid.UUID(context.actor_id))


def _ties(session: Session, user: UserAccount, provider: Provider) -> list[Tie]:
    """The person's ties to this provider: what was declared, and an account that belongs to the provider."""
    rows = session.exec(
        select(ImpartialityDeclaration)
        .where(ImpartialityDeclaration.user_id == user.id, ImpartialityDeclaration.provider_id == provider.id)
        .order_by(ImpartialityDeclaration.declared_on, ImpartialityDeclaration.id)
    ).all()
    # Only ties to this provider are loaded, so its name can stand in for its id: the refusal is read by people.
    ties = [Tie(TieKind(r.relation), provider.name, r.reason, r.declared_on, r.created_at) for r in rows]
    if user.provider_id == provider.id:
        # An account bound to this very provider is one of its own people, whatever was declared.
        kind = TieKind.STAFF if user.role == Role.STAFF else TieKind.LEADER if user.role == Role.LEADER else None
        ties.append(Tie(kind or TieKind.CONFLICT, provider.name, f"as {user.role}"))
    return ties


def active_user(session: Session, municipality_id: uuid.UUID, user_id: uuid.UUID, location: str) -> UserAccount:
    """An active user of the municipality, or a 422 at `location`."""
    user = session.get(UserAccount, user_id)
    if user is None or user.municipality_id != municipality_id:
        raise invalid(location, "No user with that id in your municipality.")
    if not user.is_active:
        raise invalid(location, f"{user.full_name} is deactivated.")
    return user
