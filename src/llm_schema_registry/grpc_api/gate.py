"""Security for every RPC, as the REST security layer does it for every request, with the same
plain calls of `security/`: credentials from the call's metadata (`x-api-key`, `authorization:
Basic …|Bearer …`) → principal (`authentication`) → token bucket (`ratelimit`) → permission on
the subject (`authorization`) → the RPC, its listing cut to the caller's scope and its
mutation audited (`auditing`), refusals and failed logins audited too.

With authentication off, reads pass straight through and mutations are audited as
`anonymous`, as over REST.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableSequence, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, runtime_checkable

from llm_schema_registry.grpc_api.access import Declared
from llm_schema_registry.observability.context import request_id_for
from llm_schema_registry.registry.changes import collecting
from llm_schema_registry.registry.checks import reporting
from llm_schema_registry.security.auditing import before_after
from llm_schema_registry.security.authorization import authorize, sees_all, visible
from llm_schema_registry.security.errors import (
    ForbiddenError,
    LoginThrottledError,
    RateLimitedError,
    UnauthenticatedError,
)
from llm_schema_registry.security.principals import ANONYMOUS, Principal
from llm_schema_registry.security.setup import SecurityGuards

T = TypeVar("T")
RESOURCE_PREFIX = "gRPC "  # audit resources: "gRPC /llm_schema_registry.v1.SchemaRegistry/…"
_UNNAMED = ("admin.only", "schema.read")  # too broad to name what a call did


@dataclass(frozen=True, slots=True)
class CallInfo:
    """One call as security and the audit trail see it."""

    method: str  # the RPC's path
    metadata: dict[str, str]  # lower-case keys (gRPC's), text values
    peer: str | None  # the client's address
    request_id: str  # the caller's `x-request-id`, else a new one

    @classmethod
    def of(cls, method: str, metadata: Sequence[tuple[str, str | bytes]], peer: str) -> CallInfo:
        texts = {k: v for k, v in metadata if isinstance(v, str)}
        given = texts.get("x-request-id")
        rid = request_id_for(given.encode("latin-1") if given else None)
        return cls(method, texts, _address(peer), rid)


@runtime_checkable
class SubjectListing(Protocol):
    """A reply listing subjects (`ListSubjectsResponse`), cut to what the caller may read."""

    @property
    def subjects(self) -> MutableSequence[str]: ...


def _address(peer: str) -> str | None:
    """`ipv4:127.0.0.1:5000` -> `127.0.0.1`; `ipv6:[::1]:5000` -> `::1`."""
    kind, _, rest = peer.partition(":")
    if kind not in ("ipv4", "ipv6"):
        return rest or None
    host = rest.rsplit(":", 1)[0]
    return host.strip("[]") or None


def action_name(declared: Declared, method: str) -> str:
    """As REST names it: the permission when it says what happened (`schema.create`)."""
    permissions = declared.rule.permissions
    if len(permissions) == 1:
        name = next(iter(permissions))
        if "." in name and name not in _UNNAMED:
            return name
    return RESOURCE_PREFIX + method


class Gate:
    """Runs an RPC's body once its caller is let through (see the module docstring)."""

    def __init__(self, guards: SecurityGuards) -> None:
        self.authenticator = guards.authenticator
        self.limits = guards.limits
        self.auditor = guards.auditor

    def open_for(self, declared: Declared) -> bool:
        """Nothing to check or record for this RPC: run it straight away."""
        auditing = declared.rule.mutation and self.auditor.enabled
        return self.authenticator is None and not auditing

    async def run(
        self,
        declared: Declared,
        request: Any,
        call: CallInfo,
        body: Callable[[], Awaitable[T]],
    ) -> T:
        """`body()` as `call`'s caller may run it (refusals raise `SecurityError`s)."""
        subject = declared.subject_of(request)
        principal = await self._admit(declared, subject, call)
        if declared.rule.mutation and self.auditor.enabled:
            return await self._audited(declared, subject, call, principal, body)
        reply = await body()
        listing = declared.rule.listing
        if listing is not None and not sees_all(principal) and isinstance(reply, SubjectListing):
            kept = visible(principal, listing, reply.subjects)
            del reply.subjects[:]
            reply.subjects.extend(kept)
        return reply

    async def _admit(self, declared: Declared, subject: str | None, call: CallInfo) -> Principal:
        if self.authenticator is None:
            return ANONYMOUS
        try:
            principal = await self.authenticator.authenticate(
                api_key=call.metadata.get("x-api-key"),
                authorization=call.metadata.get("authorization", ""),
                client=call.peer,
            )
        except UnauthenticatedError as refusal:
            after = {"reason": refusal.reason}
            await self._record(call, subject, "anonymous", "auth.login", "denied", after=after)
            raise
        except LoginThrottledError as throttled:
            wait: dict[str, int] = {"retry_after": throttled.retry_after_seconds}
            await self._record(call, subject, "anonymous", "auth.throttled", "denied", after=wait)
            raise
        if self.limits is not None:
            try:
                await self.limits.admit(principal)
            except RateLimitedError as limited:
                wait = {"retry_after": limited.retry_after_seconds}
                await self._record(
                    call, subject, principal.actor, "rate_limited", "denied", after=wait
                )
                raise
        try:
            authorize(principal, declared.rule, subject)
        except ForbiddenError:
            action = min(declared.rule.permissions)
            await self._record(call, subject, principal.actor, action, "denied")
            raise
        return principal

    async def _audited(
        self,
        declared: Declared,
        subject: str | None,
        call: CallInfo,
        principal: Principal,
        body: Callable[[], Awaitable[T]],
    ) -> T:
        """Runs `body`, collecting what it changes, then records it and how it ended."""
        result = "error"
        with collecting() as changes, reporting() as checks:
            try:
                reply = await body()
                result = "success"
                return reply
            finally:
                before, after = before_after(changes)
                if checks.warnings:  # registration checks that warned (registry/checks.py)
                    warned = [v.as_json() for v in checks.warnings]
                    after = {"change": after, "policy_warnings": warned}
                if checks.refused:  # a registration check blocked it
                    result, after = "denied", [v.as_json() for v in checks.refused]
                action = action_name(declared, call.method)
                await self._record(call, subject, principal.actor, action, result, before, after)

    async def _record(
        self,
        call: CallInfo,
        subject: str | None,
        actor: str,
        action: str,
        result: str,
        before: Any = None,
        after: Any = None,
    ) -> None:
        await self.auditor.append(
            actor=actor,
            action=action,
            resource=RESOURCE_PREFIX + call.method,
            subject=subject,
            result=result,
            request_id=call.request_id,
            client=call.peer,
            before=before,
            after=after,
        )
