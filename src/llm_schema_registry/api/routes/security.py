"""Security endpoints: API keys (admin), the audit log (auditor, admin), signatures, keys.

Who may call what each route declares (`requires`); the security layer decides before a
request gets here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from llm_schema_registry.api.access import ADMIN_ONLY, PUBLIC, READ, requires
from llm_schema_registry.api.deps import QueryInt, Registry, schema_id
from llm_schema_registry.registry.changes import record_change
from llm_schema_registry.security.apikeys import new_key, now_ms
from llm_schema_registry.security.audit import AuditLog
from llm_schema_registry.security.audit_head import head_of
from llm_schema_registry.security.errors import ApiKeyNotFoundError, SigningNotConfiguredError
from llm_schema_registry.security.model import AuditQuery
from llm_schema_registry.security.signing import Signer
from llm_schema_registry.security.store import SecurityStore

router = APIRouter()


class KeyRequest(BaseModel):
    role: str
    subjects: list[str] = Field(default_factory=list, description="Subject globs (fnmatch)")
    expires_at: datetime | None = None
    rate_limit_per_minute: int | None = Field(default=None, ge=1)
    description: str | None = None


class CreatedKey(BaseModel):
    key_id: str
    secret: str = Field(description="Shown once; only a slow hash is stored")


def _store(request: Request) -> SecurityStore:
    store: SecurityStore = request.app.state.security_store
    return store


@router.post(
    "/admin/keys", dependencies=[requires(ADMIN_ONLY, mutation=True)], response_model=CreatedKey
)
async def create_key(request: Request, body: KeyRequest) -> Any:
    expires = int(body.expires_at.timestamp() * 1000) if body.expires_at else None
    key, secret = new_key(
        body.role,
        tuple(body.subjects),
        expires_ms=expires,
        rate_limit_per_minute=body.rate_limit_per_minute,
        description=body.description,
    )
    await _store(request).add_key(key)
    record_change(None, key.public())
    return {"key_id": key.key_id, "secret": secret}


@router.get("/admin/keys", dependencies=[requires(ADMIN_ONLY)], response_model=list[dict[str, Any]])
async def list_keys(request: Request) -> list[dict[str, Any]]:
    return [key.public() for key in await _store(request).keys()]


@router.delete(
    "/admin/keys/{key_id}",
    dependencies=[requires(ADMIN_ONLY, mutation=True)],
    response_model=dict[str, Any],
)
async def revoke_key(request: Request, key_id: str) -> Any:
    store = _store(request)
    before = await store.key(key_id)
    if before is None or not await store.revoke_key(key_id, now_ms()):
        raise ApiKeyNotFoundError(key_id)
    after = await store.key(key_id)
    record_change(before.public(), after.public() if after else None)
    return {"key_id": key_id, "revoked": True}


@router.get("/audit", dependencies=[requires("audit.read")], response_model=list[dict[str, Any]])
async def audit_entries(
    request: Request,
    actor: str | None = None,
    subject: str | None = None,
    action: str | None = None,
    since: str | None = None,
    until: str | None = None,
    limit: Annotated[QueryInt, Query(ge=0, le=10_000)] = 100,
    offset: Annotated[QueryInt, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    audit: AuditLog = request.app.state.audit
    query = AuditQuery(actor, subject, action, since, until, limit, offset)
    return [entry.as_json() for entry in await audit.entries(query)]


@router.get("/audit/head", dependencies=[requires("audit.read")], response_model=dict[str, Any])
async def audit_head(request: Request) -> dict[str, Any]:
    """The chain's head `{count, hash, time}` (signed when a signing key is configured):
    save it elsewhere, and `llm-schema audit verify --head FILE` detects a log cut short."""
    head = head_of(await _store(request).newest())
    signer = _signer(request)
    return signer.signed_head(head) if signer is not None else head


def _signer(request: Request) -> Signer | None:
    signer: Signer | None = request.app.state.signer
    return signer


@router.get("/keys", dependencies=[requires(PUBLIC)], response_model=dict[str, Any])
async def public_keys(request: Request) -> dict[str, Any]:
    signer = _signer(request)
    return signer.keys() if signer is not None else {"keys": []}


@router.get(
    "/schemas/ids/{id}/signature", dependencies=[requires(READ)], response_model=dict[str, Any]
)
async def signature(request: Request, registry: Registry, id: str) -> Any:
    wanted = schema_id(id)  # a malformed id is a 404 whether or not signing is configured
    signer = _signer(request)
    if signer is None:
        raise SigningNotConfiguredError()
    schema = await registry.schema_by_id(wanted)
    return signer.signature(schema.id, schema.text)
