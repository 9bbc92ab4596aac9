"""SQLModel tables, one module per aggregate. Importing this package registers them all on the metadata."""

from api.tables.audit import AuditEvent
from api.tables.identity import IntegrationClient, UserAccount
from api.tables.municipality import Municipality
from api.tables.policy import PolicyVersion
from api.tables.provider import Provider, Unit

__all__ = ["AuditEvent", "IntegrationClient", "Municipality", "PolicyVersion", "Provider", "Unit", "UserAccount"]
