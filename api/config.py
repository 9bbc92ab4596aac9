"""Settings from the environment (prefix `TILSYN_`), validated once at start-up."""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

DEVELOPMENT_SECRET = "development-only-secret-change-me-0123456789"  # noqa: S105 - refused in production
ROOT = Path(__file__).resolve().parent.parent


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class AuthMode(StrEnum):
    """`local`: tilsyn issues its own tokens. `oidc`: tokens from the municipality's identity provider too."""

    LOCAL = "local"
    OIDC = "oidc"


class WebhookWorker(StrEnum):
    """Where webhooks are delivered from: a thread of `tilsyn serve`, or `tilsyn worker` processes of their own."""

    EMBEDDED = "embedded"
    OFF = "off"


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    """The service's configuration. Every field is an environment variable `TILSYN_<FIELD>`."""

    model_config = SettingsConfigDict(env_prefix="TILSYN_", env_file=".env", extra="ignore")

    environment: Environment = Field(Environment.DEVELOPMENT, description="development or production")
    database_url: str = Field(
        f"sqlite:///{ROOT / 'var' / 'tilsyn.sqlite3'}",
        description="SQLAlchemy URL; SQLite file by default, postgresql+psycopg://... for PostgreSQL",
    )
    secret_key: str = Field(DEVELOPMENT_SECRET, description="HMAC key for locally issued tokens (>= 32 chars)")
    token_issuer: str = Field("tilsyn", description="`iss` of locally issued tokens")
    token_audience: str = Field("tilsyn-api", description="`aud` of locally issued tokens")
    token_lifetime_minutes: int = Field(60, ge=1, le=24 * 60, description="lifetime of an access token")

    auth_mode: AuthMode = Field(AuthMode.LOCAL, description="local, or oidc to accept external tokens too")
    oidc_issuer: str | None = Field(None, description="`iss` of the external identity provider")
    oidc_jwks_url: str | None = Field(None, description="URL of the identity provider's JWKS")
    oidc_audience: str | None = Field(None, description="`aud` the external tokens must carry")
    oidc_role_claim: str = Field("tilsyn_role", description="claim holding the tilsyn role")
    oidc_municipality_claim: str = Field("kommunekode", description="claim holding the kommunekode")
    oidc_provider_claim: str = Field("tilsyn_provider", description="claim holding the provider id, if bound")
    oidc_name_claim: str = Field("name", description="claim holding the display name")
    oidc_jwks_cache_seconds: int = Field(3600, ge=60, description="how long a fetched JWKS is trusted")

    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="comma-separated origins allowed by CORS"
    )
    sqlite_busy_timeout_ms: int = Field(5000, ge=0, description="how long SQLite waits for a lock")
    postgres_lock_timeout_ms: int = Field(5000, ge=0, description="how long PostgreSQL waits for a lock; 0: forever")
    # Sync endpoints run on a threadpool of `threadpool_size`; each thread holds at most one connection at a time.
    database_pool_size: int = Field(40, ge=1, description="connections kept open per process (plus 10 overflow)")
    threadpool_size: int = Field(
        8, ge=1, le=1000, description="threads per process that run the synchronous routes (AnyIO's default: 40)"
    )
    caller_cache_seconds: int = Field(
        5, ge=0, le=300, description="how long a server process remembers who is behind a token (0: never)"
    )
    import_max_bytes: int = Field(
        200_000_000, ge=1000, description="largest file an import accepts over the API (bytes); larger is a 413"
    )

    sign_in_attempts: int = Field(10, ge=1, le=1000, description="wrong credentials per account before a lockout")
    sign_in_window_seconds: int = Field(60, ge=1, le=86400, description="window in which an account's failures count")
    sign_in_base_backoff_seconds: int = Field(60, ge=1, le=86400, description="first lockout; each further doubles")
    sign_in_max_backoff_seconds: int = Field(900, ge=1, le=86400, description="longest lockout")
    sign_in_address_attempts: int = Field(
        100, ge=1, le=100000, description="failures per client address before a lockout"
    )
    sign_in_address_window_seconds: int = Field(60, ge=1, le=86400, description="window for an address's failures")

    webhook_worker: WebhookWorker | None = Field(
        None,
        description="embedded: `tilsyn serve` delivers webhooks in a thread; off: run `tilsyn worker`. "
        "Default: embedded on SQLite, off on PostgreSQL",
    )
    webhook_allowed_hosts: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="comma-separated hosts (names or IPs) webhooks may reach though not public; plain http allowed",
    )
    webhook_secret_overlap_hours: int = Field(
        24, ge=0, le=24 * 30, description="how long a rotated-out signing secret keeps signing beside the new one"
    )

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("webhook_allowed_hosts", mode="before")
    @classmethod
    def _split_webhook_hosts(cls, value: object) -> object:
        return _split_csv(value)

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment is Environment.PRODUCTION and self.secret_key == DEVELOPMENT_SECRET:
            raise ValueError("TILSYN_SECRET_KEY must be set to a secret of your own in production")
        if len(self.secret_key) < 32:
            raise ValueError("TILSYN_SECRET_KEY must be at least 32 characters")
        if self.auth_mode is AuthMode.OIDC and not (self.oidc_issuer and self.oidc_jwks_url and self.oidc_audience):
            raise ValueError("oidc mode needs TILSYN_OIDC_ISSUER, TILSYN_OIDC_JWKS_URL and TILSYN_OIDC_AUDIENCE")
        if self.sign_in_max_backoff_seconds < self.sign_in_base_backoff_seconds:
            raise ValueError(
                "TILSYN_SIGN_IN_MAX_BACKOFF_SECONDS must not be less than TILSYN_SIGN_IN_BASE_BACKOFF_SECONDS"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def webhook_worker_embedded(self) -> bool:
        """Whether the server delivers webhooks itself: as set, else on SQLite (one process, nothing to set up)."""
        if self.webhook_worker is None:
            return self.is_sqlite
        return self.webhook_worker is WebhookWorker.EMBEDDED


@lru_cache
def get_settings() -> Settings:
    """The process's settings, read once."""
    return Settings()
