"""Each RPC says who may call it, where it is defined: `@rpc(permission, ...)` on the
servicer's method, as REST routes do with `requires` (`api/access.py`). The same `Rule`s, so
the same roles and scopes; a method of the service without one stops the server from
starting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from llm_schema_registry.security.authorization import READ, VALIDATE, Listing, Rule

__all__ = ["READ", "VALIDATE", "Declared", "declared", "rpc"]

F = TypeVar("F", bound=Callable[..., Any])
_ATTRIBUTE = "__grpc_rule__"


@dataclass(frozen=True, slots=True)
class Declared:
    """An RPC's rule, and the request field naming the subject it applies to (dotted, e.g.
    `target.subject`; None: the request names none)."""

    rule: Rule
    subject_field: str | None

    def subject_of(self, request: Any) -> str | None:
        if self.subject_field is None:
            return None
        found: Any = request
        for part in self.subject_field.split("."):
            found = getattr(found, part)
        return str(found) or None


def rpc(
    *permissions: str | frozenset[str],
    mutation: bool = False,
    listing: Listing | None = None,
    subject: str | None = "subject",
    by_id: bool = False,
) -> Callable[[F], F]:
    """Calling the RPC needs any one of `permissions`, on the subject its request's `subject`
    field names. `mutation`: audited with its before/after; `listing`: the reply lists
    subjects, cut to the caller's scope; `by_id`: a read by id in the default context (see
    `security.authorization.Rule.by_id`)."""
    wanted = frozenset(
        name for given in permissions for name in ((given,) if isinstance(given, str) else given)
    )
    if not wanted:
        raise ValueError("rpc() needs at least one permission")
    found = Declared(Rule(wanted, mutation=mutation, listing=listing, by_id=by_id), subject)

    def mark(method: F) -> F:
        setattr(method, _ATTRIBUTE, found)
        return method

    return mark


def declared(method: object) -> Declared | None:
    found = getattr(method, _ATTRIBUTE, None)
    return found if isinstance(found, Declared) else None
