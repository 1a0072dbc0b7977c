"""The security layer: pure ASGI, outermost, so nothing (not even the front layer's cached
hot read) is answered before a request is authenticated, rate limited and authorized.

Per request: route rule (`route_table`) → credentials (`authentication`) → token bucket
(`ratelimit`) → permission and subject scope (`authorization`) → the app, its listings
filtered to the caller's scope and its mutations audited (`auditing`). (Registration
policies run in the registry, on the parsed schema: `registry/checks.py`.) Refusals are
`SecurityError`s, answered by the edge's error renderer (`refuse`), which knows the codes.

With authentication off (loopback only, see `serve`), reads pass straight through and
mutations are audited with the actor `anonymous`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from llm_schema_registry.asgi import ASGIApp, Receive, Scope, Send, buffer, declared_length
from llm_schema_registry.observability.context import request_id_for
from llm_schema_registry.security.auditing import Auditor, RequestContext
from llm_schema_registry.security.authentication import Authenticator
from llm_schema_registry.security.authorization import authorize, sees_all, visible
from llm_schema_registry.security.errors import (
    BodyTooLargeError,
    CsrfError,
    ForbiddenError,
    LoginThrottledError,
    RateLimitedError,
    SecurityError,
    UnauthenticatedError,
)
from llm_schema_registry.security.pages import PageGuard
from llm_schema_registry.security.principals import ANONYMOUS, Principal
from llm_schema_registry.security.ratelimit import RateLimits
from llm_schema_registry.security.replies import body_subject, rewriting_json
from llm_schema_registry.security.route_table import MUTATING, Match, RouteTable

REQUEST_ID = b"x-request-id"
# Answers a refusal: (send, the refusal, the request id).
Refuse = Callable[[Send, SecurityError, str], Awaitable[None]]


class SecurityLayer:
    """Wraps the whole app (see the module docstring); each step is its own module's."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        routes: RouteTable,
        refuse: Refuse,
        authenticator: Authenticator | None,
        limits: RateLimits | None,
        auditor: Auditor,
        pages: PageGuard | None = None,
        max_body_bytes: int = 1024 * 1024,
    ) -> None:
        """`authenticator` None: authentication is off (every caller is `anonymous`);
        `pages`: dashboard pages, authenticated by their session cookie; `max_body_bytes`:
        the most of a request body this layer reads (to find its subject)."""
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.pages = pages
        self.routes = routes
        self.refuse = refuse
        self.authenticator = authenticator
        self.limits = limits
        self.auditor = auditor
        self._watches_mutations = auditor.enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self.pages is not None and self.pages.claims(scope):
            found = self.routes.match(
                scope["method"], scope.get("raw_path") or scope["path"].encode()
            )
            if found.rule.session:
                await self._page(self.pages, found, scope, receive, send)
                return
        if scope["type"] != "http" or (
            self.authenticator is None
            and (scope["method"] not in MUTATING or not self._watches_mutations)
        ):
            await self.app(scope, receive, send)
            return
        found = self.routes.match(scope["method"], scope.get("raw_path") or scope["path"].encode())
        if found.rule.public:
            await self.app(scope, receive, send)
            return
        headers, ctx = _context(scope, found)
        rid = ctx.request_id
        try:
            principal, receive = await self._admit(ctx, headers, receive)
            receive, send = await self._shape(ctx, principal, receive, send)
            # For routes that act on the caller's scope (a webhook keeps its creator's).
            scope.setdefault("state", {})["principal"] = principal
        except SecurityError as refusal:
            await self.refuse(send, refusal, rid)
            return
        if found.rule.mutation and self.auditor.enabled:
            await self.auditor.mutation(self.app, ctx, principal.actor, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _admit(
        self, ctx: RequestContext, headers: dict[bytes, bytes], receive: Receive
    ) -> tuple[Principal, Receive]:
        """The caller, once authenticated, within its rate and allowed to do this."""
        if self.authenticator is None:
            return ANONYMOUS, receive
        principal = await self._authenticate(ctx, headers, self.authenticator)
        if self.limits is not None:
            await self._within_rate(ctx, principal, self.limits)
        if ctx.match.rule.body_subject:
            body, receive = await self._read_body(ctx.scope, receive)
            ctx.subject = body_subject(body)
        await self._authorize(ctx, principal)
        return principal, receive

    async def _read_body(self, scope: Scope, receive: Receive) -> tuple[bytes, Receive]:
        """The request body (and a `receive` replaying it), within the size limit: a
        declared length over it is refused unread, a streamed body as soon as it passes it."""
        declared = declared_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            raise BodyTooLargeError(self.max_body_bytes)
        body, receive = await buffer(receive, self.max_body_bytes)
        if body is None:
            raise BodyTooLargeError(self.max_body_bytes)
        return body, receive

    async def _authorize(self, ctx: RequestContext, principal: Principal) -> None:
        rule = ctx.match.rule
        try:
            authorize(principal, rule, ctx.subject)
        except ForbiddenError:
            await self.auditor.record(ctx, principal.actor, min(rule.permissions), "denied")
            raise

    async def _page(
        self, pages: PageGuard, found: Match, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """A dashboard page (`security/pages.py`): its session, CSRF, then as any route."""
        headers, ctx = _context(scope, found)
        try:
            principal, receive = await pages.admit(
                scope, receive, headers, found, self.authenticator, self._read_body
            )
            if principal is not None and not found.rule.public:
                if self.limits is not None and self.authenticator is not None:
                    await self._within_rate(ctx, principal, self.limits)
                await self._authorize(ctx, principal)
        except SecurityError as refusal:
            if isinstance(refusal, CsrfError):
                after = {"reason": refusal.reason}
                await self.auditor.record(ctx, "anonymous", "ui.csrf", "denied", after=after)
            await pages.refuse(scope, send, refusal, ctx.request_id)
            return
        actor = principal.actor if principal is not None else "anonymous"
        if found.rule.mutation and self.auditor.enabled:
            await self.auditor.mutation(self.app, ctx, actor, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _authenticate(
        self, ctx: RequestContext, headers: dict[bytes, bytes], authenticator: Authenticator
    ) -> Principal:
        api_key = headers.get(b"x-api-key")
        try:
            return await authenticator.authenticate(
                api_key=api_key.decode("latin-1") if api_key is not None else None,
                authorization=headers.get(b"authorization", b"").decode("latin-1"),
                client=ctx.client,
            )
        except UnauthenticatedError as refusal:
            after = {"reason": refusal.reason}
            await self.auditor.record(ctx, "anonymous", "auth.login", "denied", after=after)
            raise
        except LoginThrottledError as refusal:
            wait: dict[str, int] = {"retry_after": refusal.retry_after_seconds}
            await self.auditor.record(ctx, "anonymous", "auth.throttled", "denied", after=wait)
            raise

    async def _within_rate(
        self, ctx: RequestContext, principal: Principal, limits: RateLimits
    ) -> None:
        try:
            await limits.admit(principal)
        except RateLimitedError as refusal:
            wait: dict[str, int] = {"retry_after": refusal.retry_after_seconds}
            await self.auditor.record(ctx, principal.actor, "rate_limited", "denied", after=wait)
            raise

    async def _shape(
        self, ctx: RequestContext, principal: Principal, receive: Receive, send: Send
    ) -> tuple[Receive, Send]:
        """What the app reads and sends, as this caller may see it."""
        listing = ctx.match.rule.listing
        if listing is not None and not sees_all(principal):
            send = rewriting_json(send, partial(visible, principal, listing))
        return receive, send


def _context(scope: Scope, found: Match) -> tuple[dict[bytes, bytes], RequestContext]:
    """The request's headers, and its context (request id made, and echoed inside, if the
    caller sent none)."""
    headers: dict[bytes, bytes] = dict(scope["headers"])
    rid = request_id_for(headers.get(REQUEST_ID))
    if REQUEST_ID not in headers:  # so the layers inside echo the same id
        scope["headers"] = [*scope["headers"], (REQUEST_ID, rid.encode("latin-1"))]
    client = scope.get("client")
    return headers, RequestContext(rid, client[0] if client else None, scope, found)
