"""Who may do what: the roles of domain.md and the one table of permissions the API enforces.

The README's role table is rendered from `PERMISSIONS` (`render_role_table`) and a test compares the two,
so the documentation cannot drift from what the code allows.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A person's or client's role within one municipality."""

    ADMIN = "admin"  # Børne- og Uddannelsesforvaltningen: policy, supervisors, escalation decisions
    SUPERVISOR = "supervisor"  # tilsynsførende: plans and conducts visits, writes reports
    LEADER = "leader"  # dagtilbudsleder of one provider
    STAFF = "staff"  # medarbejder of one provider
    PARENT_BOARD = "parent_board"  # forældrebestyrelse of one provider
    COMMITTEE = "committee"  # the political committee: aggregates only
    INTEGRATION = "integration"  # a case system or import script with scoped credentials

    @property
    def is_provider_bound(self) -> bool:
        """Leaders, staff and parent boards belong to one provider and see only that provider."""
        return self in PROVIDER_BOUND_ROLES

    @property
    def label_da(self) -> str:
        """The Danish name of the role."""
        return _ROLE_LABELS[self]


PROVIDER_BOUND_ROLES = frozenset({Role.LEADER, Role.STAFF, Role.PARENT_BOARD})
# The roles a person's account can hold: `integration` belongs to clients with scoped credentials, never a person.
PERSON_ROLES = frozenset(Role) - {Role.INTEGRATION}

_ROLE_LABELS = {
    Role.ADMIN: "forvaltning",
    Role.SUPERVISOR: "tilsynsførende",
    Role.LEADER: "dagtilbudsleder",
    Role.STAFF: "medarbejder",
    Role.PARENT_BOARD: "forældrebestyrelse",
    Role.COMMITTEE: "udvalg",
    Role.INTEGRATION: "integration",
}


class Permission(StrEnum):
    """An action on a kind of resource. The values double as OAuth scopes for integration clients."""

    MUNICIPALITY_READ = "municipality:read"
    MUNICIPALITY_WRITE = "municipality:write"
    PROVIDERS_READ = "providers:read"
    PROVIDERS_WRITE = "providers:write"
    UNITS_READ = "units:read"
    UNITS_WRITE = "units:write"
    USERS_READ = "users:read"
    USERS_WRITE = "users:write"
    CLIENTS_MANAGE = "clients:manage"
    AUDIT_READ = "audit:read"
    POLICY_READ = "policy:read"
    POLICY_WRITE = "policy:write"
    INSTRUMENTS_READ = "instruments:read"
    INSTRUMENTS_WRITE = "instruments:write"
    VISITS_READ = "visits:read"
    VISITS_WRITE = "visits:write"
    FOLLOW_UP_WRITE = "follow-up:write"
    RECOMMENDATIONS_WRITE = "recommendations:write"
    RECOMMENDATIONS_STATUS = "recommendations:status"
    CONCERNS_READ = "concerns:read"
    CONCERNS_WRITE = "concerns:write"
    CONCERNS_REPORTER = "concerns:reporter"
    INTENSIFIED_READ = "intensified:read"
    INTENSIFIED_END = "intensified:end"
    ACTION_PLANS_READ = "action-plans:read"
    ACTION_PLANS_WRITE = "action-plans:write"
    ACTION_PLANS_COMMENT = "action-plans:comment"
    ACTION_PLANS_APPROVE = "action-plans:approve"
    DUE_READ = "due:read"
    TIMELINE_READ = "timeline:read"
    REPORTS_READ = "reports:read"
    REPORTS_WRITE = "reports:write"
    REPORTS_COMMENT = "reports:comment"
    REPORTS_PUBLISH = "reports:publish"
    REPORTS_FILE = "reports:file"
    TRACKER_READ = "tracker:read"
    COMPLIANCE_READ = "compliance:read"
    INDICATORS_READ = "indicators:read"
    INDICATORS_MANAGE = "indicators:manage"
    INDICATOR_VALUES_READ = "indicator-values:read"
    INDICATOR_VALUES_WRITE = "indicator-values:write"
    OWN_OBSERVATIONS_RECORD = "own-observations:record"
    OWN_OBSERVATIONS_READ = "own-observations:read"
    CONVERSATIONS_READ = "conversations:read"
    CONVERSATIONS_WRITE = "conversations:write"
    CONVERSATIONS_FOLLOW_UP = "conversations:follow-up"
    IMPORTS_READ = "imports:read"
    IMPORTS_WRITE = "imports:write"
    CALIBRATION_READ = "calibration:read"
    TRENDS_READ = "trends:read"
    COUNCIL_SUMMARIES_READ = "council-summaries:read"
    COUNCIL_SUMMARIES_WRITE = "council-summaries:write"
    NETWORKS_READ = "networks:read"
    NETWORKS_MANAGE = "networks:manage"
    SELF_ASSESSMENTS_READ = "self-assessments:read"
    SELF_ASSESSMENTS_WRITE = "self-assessments:write"
    SHARED_MODELS_READ = "shared-models:read"
    SHARED_MODELS_WRITE = "shared-models:write"
    WEBHOOKS_MANAGE = "webhooks:manage"
    CHANGES_READ = "changes:read"
    CALENDAR_READ = "calendar:read"

    @property
    def description(self) -> str:
        """What the permission allows, in plain words."""
        return _PERMISSION_TEXT[self]


_PERMISSION_TEXT = {
    Permission.MUNICIPALITY_READ: "read the municipality",
    Permission.MUNICIPALITY_WRITE: "update the municipality",
    Permission.PROVIDERS_READ: "list and read providers",
    Permission.PROVIDERS_WRITE: "create, update and close providers",
    Permission.UNITS_READ: "list and read units",
    Permission.UNITS_WRITE: "create, update and close units",
    Permission.USERS_READ: "list and read users",
    Permission.USERS_WRITE: "create, update and deactivate users",
    Permission.CLIENTS_MANAGE: "create, list and revoke integration clients",
    Permission.AUDIT_READ: "read the audit trail",
    Permission.POLICY_READ: "read the supervision policy and its versions",
    Permission.POLICY_WRITE: "publish a new version of the supervision policy; keep drafts of it",
    Permission.INSTRUMENTS_READ: "list and read observation instruments",
    Permission.INSTRUMENTS_WRITE: "import a new instrument version",
    Permission.VISITS_READ: "list and read visits and assessments (provider roles never see planned unannounced ones)",
    Permission.VISITS_WRITE: "plan, conduct, complete and cancel visits",
    Permission.FOLLOW_UP_WRITE: "record follow-up dialogues and that the parent board was informed",
    Permission.RECOMMENDATIONS_WRITE: "write recommendations after a visit",
    Permission.RECOMMENDATIONS_STATUS: "keep a recommendation's status up to date",
    Permission.CONCERNS_READ: "read concern notices, without who reported",
    Permission.CONCERNS_WRITE: "register and triage concern notices",
    Permission.CONCERNS_REPORTER: "see who reported a concern notice",
    Permission.INTENSIFIED_READ: "read intensified supervision and what it requires",
    Permission.INTENSIFIED_END: "end intensified supervision, with grounds",
    Permission.ACTION_PLANS_READ: "read action plans, their items and comments",
    Permission.ACTION_PLANS_WRITE: "write action plans and their items, follow them up",
    Permission.ACTION_PLANS_COMMENT: "comment on an action plan during its comment window",
    Permission.ACTION_PLANS_APPROVE: "approve and complete action plans",
    Permission.DUE_READ: "see what is due and overdue",
    Permission.TIMELINE_READ: "read a provider's timeline and a visit's evidence",
    Permission.REPORTS_READ: "read reports (provider roles: their own, once sent to the leader)",
    Permission.REPORTS_WRITE: "draft, send, finalise and correct reports",
    Permission.REPORTS_COMMENT: "comment on a draft report during the leader's comment window",
    Permission.REPORTS_PUBLISH: "record that a final report is published on the provider's website",
    Permission.REPORTS_FILE: "record the case system's references for a final report",
    Permission.TRACKER_READ: "read the publication tracker (the report duty of dagtilbudsloven §5)",
    Permission.COMPLIANCE_READ: (
        "read compliance with the legal minimums: per provider, and (not provider roles) for the municipality"
    ),
    Permission.INDICATORS_READ: "read the indicator catalogue (the indicators the role may see)",
    Permission.INDICATORS_MANAGE: "add local indicators; change applicability, visibility and the small-number rule",
    Permission.INDICATOR_VALUES_READ: (
        "read indicator values (aggregates); beyond admin and supervisors, counts under the threshold show as <5"
    ),
    Permission.INDICATOR_VALUES_WRITE: "record an indicator value for a provider or unit and period",
    Permission.OWN_OBSERVATIONS_RECORD: "record the provider's own observations (never counted in an assessment)",
    Permission.OWN_OBSERVATIONS_READ: "read the provider's own observations and a visit's dialogue view beside them",
    Permission.CONVERSATIONS_READ: "read the conversations of the continuous supervision and what was agreed",
    Permission.CONVERSATIONS_WRITE: "record and change conversations of the continuous supervision (løbende tilsyn)",
    Permission.CONVERSATIONS_FOLLOW_UP: (
        "mark a follow-up agreed in a conversation done (a leader: those the leader owns)"
    ),
    Permission.IMPORTS_READ: "read import runs: status, counts and row errors",
    Permission.IMPORTS_WRITE: (
        "import files of indicator values and KIDS history (the provider register also needs `providers:write`)"
    ),
    Permission.CALIBRATION_READ: (
        "compare each supervisor's scores with the others' and the providers' own (names shown: admin only)"
    ),
    Permission.TRENDS_READ: (
        "read trends and context beside the score: for the municipality, and (provider roles) their own provider's"
    ),
    Permission.COUNCIL_SUMMARIES_READ: (
        "read the council's summary of the supervision (the committee: final versions only, never a draft)"
    ),
    Permission.COUNCIL_SUMMARIES_WRITE: "draft, comment on, finalise and correct the council's summary",
    Permission.NETWORKS_READ: (
        "read the networks the municipality is in or invited to: members, meetings, material (also named participants)"
    ),
    Permission.NETWORKS_MANAGE: (
        "create networks, invite, accept, decline and leave for the municipality, name its participants"
    ),
    Permission.SELF_ASSESSMENTS_READ: (
        "read the municipality's self-assessments in its networks and each network's distribution of answers "
        "(also any named participant)"
    ),
    Permission.SELF_ASSESSMENTS_WRITE: "start, answer and submit the municipality's self-assessment in a network",
    Permission.SHARED_MODELS_READ: "read and compare the policies and instruments members share with a network",
    Permission.SHARED_MODELS_WRITE: (
        "share a policy or instrument version with a network, withdraw it, adopt another member's as a draft"
    ),
    Permission.WEBHOOKS_MANAGE: (
        "subscribe to events by webhook, rotate the signing secret, read the delivery log, redeliver "
        "(an integration client: its own subscriptions)"
    ),
    Permission.CHANGES_READ: "poll the change feed: what changed, in order, among what the caller may read",
    Permission.CALENDAR_READ: (
        "get a personal calendar feed (iCalendar) of the visits and deadlines one may see; revoke it"
    ),
}

_ALL_ROLES = frozenset(Role)
_SUPERVISION = frozenset({Role.ADMIN, Role.SUPERVISOR})  # the administration and its supervisors

# The table. A provider-bound role's grant applies to its own provider only (enforced by the API's loaders).
# An integration client holds a permission only when it is listed here AND among the client's scopes.
PERMISSIONS: dict[Permission, frozenset[Role]] = {
    Permission.MUNICIPALITY_READ: _ALL_ROLES,
    Permission.MUNICIPALITY_WRITE: frozenset({Role.ADMIN}),
    Permission.PROVIDERS_READ: _ALL_ROLES,
    Permission.PROVIDERS_WRITE: frozenset({Role.ADMIN, Role.INTEGRATION}),
    Permission.UNITS_READ: _ALL_ROLES,
    Permission.UNITS_WRITE: frozenset({Role.ADMIN, Role.INTEGRATION}),
    Permission.USERS_READ: frozenset({Role.ADMIN, Role.INTEGRATION}),
    Permission.USERS_WRITE: frozenset({Role.ADMIN}),
    Permission.CLIENTS_MANAGE: frozenset({Role.ADMIN}),
    Permission.AUDIT_READ: frozenset({Role.ADMIN}),
    Permission.POLICY_READ: _ALL_ROLES,
    Permission.POLICY_WRITE: frozenset({Role.ADMIN}),
    Permission.INSTRUMENTS_READ: _ALL_ROLES,
    Permission.INSTRUMENTS_WRITE: frozenset({Role.ADMIN, Role.INTEGRATION}),
    Permission.VISITS_READ: frozenset({*_SUPERVISION, *PROVIDER_BOUND_ROLES, Role.INTEGRATION}),
    Permission.VISITS_WRITE: _SUPERVISION,
    Permission.FOLLOW_UP_WRITE: frozenset({*_SUPERVISION, Role.LEADER}),
    Permission.RECOMMENDATIONS_WRITE: _SUPERVISION,
    Permission.RECOMMENDATIONS_STATUS: frozenset({*_SUPERVISION, Role.LEADER}),
    Permission.CONCERNS_READ: frozenset({*_SUPERVISION, *PROVIDER_BOUND_ROLES}),
    Permission.CONCERNS_WRITE: frozenset({*_SUPERVISION, Role.INTEGRATION}),
    Permission.CONCERNS_REPORTER: _SUPERVISION,
    Permission.INTENSIFIED_READ: frozenset({*_SUPERVISION, *PROVIDER_BOUND_ROLES, Role.COMMITTEE, Role.INTEGRATION}),
    Permission.INTENSIFIED_END: frozenset({Role.ADMIN}),
    Permission.ACTION_PLANS_READ: frozenset({*_SUPERVISION, *PROVIDER_BOUND_ROLES, Role.INTEGRATION}),
    Permission.ACTION_PLANS_WRITE: frozenset({*_SUPERVISION, Role.LEADER}),
    Permission.ACTION_PLANS_COMMENT: frozenset({Role.PARENT_BOARD}),
    Permission.ACTION_PLANS_APPROVE: _SUPERVISION,
    Permission.DUE_READ: frozenset({*_SUPERVISION, Role.LEADER}),
    Permission.TIMELINE_READ: _SUPERVISION,
    Permission.REPORTS_READ: frozenset({*_SUPERVISION, *PROVIDER_BOUND_ROLES, Role.COMMITTEE, Role.INTEGRATION}),
    Permission.REPORTS_WRITE: _SUPERVISION,
    Permission.REPORTS_COMMENT: frozenset({Role.LEADER}),
    Permission.REPORTS_PUBLISH: frozenset({*_SUPERVISION, Role.LEADER}),
    Permission.REPORTS_FILE: frozenset({Role.ADMIN, Role.INTEGRATION}),
    Permission.TRACKER_READ: frozenset({*_SUPERVISION, Role.COMMITTEE}),
    Permission.COMPLIANCE_READ: _ALL_ROLES,
    Permission.INDICATORS_READ: _ALL_ROLES,
    Permission.INDICATORS_MANAGE: frozenset({Role.ADMIN}),
    Permission.INDICATOR_VALUES_READ: frozenset({*_SUPERVISION, *PROVIDER_BOUND_ROLES, Role.COMMITTEE}),
    Permission.INDICATOR_VALUES_WRITE: frozenset({*_SUPERVISION, Role.INTEGRATION}),
    Permission.OWN_OBSERVATIONS_RECORD: frozenset({Role.LEADER, Role.STAFF}),
    Permission.OWN_OBSERVATIONS_READ: frozenset({*_SUPERVISION, Role.LEADER, Role.STAFF}),
    Permission.CONVERSATIONS_READ: frozenset({*_SUPERVISION, Role.LEADER}),
    Permission.CONVERSATIONS_WRITE: _SUPERVISION,
    Permission.CONVERSATIONS_FOLLOW_UP: frozenset({*_SUPERVISION, Role.LEADER}),
    Permission.IMPORTS_READ: frozenset({*_SUPERVISION, Role.INTEGRATION}),
    Permission.IMPORTS_WRITE: frozenset({*_SUPERVISION, Role.INTEGRATION}),
    # Supervisors by name beside their scores: the administration's alone (consistent judgement is impartiality).
    Permission.CALIBRATION_READ: frozenset({Role.ADMIN}),
    Permission.TRENDS_READ: frozenset({*_SUPERVISION, Role.COMMITTEE, *PROVIDER_BOUND_ROLES}),
    Permission.COUNCIL_SUMMARIES_READ: frozenset({*_SUPERVISION, Role.COMMITTEE}),
    Permission.COUNCIL_SUMMARIES_WRITE: frozenset({Role.ADMIN}),
    # A network is the administration's work with other municipalities; a user it names as participant reads it too.
    Permission.NETWORKS_READ: _SUPERVISION,
    Permission.NETWORKS_MANAGE: frozenset({Role.ADMIN}),
    # The municipality's own judgement of its supervision: the administration answers it.
    Permission.SELF_ASSESSMENTS_READ: _SUPERVISION,
    Permission.SELF_ASSESSMENTS_WRITE: frozenset({Role.ADMIN}),
    # Shared practice: the administration shares and adopts for the municipality; its supervisors read and compare.
    Permission.SHARED_MODELS_READ: _SUPERVISION,
    Permission.SHARED_MODELS_WRITE: frozenset({Role.ADMIN}),
    # Events for the systems around the service: the administration and its integration clients subscribe.
    Permission.WEBHOOKS_MANAGE: frozenset({Role.ADMIN, Role.INTEGRATION}),
    # The feed shows only what the caller may read anyway; the committee reads aggregates, not objects.
    Permission.CHANGES_READ: frozenset({*_SUPERVISION, *PROVIDER_BOUND_ROLES, Role.INTEGRATION}),
    # A person's calendar: never an integration client's.
    Permission.CALENDAR_READ: frozenset({*_SUPERVISION, *PROVIDER_BOUND_ROLES}),
}

if set(PERMISSIONS) != set(Permission):  # a new permission without a row would silently be nobody's
    raise RuntimeError("every Permission needs a row in PERMISSIONS")

# Permissions on a provider's own data: a provider-bound role holds them for its own provider only.
PROVIDER_SCOPED = frozenset(
    {
        Permission.PROVIDERS_READ,
        Permission.UNITS_READ,
        Permission.VISITS_READ,
        Permission.FOLLOW_UP_WRITE,
        Permission.RECOMMENDATIONS_STATUS,
        Permission.CONCERNS_READ,
        Permission.INTENSIFIED_READ,
        Permission.ACTION_PLANS_READ,
        Permission.ACTION_PLANS_WRITE,
        Permission.ACTION_PLANS_COMMENT,
        Permission.DUE_READ,
        Permission.REPORTS_READ,
        Permission.REPORTS_COMMENT,
        Permission.REPORTS_PUBLISH,
        Permission.COMPLIANCE_READ,
        Permission.INDICATOR_VALUES_READ,
        Permission.OWN_OBSERVATIONS_RECORD,
        Permission.OWN_OBSERVATIONS_READ,
        Permission.CONVERSATIONS_READ,
        Permission.CONVERSATIONS_FOLLOW_UP,
        Permission.TRENDS_READ,
        Permission.CHANGES_READ,
        Permission.CALENDAR_READ,
    }
)


def integration_scopes() -> frozenset[Permission]:
    """The scopes an integration client can be granted: the permissions the table gives the integration role."""
    return frozenset(p for p, roles in PERMISSIONS.items() if Role.INTEGRATION in roles)


def permissions_of(role: Role, scopes: frozenset[str] | None = None) -> frozenset[Permission]:
    """The permissions a role holds; for an integration client, narrowed to its granted scopes."""
    granted = frozenset(p for p, roles in PERMISSIONS.items() if role in roles)
    if role is Role.INTEGRATION:
        granted = frozenset(p for p in granted if p.value in (scopes or frozenset()))
    return granted


def render_role_table() -> str:
    """The README's role table, as Markdown: one row per permission, one column per role."""
    roles = list(Role)
    header = "| permission | what it allows | " + " | ".join(f"`{r.value}`" for r in roles) + " |"
    rule = "|---|---|" + "---|" * len(roles)
    rows = []
    for permission in Permission:
        marks = []
        for role in roles:
            if role not in PERMISSIONS[permission]:
                marks.append("")
            elif role is Role.INTEGRATION:
                marks.append("scope")
            elif role.is_provider_bound and permission in PROVIDER_SCOPED:
                marks.append("own")
            else:
                marks.append("yes")
        rows.append(f"| `{permission.value}` | {permission.description} | " + " | ".join(marks) + " |")
    return "\n".join([header, rule, *rows])
