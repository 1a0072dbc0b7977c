"""Records the security layer keeps: API keys and audit entries (no I/O here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A stored API key: the secret itself is never kept, only its slow hash."""

    key_id: str
    secret_hash: str
    role: str
    subjects: tuple[str, ...]
    created_ms: int
    expires_ms: int | None = None
    revoked_ms: int | None = None
    rate_limit_per_minute: int | None = None
    description: str | None = None

    def usable(self, now_ms: int) -> bool:
        if self.revoked_ms is not None:
            return False
        return self.expires_ms is None or now_ms < self.expires_ms

    def public(self) -> dict[str, Any]:
        """What listings show (no hash)."""
        return {
            "key_id": self.key_id,
            "role": self.role,
            "subjects": list(self.subjects),
            "created_ms": self.created_ms,
            "expires_ms": self.expires_ms,
            "revoked_ms": self.revoked_ms,
            "rate_limit_per_minute": self.rate_limit_per_minute,
            "description": self.description,
        }


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One link of the audit chain; `hash` covers every other field and `prev_hash`."""

    id: int
    time: str
    actor: str
    action: str
    resource: str
    subject: str | None
    result: str  # success | denied | error
    request_id: str | None
    client: str | None
    before: Any
    after: Any
    prev_hash: str
    hash: str

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "time": self.time,
            "actor": self.actor,
            "action": self.action,
            "resource": self.resource,
            "subject": self.subject,
            "result": self.result,
            "request_id": self.request_id,
            "client": self.client,
            "before": self.before,
            "after": self.after,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass(frozen=True, slots=True)
class AuditQuery:
    actor: str | None = None
    subject: str | None = None
    action: str | None = None
    since: str | None = None  # ISO-8601 UTC, compared as text (same format as `time`)
    until: str | None = None
    limit: int = 100
    offset: int = 0
