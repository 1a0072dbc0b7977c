"""The security layer: pure ASGI, outermost, so nothing (not even the front layer's cached
hot read) is answered before a request is authenticated, rate limited and authorized.

Order per request: route rule → credentials (X-API-Key, Basic `key_id:secret`, Bearer JWT)
→ 401/40101 → token bucket → 429/42901 → permission and subject scope → 403/40301 → the
app. Mutations run inside a change collector and are audited with their before/after;
denials and login failures are audited too. Listings are filtered to the caller's scope
here, on the response body, so the routes stay unaware of principals.

With authentication off (loopback only, see `serve`), reads pass straight through and
mutations are audited with the actor `anonymous`.
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

import orjson

from llm_schema_registry.api.front import ASGIApp, Message, Receive, Scope, Send
from llm_schema_registry.api.media import V1_JSON
from llm_schema_registry.observability.context import request_id_for
from llm_schema_registry.registry.changes import collecting
from llm_schema_registry.registry.checks import reporting
from llm_schema_registry.security.apikeys import ApiKeyAuthenticator
from llm_schema_registry.security.audit import AuditLog
from llm_schema_registry.security.jwt_auth import JwtVerifier, TokenError
from llm_schema_registry.security.permissions import (
    PUBLIC,
    UNMATCHED,
    Match,
    match,
    query_subject,
    segments,
)
from llm_schema_registry.security.principals import ANONYMOUS, Principal
from llm_schema_registry.security.ratelimit import RateLimiter

_log = logging.getLogger("llm_schema_registry.security")
REQUEST_ID = b"x-request-id"
_MUTATING = ("POST", "PUT", "DELETE", "PATCH")


class SecurityLayer:
    def __init__(
        self,
        app: ASGIApp,
        *,
        auth_enabled: bool,
        audit: AuditLog | None,
        keys: ApiKeyAuthenticator,
        tokens: JwtVerifier,
        limiter: RateLimiter | None,
        default_rate: int,
        role_rates: dict[str, int],
    ) -> None:
        self.app = app
        self.auth_enabled = auth_enabled
        self.audit = audit
        self.keys = keys
        self.tokens = tokens
        self.limiter = limiter
        self.default_rate = default_rate
        self.role_rates = role_rates

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (
            not self.auth_enabled and (scope["method"] not in _MUTATING or self.audit is None)
        ):
            await self.app(scope, receive, send)
            return
        found = match(scope["method"], segments(scope.get("raw_path") or scope["path"].encode()))
        if found.rule.permissions == PUBLIC:
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = dict(scope["headers"])
        rid = request_id_for(headers.get(REQUEST_ID))
        if REQUEST_ID not in headers:  # so the layers inside echo the same id
            scope["headers"] = [*scope["headers"], (REQUEST_ID, rid.encode("latin-1"))]
        client = scope.get("client")
        ctx = _Context(rid, client[0] if client else None, found, scope)
        if not self.auth_enabled:
            await self._run(scope, receive, send, ANONYMOUS, ctx)
            return
        principal, failure = await self._authenticate(headers)
        if principal is None:
            if failure is not None:
                await self._audit(
                    ctx, "anonymous", "auth.login", "denied", after={"reason": failure}
                )
            await _error(send, 401, 40101, "Unauthorized: missing or invalid credentials", rid)
            return
        wait = await self._rate_wait(principal)
        if wait:
            await _error(
                send, 429, 42901, "Rate limit exceeded", rid, [(b"retry-after", str(wait).encode())]
            )
            return
        body = b""
        if found.rule.body_subject:
            body, receive = await _buffer(receive)
            ctx.subject = _body_subject(body)
        if found.template == UNMATCHED and not principal.allows(found.rule.permissions, None):
            # No such route: answered here, without reaching any application code (clients
            # probe optional APIs, e.g. confluent-kafka's /associations, and expect a 404).
            await _error(send, 404, 404, "HTTP 404 Not Found", rid)
            return
        if not principal.allows(found.rule.permissions, ctx.subject):
            action = sorted(found.rule.permissions)[0]
            await self._audit(ctx, principal.actor, action, "denied")
            await _error(send, 403, 40301, "Forbidden: the caller lacks this permission", rid)
            return
        await self._run(scope, receive, send, principal, ctx)

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, principal: Principal, ctx: _Context
    ) -> None:
        rule = ctx.match.rule
        if rule.listing and not principal.sees_every_subject("schema.read"):
            send = _filtering(send, rule.listing, principal)
        if not rule.mutation or self.audit is None:
            await self.app(scope, receive, send)
            return
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        with collecting() as changes, reporting() as checks:
            try:
                await self.app(scope, receive, send_noting_status)
            finally:
                result = "success" if status < 400 else "error"
                before = after = None
                if len(changes) == 1:
                    before, after = changes[0].before, changes[0].after
                elif changes:
                    before = [c.before for c in changes]
                    after = [c.after for c in changes]
                if checks.refused:  # a registration check blocked it (registry/checks.py)
                    result, after = "denied", [v.as_json() for v in checks.refused]
                elif checks.warnings:
                    warnings = [v.as_json() for v in checks.warnings]
                    after = {"change": after, "policy_warnings": warnings}
                action = _action(scope["method"], ctx.match)
                await self._audit(ctx, principal.actor, action, result, before, after)

    async def _authenticate(
        self, headers: dict[bytes, bytes]
    ) -> tuple[Principal | None, str | None]:
        """The principal, or None and why (None when no credentials were given at all)."""
        api_key = headers.get(b"x-api-key")
        if api_key is not None:
            found = await self.keys.authenticate(api_key.decode("latin-1"))
            return (found, None) if found else (None, "invalid API key")
        authorization = headers.get(b"authorization", b"").decode("latin-1")
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "basic":
            try:
                user, _, secret = (
                    base64.b64decode(value.strip(), validate=True).decode().partition(":")
                )
            except (binascii.Error, UnicodeDecodeError):
                return None, "malformed Basic credentials"
            found = await self.keys.authenticate(secret, key_id=user)
            return (found, None) if found else (None, "invalid Basic credentials")
        if scheme.lower() == "bearer" and self.tokens.configured:
            try:
                return await self.tokens.principal(value.strip()), None
            except TokenError as error:
                return None, str(error)
        if authorization:
            return None, "unsupported authorization scheme"
        return None, "no credentials"

    async def _rate_wait(self, principal: Principal) -> int:
        if self.limiter is None:
            return 0
        rate = principal.rate_limit_per_minute or max(
            (self.role_rates.get(role, self.default_rate) for role in principal.roles),
            default=self.default_rate,
        )
        return await self.limiter.wait_seconds(principal.actor, rate)

    async def _audit(
        self,
        ctx: _Context,
        actor: str,
        action: str,
        result: str,
        before: Any = None,
        after: Any = None,
    ) -> None:
        if self.audit is None:
            return
        try:
            await self.audit.record(
                actor=actor,
                action=action,
                resource=f"{ctx.scope['method']} {ctx.scope['path']}",
                subject=ctx.subject,
                result=result,
                request_id=ctx.request_id,
                client=ctx.client,
                before=before,
                after=after,
            )
        except Exception:
            # The response is already decided; a failed append must be seen by operators.
            _log.exception("audit append failed", extra={"request_id": ctx.request_id})


class _Context:
    __slots__ = ("client", "match", "request_id", "scope", "subject")

    def __init__(self, request_id: str, client: str | None, found: Match, scope: Scope) -> None:
        self.request_id = request_id
        self.client = client
        self.match = found
        self.scope = scope
        self.subject = found.subject or query_subject(scope.get("query_string", b""))


def _action(method: str, found: Match) -> str:
    """A stable action name for the audit log, e.g. `POST /subjects/{subject}/versions`."""
    permissions = found.rule.permissions
    if len(permissions) == 1 and "." in next(iter(permissions)) and found.template != UNMATCHED:
        name = next(iter(permissions))
        if name != "admin.only" and name != "schema.read":
            return name
    return f"{method} {found.template}"


async def _error(
    send: Send,
    status: int,
    code: int,
    message: str,
    request_id: str,
    extra: list[tuple[bytes, bytes]] | None = None,
) -> None:
    payload: dict[str, Any] = {"error_code": code, "message": message}
    body = orjson.dumps(payload)
    headers = [
        (b"content-type", V1_JSON.encode()),
        (b"content-length", str(len(body)).encode()),
        (REQUEST_ID, request_id.encode("latin-1")),
        *(extra or []),
    ]
    if status == 401:
        headers.append((b"www-authenticate", b'Basic realm="schema-registry"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
    """Reads the whole body (the front layer's size limit applies to it later too)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


def _body_subject(body: bytes) -> str | None:
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    subject = parsed.get("subject") if isinstance(parsed, dict) else None
    return subject if isinstance(subject, str) else None


def _filtering(send: Send, listing: str, principal: Principal) -> Send:
    """Drops out-of-scope subjects from a listing's JSON body."""

    def visible(subject: object) -> bool:
        return isinstance(subject, str) and principal.allows(("schema.read",), subject)

    def keep(items: list[Any]) -> list[Any]:
        if listing == "subjects":
            return [s for s in items if visible(s)]
        return [i for i in items if isinstance(i, dict) and visible(i.get("subject"))]

    return _rewriting(send, keep)


def _rewriting(send: Send, change: Any) -> Send:
    """Buffers a JSON reply; on 200 passes it through `change` and fixes content-length."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def send_rewritten(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = b"".join(chunks)
        if start["status"] == 200:
            body = orjson.dumps(change(orjson.loads(body)))
        start["headers"] = [
            (k, str(len(body)).encode() if k == b"content-length" else v)
            for k, v in start["headers"]
        ]
        await send(start)
        await send({"type": "http.response.body", "body": body})

    return send_rewritten
