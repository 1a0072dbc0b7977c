"""Registration policies (PII names, size, required metadata; `security/policy.py`) checked
at the edge on the registration body. One isolated step: it goes away whole once policies
run in the registry's registration path on the parsed schema."""

from __future__ import annotations

from typing import Any

import orjson

from llm_schema_registry.asgi import Receive, Send, buffer
from llm_schema_registry.security.auditing import Auditor, RequestContext
from llm_schema_registry.security.errors import SecurityError
from llm_schema_registry.security.policy import Policies, Violation, blocking
from llm_schema_registry.security.replies import rewriting_json

REGISTER = ("POST", "/subjects/{subject}/versions")


class PolicyBlockedError(SecurityError):
    def __init__(self, violations: list[dict[str, str]]) -> None:
        super().__init__("Registration blocked by policy")
        self.details = {"violations": violations}


class PolicyStep:
    """Blocks a registration that breaks a `block` policy (audited); adds the warnings of
    `warn` policies to the reply and to the registration's audit entry."""

    def __init__(self, policies: Policies, auditor: Auditor) -> None:
        self.policies = policies
        self.auditor = auditor

    def applies(self, ctx: RequestContext) -> bool:
        return (ctx.scope["method"], ctx.match.template) == REGISTER

    async def __call__(
        self, ctx: RequestContext, actor: str, receive: Receive, send: Send
    ) -> tuple[Receive, Send]:
        body, receive = await buffer(receive)
        violations = _violations(self.policies, body)
        found = [v.as_json() for v in violations]
        if blocking(violations):
            await self.auditor.record(ctx, actor, "schema.create", "denied", after=found)
            raise PolicyBlockedError(found)
        if found:
            ctx.notes["policy_warnings"] = found
            send = rewriting_json(send, lambda reply: {**reply, "warnings": found})
        return receive, send


def _violations(policies: Policies, body: bytes) -> list[Violation]:
    try:
        parsed: Any = orjson.loads(body)
    except orjson.JSONDecodeError:
        return []  # the registry answers malformed JSON itself
    return policies.check(parsed) if isinstance(parsed, dict) else []
