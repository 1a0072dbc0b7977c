"""What the audit trail hears from the security layer: every mutation with its before/after
(also with authentication off, as `anonymous`), and every refusal worth knowing about
(failed logins, missing permissions, blocked registrations)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from llm_schema_registry.asgi import ASGIApp, Message, Receive, Scope, Send
from llm_schema_registry.registry.changes import Change, collecting
from llm_schema_registry.registry.checks import reporting
from llm_schema_registry.security.audit import AuditLog
from llm_schema_registry.security.route_table import UNMATCHED, Match, query_subject

_log = logging.getLogger("llm_schema_registry.security")
_UNNAMED = ("admin.only", "schema.read")  # too broad to name what a request did


@dataclass(slots=True)
class RequestContext:
    """One request as the security layer and the audit trail see it."""

    request_id: str
    client: str | None
    scope: Scope  # read when recording: the resource is the path the application saw
    match: Match
    subject: str | None = None
    notes: dict[str, Any] = field(default_factory=dict)  # added to a mutation's `after`

    def __post_init__(self) -> None:
        if self.subject is None:
            self.subject = self.match.subject or query_subject(self.scope.get("query_string", b""))

    @property
    def resource(self) -> str:
        return f"{self.scope['method']} {self.scope['path']}"


def action_name(method: str, found: Match) -> str:
    """A stable action name for the audit log: the permission when it says what happened
    (`schema.create`), else the route (`POST /subjects/{subject}/versions`)."""
    permissions = found.rule.permissions
    if len(permissions) == 1 and found.template != UNMATCHED:
        name = next(iter(permissions))
        if "." in name and name not in _UNNAMED:
            return name
    return f"{method} {found.template}"


class Auditor:
    """Appends to the audit log when there is one; a failed append is logged, never raised
    (the response is already decided)."""

    def __init__(self, log: AuditLog | None) -> None:
        self.log = log

    @property
    def enabled(self) -> bool:
        return self.log is not None

    async def record(
        self,
        ctx: RequestContext,
        actor: str,
        action: str,
        result: str,
        before: Any = None,
        after: Any = None,
    ) -> None:
        await self.append(
            actor=actor,
            action=action,
            resource=ctx.resource,
            subject=ctx.subject,
            result=result,
            request_id=ctx.request_id,
            client=ctx.client,
            before=before,
            after=after,
        )

    async def append(
        self,
        *,
        actor: str,
        action: str,
        resource: str,
        subject: str | None,
        result: str,
        request_id: str,
        client: str | None,
        before: Any = None,
        after: Any = None,
    ) -> None:
        """One entry, as any edge describes its request (`record` does it for HTTP)."""
        if self.log is None:
            return
        try:
            await self.log.record(
                actor=actor,
                action=action,
                resource=resource,
                subject=subject,
                result=result,
                request_id=request_id,
                client=client,
                before=before,
                after=after,
            )
        except Exception:
            _log.exception("audit append failed", extra={"request_id": request_id})

    async def mutation(
        self, app: ASGIApp, ctx: RequestContext, actor: str, receive: Receive, send: Send
    ) -> None:
        """Runs `app`, collecting the changes it makes, then records them and how it ended."""
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with collecting() as changes, reporting() as checks:
            try:
                await app(ctx.scope, receive, send_noting_status)
            finally:
                before, after = before_after(changes)
                if checks.warnings:  # registration checks that warned (registry/checks.py)
                    ctx.notes["policy_warnings"] = [v.as_json() for v in checks.warnings]
                if ctx.notes:
                    after = {"change": after, **ctx.notes}
                result = "success" if status < 400 else "error"
                if checks.refused:  # a registration check blocked it
                    result, after = "denied", [v.as_json() for v in checks.refused]
                action = action_name(ctx.scope["method"], ctx.match)
                await self.record(ctx, actor, action, result, before, after)


def before_after(changes: list[Change]) -> tuple[Any, Any]:
    """What a request changed, for its audit entry: one change as is, several as lists."""
    if len(changes) == 1:
        return changes[0].before, changes[0].after
    if changes:
        return [c.before for c in changes], [c.after for c in changes]
    return None, None
