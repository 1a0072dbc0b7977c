"""`llm-schema keys create|list|revoke`: API keys, straight against REGISTRY_DATABASE_URL.

No server needed (the first admin key is made this way); migrations are applied first, so a
fresh database works too. Creations and revocations are audited (actor `cli`).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import typer

from llm_schema_registry.settings import Settings

keys_app = typer.Typer(help="Create, list and revoke API keys (runs against the database).")
T = TypeVar("T")


def with_security_store(work: Callable[[Any], Awaitable[T]]) -> T:
    """Runs `work(SecurityStore)` on the configured database, migrated first."""
    from llm_schema_registry.storage.security_sql import SqlSecurityStore
    from llm_schema_registry.storage.sql import SqlStore

    url = Settings().database_url.get_secret_value()

    async def run() -> T:
        sql = SqlStore(url)
        try:
            await sql.start()
        finally:
            await sql.close()
        store = SqlSecurityStore(url)
        try:
            return await work(store)
        finally:
            await store.close()

    return asyncio.run(run())


def _json_output(ctx: typer.Context) -> bool:
    return bool(ctx.obj is not None and getattr(ctx.obj, "output", "text") == "json")


@keys_app.command("create")
def create(
    ctx: typer.Context,
    role: str = typer.Option(..., help="admin, publisher, reviewer, consumer or auditor"),
    subjects: str = typer.Option("", help="Comma-separated subject globs, e.g. 'telemetry.*'"),
    expires_at: str | None = typer.Option(None, help="ISO-8601 expiry, e.g. 2027-01-01T00:00Z"),
    rate_limit: int | None = typer.Option(None, min=1, help="Requests per minute for this key"),
    description: str | None = typer.Option(None, help="What the key is for"),
) -> None:
    """Create a key; its secret is printed once and never stored."""
    from llm_schema_registry.security.apikeys import InvalidKeyRequestError, new_key
    from llm_schema_registry.security.audit import AuditLog

    expires = None
    if expires_at is not None:
        expires = int(datetime.fromisoformat(expires_at).timestamp() * 1000)
    globs = tuple(g.strip() for g in subjects.split(",") if g.strip())
    try:
        key, secret = new_key(
            role,
            globs,
            expires_ms=expires,
            rate_limit_per_minute=rate_limit,
            description=description,
        )
    except InvalidKeyRequestError as error:
        raise typer.BadParameter(str(error)) from None

    async def work(store: Any) -> None:
        await store.add_key(key)
        await AuditLog(store).record(
            actor="cli",
            action="keys.create",
            resource="cli keys create",
            result="success",
            after=key.public(),
        )

    with_security_store(work)
    if _json_output(ctx):
        typer.echo(json.dumps({"key_id": key.key_id, "secret": secret}))
    else:
        typer.echo(f"key_id: {key.key_id}\nsecret: {secret}\n(the secret is shown only once)")


@keys_app.command("list")
def list_keys(ctx: typer.Context) -> None:
    """List keys (never secrets)."""

    async def work(store: Any) -> list[dict[str, Any]]:
        return [key.public() for key in await store.keys()]

    found = with_security_store(work)
    if _json_output(ctx):
        typer.echo(json.dumps(found))
        return
    for key in found:
        state = "revoked" if key["revoked_ms"] else "active"
        typer.echo(f"{key['key_id']}  {key['role']:<9}  {state:<7}  {','.join(key['subjects'])}")


@keys_app.command("revoke")
def revoke(key_id: str = typer.Argument(..., help="The key's id")) -> None:
    """Revoke a key (every node refuses it within seconds)."""
    from llm_schema_registry.security.apikeys import now_ms
    from llm_schema_registry.security.audit import AuditLog

    async def work(store: Any) -> bool:
        before = await store.key(key_id)
        if before is None or not await store.revoke_key(key_id, now_ms()):
            return False
        after = await store.key(key_id)
        await AuditLog(store).record(
            actor="cli",
            action="keys.revoke",
            resource="cli keys revoke",
            result="success",
            before=before.public(),
            after=after.public(),
        )
        return True

    if not with_security_store(work):
        typer.echo(f"No API key '{key_id}'", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")
