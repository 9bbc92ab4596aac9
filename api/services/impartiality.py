"""Who may conduct a visit to whom (uvildighed, dagtilbudsloven §5a): declared ties and the check that uses them."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from api.principal import Principal, PrincipalKind
from api.schemas.visit import DeclarationCreate, Relation
from api.tables import ImpartialityDeclaration, Provider, UserAccount
from domain.access import Permission, Role
from domain.errors import DomainError, ErrorCode, Violation, invalid
from domain.impartiality import Affiliation, ConflictDeclaration, ImpartialityVerdict, require_impartial


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


def check_impartial(
    session: Session, user: UserAccount, provider: Provider, location: str, role_in_visit: str | None = None
) -> ImpartialityVerdict:
    """The allowing verdict, or a 422 at `location` whose detail gives every reason against it."""
    rows = session.exec(
        select(ImpartialityDeclaration).where(
            ImpartialityDeclaration.user_id == user.id, ImpartialityDeclaration.provider_id == provider.id
        )
    ).all()
    # Only ties to this provider are loaded, so names can stand in for ids: the reason is read by people.
    place = provider.name
    affiliations = [Affiliation(place, r.relation) for r in rows if r.relation != Relation.CONFLICT]
    conflicts = [ConflictDeclaration(place, r.reason) for r in rows if r.relation == Relation.CONFLICT]
    if user.provider_id == provider.id:
        # An account bound to this very provider is one of its own people, whatever was declared.
        if user.role in (Role.LEADER, Role.STAFF):
            affiliations.append(Affiliation(place, user.role))
        else:
            conflicts.append(ConflictDeclaration(place, f"the account belongs to the provider as {user.role}"))
    return require_impartial(
        f"{user.full_name} ({role_in_visit})" if role_in_visit else user.full_name,
        place,
        affiliations=affiliations,
        conflicts=conflicts,
        location=location,
    )


def active_user(session: Session, municipality_id: uuid.UUID, user_id: uuid.UUID, location: str) -> UserAccount:
    """An active user of the municipality, or a 422 at `location`."""
    user = session.get(UserAccount, user_id)
    if user is None or user.municipality_id != municipality_id:
        raise invalid(location, "No user with that id in your municipality.")
    if not user.is_active:
        raise invalid(location, f"{user.full_name} is deactivated.")
    return user
