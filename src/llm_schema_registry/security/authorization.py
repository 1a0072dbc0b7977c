"""Who may do what: the rule a route declares (the permissions it needs, any one of them, and
which subject it names), checked against a principal; listings cut down to what the
principal may see. Transport-free, so every edge asks the same question the same way."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from llm_schema_registry.security.errors import ForbiddenError, UnknownRouteError
from llm_schema_registry.security.principals import Principal

PUBLIC = frozenset({"public"})
READ = frozenset({"schema.read"})
VALIDATE = frozenset({"schema.validate"})
ADMIN_ONLY = frozenset({"admin.only"})  # held by no role but admin ("*")

Listing = Literal["subjects", "versions", "schemas"]


@dataclass(frozen=True, slots=True)
class Rule:
    """What calling a route needs; declared on the route itself (see `api/access.py`)."""

    permissions: frozenset[str]  # any one of them will do
    subject_param: str | None = None  # the path parameter naming a subject
    mutation: bool = False  # audited with before/after
    listing: Listing | None = None  # the reply lists subjects: filtered to the caller's scope
    body_subject: bool = False  # the JSON body's "subject" names the subject
    hidden: bool = False  # refused as if it did not exist (404), like an unknown route

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


def sees_all(principal: Principal) -> bool:
    """No listing needs filtering for this principal."""
    return principal.sees_every_subject("schema.read")


def visible(principal: Principal, listing: Listing, items: Iterable[Any]) -> list[Any]:
    """The listing's items naming a subject the principal may read (`subjects`: names;
    `versions`, `schemas`: objects with a `subject`)."""

    def readable(subject: object) -> bool:
        return isinstance(subject, str) and principal.allows(READ, subject)

    if listing == "subjects":
        return [item for item in items if readable(item)]
    return [item for item in items if isinstance(item, dict) and readable(item.get("subject"))]
