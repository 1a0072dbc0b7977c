"""Each route says who may call it, where it is defined: `dependencies=[requires(...)]`.

The security layer's route table is read from these declarations at start-up
(`declared_routes`), so there is one route table, FastAPI's. A route that declares nothing
stops the app from starting (and `tests/api/test_route_permissions.py` names it).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from fastapi import Depends, FastAPI, routing
from fastapi.params import Depends as DependsParam
from starlette.routing import BaseRoute, Route

from llm_schema_registry.security.authorization import (
    ADMIN_ONLY,
    PUBLIC,
    READ,
    VALIDATE,
    Listing,
    Rule,
)

__all__ = ["ADMIN_ONLY", "PUBLIC", "READ", "VALIDATE", "declared_routes", "requires"]

SUBJECT_PARAM = "subject"  # a `{subject}` path parameter names the subject a rule applies to
# Routes FastAPI adds itself, with no decorator of ours to declare on.
FRAMEWORK_RULES: dict[str, Rule] = {
    "/openapi.json": Rule(PUBLIC),
    "/docs": Rule(PUBLIC),
    "/redoc": Rule(PUBLIC),
    "/docs/oauth2-redirect": Rule(ADMIN_ONLY, hidden=True),  # unused: as if unknown
}


class PermissionDeclarationError(Exception):
    """A route declaring no permission, or two (a programming error, found at start-up)."""


class Requirement:
    """The dependency `requires` returns: it carries the rule and does nothing per request
    (the security layer, outside the framework, has decided already)."""

    __slots__ = ("rule",)

    def __init__(self, rule: Rule) -> None:
        self.rule = rule

    async def __call__(self) -> None:
        return None


def requires(
    *permissions: str | frozenset[str],
    mutation: bool = False,
    listing: Listing | None = None,
    body_subject: bool = False,
    session: bool = False,
    by_id: bool = False,
) -> Any:
    """Calling the route needs any one of `permissions` (`READ`, `"schema.create"`, …), on
    the subject its `{subject}` parameter names, if any. `mutation`: audited with its
    before/after; `listing`: the reply lists subjects, cut to the caller's scope;
    `body_subject`: the JSON body's `subject` names the subject; `by_id`: a read by id, in
    the context `?subject=` names (the default one without); `session`: a dashboard
    page, authenticated by the session cookie (state changes need its CSRF token)."""
    wanted = frozenset(
        name for given in permissions for name in ((given,) if isinstance(given, str) else given)
    )
    if not wanted:
        raise ValueError("requires() needs at least one permission")
    rule = Rule(
        wanted,
        mutation=mutation,
        listing=listing,
        body_subject=body_subject,
        session=session,
        by_id=by_id,
    )
    return Depends(Requirement(rule))


def permission_of(route: BaseRoute) -> Rule | None:
    """The rule a route declares (its `{subject}` parameter filled in), or None."""
    path = getattr(route, "path", "")
    found = [
        d.dependency.rule
        for d in getattr(route, "dependencies", [])
        if isinstance(d, DependsParam) and isinstance(d.dependency, Requirement)
    ]
    if len(found) > 1:
        raise PermissionDeclarationError(f"{path}: declares {len(found)} permissions, give one")
    rule = found[0] if found else FRAMEWORK_RULES.get(path)
    if rule is not None and f"{{{SUBJECT_PARAM}}}" in path:
        rule = replace(rule, subject_param=SUBJECT_PARAM)
    return rule


def declared_routes(app: FastAPI) -> list[tuple[str, str, Rule]]:
    """(method, path template, rule) for every route of `app`, in routing order."""
    table: list[tuple[str, str, Rule]] = []
    missing: list[str] = []
    for path, methods, route in every_route(app):
        rule = permission_of(route)
        if rule is None:
            missing.append(f"{'|'.join(sorted(methods))} {path}")
            continue
        if path in FRAMEWORK_RULES:
            methods = {"GET"}  # not the HEAD Starlette adds: as before, unknown
        table += [(method, path, rule) for method in sorted(methods)]
    if missing:
        raise PermissionDeclarationError(
            "routes without a permission (add dependencies=[requires(...)]): " + ", ".join(missing)
        )
    return table


def every_route(app: FastAPI) -> Iterator[tuple[str, set[str], BaseRoute]]:
    """(path, methods, route as declared) for each HTTP route, through included routers."""
    contexts = getattr(routing, "iter_route_contexts", None)
    if contexts is None:  # FastAPI before included routers were kept whole: routes are flat
        for route in app.routes:
            if isinstance(route, Route) and route.methods:
                yield route.path, set(route.methods), route
        return
    for context in contexts(app.routes):
        if context.methods:
            yield str(context.path), set(context.methods), context.original_route
