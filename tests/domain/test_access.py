"""The role table: who may do what, stated independently of how the table is written."""

from __future__ import annotations

import pytest

from domain.access import (
    PERMISSIONS,
    Permission,
    Role,
    integration_scopes,
    permissions_of,
    render_role_table,
)

WRITES = frozenset(p for p in Permission if not p.value.endswith(":read"))
# The register itself: who exists, what they are, and the rules. The supervision work is written by others too.
MASTER_DATA_WRITES = frozenset(
    {
        Permission.MUNICIPALITY_WRITE,
        Permission.PROVIDERS_WRITE,
        Permission.UNITS_WRITE,
        Permission.USERS_WRITE,
        Permission.CLIENTS_MANAGE,
        Permission.POLICY_WRITE,
        Permission.INSTRUMENTS_WRITE,
    }
)


def test_the_administration_holds_every_permission_but_the_voices_of_others():
    # Commenting on an action plan is the parent board's own say (§5b stk. 5), on a draft report the leader's, and
    # the provider's own observations are leader's and staff's; nobody may speak for them.
    voices = {Permission.ACTION_PLANS_COMMENT, Permission.REPORTS_COMMENT, Permission.OWN_OBSERVATIONS_RECORD}
    assert permissions_of(Role.ADMIN) == frozenset(Permission) - voices
    assert {role for role in Role if Permission.ACTION_PLANS_COMMENT in permissions_of(role)} == {Role.PARENT_BOARD}
    assert {role for role in Role if Permission.REPORTS_COMMENT in permissions_of(role)} == {Role.LEADER}
    own = {role for role in Role if Permission.OWN_OBSERVATIONS_RECORD in permissions_of(role, frozenset(Permission))}
    assert own == {Role.LEADER, Role.STAFF}


def test_exactly_leader_staff_and_parent_board_are_provider_bound():
    assert {role for role in Role if role.is_provider_bound} == {Role.LEADER, Role.STAFF, Role.PARENT_BOARD}


@pytest.mark.parametrize("role", list(Role))
def test_every_role_reads_the_municipality_providers_and_units(role: Role):
    scopes = frozenset(p.value for p in Permission) if role is Role.INTEGRATION else None
    held = permissions_of(role, scopes)
    assert {Permission.MUNICIPALITY_READ, Permission.PROVIDERS_READ, Permission.UNITS_READ} <= held


def test_an_integration_client_holds_only_its_granted_scopes():
    assert permissions_of(Role.INTEGRATION, frozenset({"providers:read"})) == {Permission.PROVIDERS_READ}
    assert permissions_of(Role.INTEGRATION) == frozenset()
    assert permissions_of(Role.INTEGRATION, frozenset()) == frozenset()
    assert permissions_of(Role.INTEGRATION, frozenset({"providers:write", "units:write"})) == {
        Permission.PROVIDERS_WRITE,
        Permission.UNITS_WRITE,
    }


def test_a_scope_the_integration_role_lacks_is_never_granted():
    every_scope = frozenset(p.value for p in Permission)
    held = permissions_of(Role.INTEGRATION, every_scope)
    assert held == integration_scopes()
    for admin_only in (Permission.USERS_WRITE, Permission.CLIENTS_MANAGE, Permission.AUDIT_READ):
        assert admin_only not in held
    assert permissions_of(Role.INTEGRATION, frozenset({"audit:read", "made:up"})) == frozenset()


def test_scopes_narrow_only_integration_clients():
    assert permissions_of(Role.SUPERVISOR, frozenset({"providers:read"})) == permissions_of(Role.SUPERVISOR)


@pytest.mark.parametrize("role", [Role.COMMITTEE, Role.SUPERVISOR, Role.LEADER, Role.STAFF, Role.PARENT_BOARD])
def test_only_the_administration_and_integrations_write_master_data(role: Role):
    assert permissions_of(role) & MASTER_DATA_WRITES == frozenset()


@pytest.mark.parametrize("role", [Role.STAFF, Role.COMMITTEE])
def test_staff_and_the_committee_only_read(role: Role):
    # Staff add the provider's own observations (domain.md: "may add own observations"); they never count.
    own = {Permission.OWN_OBSERVATIONS_RECORD} if role is Role.STAFF else set()
    assert permissions_of(role) & WRITES == own


def test_the_committee_cannot_write_anything():
    held = permissions_of(Role.COMMITTEE)
    assert held & WRITES == frozenset()
    assert all(p.value.endswith(":read") for p in held)
    assert Permission.USERS_READ not in held
    assert Permission.AUDIT_READ not in held


def test_only_the_administration_reads_the_audit_trail_and_manages_users():
    for permission in (Permission.AUDIT_READ, Permission.USERS_WRITE, Permission.CLIENTS_MANAGE):
        assert {role for role in Role if permission in permissions_of(role, frozenset(Permission))} == {Role.ADMIN}


def test_the_role_table_has_a_row_per_permission_and_a_column_per_role():
    lines = render_role_table().splitlines()
    header, rule, rows = lines[0], lines[1], lines[2:]
    cells = [cell.strip() for cell in header.strip("|").split("|")]
    assert cells[:2] == ["permission", "what it allows"]
    assert cells[2:] == [f"`{role.value}`" for role in Role]
    assert rule.count("---") == 2 + len(Role)
    assert [row.split("|")[1].strip() for row in rows] == [f"`{p.value}`" for p in Permission]
    for row in rows:
        assert len(row.strip("|").split("|")) == 2 + len(Role), row


def test_the_role_table_marks_what_each_role_holds():
    rows = {}
    for row in render_role_table().splitlines()[2:]:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        rows[cells[0].strip("`")] = dict(zip(list(Role), cells[2:], strict=True))
    for permission in Permission:
        marks = rows[permission.value]
        for role in Role:
            assert (marks[role] != "") == (role in PERMISSIONS[permission]), (permission, role)
    assert rows["providers:read"][Role.LEADER] == "own"
    assert rows["providers:read"][Role.SUPERVISOR] == "yes"
    assert rows["providers:write"][Role.INTEGRATION] == "scope"
    assert rows["audit:read"][Role.ADMIN] == "yes"
