"""Who may do what: the rule a route declares (the permissions it needs, any one of them, and
which subject it names), checked against a principal; listings cut down to what the
principal may see. Transport-free, so every edge asks the same question the same way."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from llm_schema_registry.registry.contexts import DEFAULT_CONTEXT, PREFIX, context_prefix
from llm_schema_registry.security.errors import ForbiddenError, UnknownRouteError
from llm_schema_registry.security.principals import Principal

PUBLIC = frozenset({"public"})
READ = frozenset({"schema.read"})
VALIDATE = frozenset({"schema.validate"})
ADMIN_ONLY = frozenset({"admin.only"})  # held by no role but admin ("*")

# What a reply lists, so it can be cut to what the caller may read: subject names, objects with
# a `subject`, a lineage graph (`nodes` with a `subject`, `edges` between them), an impact
# analysis (`affected` objects with a `subject`), schemas in bulk (each with the `subjects`
# holding it).
Listing = Literal["subjects", "versions", "schemas", "lineage", "impact", "bulk", "contexts"]
HIDDEN_SUBJECT = "(a subject outside your scope)"


@dataclass(frozen=True, slots=True)
class Rule:
    """What calling a route needs; declared on the route itself (see `api/access.py`)."""

    permissions: frozenset[str]  # any one of them will do
    subject_param: str | None = None  # the path parameter naming a subject
    mutation: bool = False  # audited with before/after
    listing: Listing | None = None  # the reply lists subjects: filtered to the caller's scope
    body_subject: bool = False  # the JSON body's "subject" names the subject
    # A read by id: with no `?subject=` it reads the default context, which a key confined
    # to named contexts (every glob `:.ctx:…`) may not (docs/contexts.md).
    by_id: bool = False
    hidden: bool = False  # refused as if it did not exist (404), like an unknown route
    # A dashboard page: the session cookie is the credential, and a state change needs the
    # session's CSRF token (security/csrf.py).
    session: bool = False

    @property
    def public(self) -> bool:
        return self.permissions == PUBLIC


def authorize(principal: Principal, rule: Rule, subject: str | None) -> None:
    """Raises unless `principal` holds one of the rule's permissions on `subject` (None: the
    request names no subject)."""
    if rule.hidden and not principal.allows(rule.permissions, None):
        raise UnknownRouteError()
    if not principal.allows(rule.permissions, subject):
        raise ForbiddenError()
    if rule.by_id and subject is None and not sees_context(principal, DEFAULT_CONTEXT):
        raise ForbiddenError()


def allowed(principal: Principal, permissions: Iterable[str], subject: str | None) -> bool:
    """Whether `authorize` would let `principal` through (e.g. to show a control at all)."""
    return principal.allows(permissions, subject)


def sees_all(principal: Principal) -> bool:
    """No listing needs filtering for this principal."""
    return principal.sees_every_subject("schema.read")


def sees_context(principal: Principal, context: str) -> bool:
    """Whether `principal` may read subjects in `context`: a named context when its scope
    covers `:.ctx:`, the default one when a scope names any subject outside a named context."""
    if context != DEFAULT_CONTEXT:
        return principal.allows(READ, context_prefix(context))
    return any(
        grant.permits(permission)
        and (not grant.subjects or any(not glob.startswith(PREFIX) for glob in grant.subjects))
        for grant in principal.grants
        for permission in READ
    )


def visible(principal: Principal, listing: Listing, reply: Any) -> Any:
    """The reply without what names a subject the principal may not read: listed subjects
    and objects dropped, lineage nodes (and their edges) dropped, impact entries masked (the
    caller learns that something it may not read is affected, not what)."""

    def readable(subject: object) -> bool:
        return isinstance(subject, str) and principal.allows(READ, subject)

    if listing == "subjects":
        return [item for item in reply if readable(item)]
    if listing == "contexts":
        return [item for item in reply if isinstance(item, str) and sees_context(principal, item)]
    if listing == "lineage":
        nodes = [node for node in reply["nodes"] if readable(node.get("subject"))]
        kept = {node["id"] for node in nodes}
        edges = [e for e in reply["edges"] if e["from"] in kept and e["to"] in kept]
        return {**reply, "nodes": nodes, "edges": edges}
    if listing == "impact":
        masked = {"subject": HIDDEN_SUBJECT, "via": [], "consumers": [], "reasons": []}
        affected = [
            item if readable(item.get("subject")) else {**item, **masked}
            for item in reply["affected"]
        ]
        return {**reply, "affected": affected}
    if listing == "bulk":
        return _readable_bulk(reply, readable)
    return [item for item in reply if isinstance(item, dict) and readable(item.get("subject"))]


def _readable_bulk(reply: Any, readable: Callable[[object], bool]) -> Any:
    """Schemas in bulk: each one's subjects cut to the readable ones; a schema no readable
    subject holds is reported `missing`, as if it did not exist (so ids do not leak)."""
    schemas, missing = [], list(reply["missing"])
    for item in reply["schemas"]:
        subjects = [subject for subject in item["subjects"] if readable(subject)]
        if subjects:
            schemas.append({**item, "subjects": subjects})
        else:
            missing.append(item["id"])
    return {**reply, "schemas": schemas, "missing": missing}
