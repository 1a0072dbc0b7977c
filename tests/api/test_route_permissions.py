"""One route table: every route declares its permission where it is defined, and the
security layer's table is read from those declarations."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from llm_schema_registry.api.access import (
    PermissionDeclarationError,
    declared_routes,
    every_route,
    permission_of,
    requires,
)
from llm_schema_registry.api.app import create_api
from llm_schema_registry.security.authorization import ADMIN_ONLY, PUBLIC, READ, Rule
from llm_schema_registry.security.route_table import UNMATCHED, RouteTable
from llm_schema_registry.settings import Settings


@pytest.fixture
def api(tmp_path: Path) -> FastAPI:
    return create_api(Settings(database_url=f"sqlite:///{tmp_path}/r.db"))  # type: ignore[arg-type]


def test_every_route_declares_a_permission(api: FastAPI) -> None:
    missing = [
        f"{'|'.join(sorted(methods))} {path}"
        for path, methods, route in every_route(api)
        if permission_of(route) is None
    ]
    assert missing == [], f"routes without dependencies=[requires(...)]: {missing}"


def test_a_route_added_without_a_permission_stops_the_app_from_starting(api: FastAPI) -> None:
    @api.get("/added-later")
    async def added_later() -> dict[str, str]:
        return {}

    with pytest.raises(PermissionDeclarationError, match="GET /added-later"):
        declared_routes(api)


def test_a_route_added_with_a_permission_joins_the_table(api: FastAPI) -> None:
    @api.post("/added-later/{subject}", dependencies=[requires(READ, mutation=True)])
    async def added_later(subject: str) -> dict[str, str]:
        return {}

    table = RouteTable(declared_routes(api))
    found = table.match("POST", b"/added-later/team%2Fusage")
    assert (found.template, found.subject, found.rule.mutation) == (
        "/added-later/{subject}",
        "team/usage",
        True,
    )


def test_subject_routes_name_their_subject_parameter(api: FastAPI) -> None:
    unnamed = [
        (method, path)
        for method, path, rule in declared_routes(api)
        if "{subject}" in path and rule.subject_param != "subject"
    ]
    assert unnamed == []


def test_declarations_carry_permission_and_flags(api: FastAPI) -> None:
    table = {(method, path): rule for method, path, rule in declared_routes(api)}
    register = table["POST", "/subjects/{subject}/versions"]
    assert (register.permissions, register.mutation, register.subject_param) == (
        frozenset({"schema.create"}),
        True,
        "subject",
    )
    assert table["PUT", "/subjects/{subject}/versions/{version}"].permissions == {
        "schema.update",
        "schema.approve",
    }
    assert table["GET", "/subjects"].listing == "subjects"
    assert table["GET", "/schemas/ids/{id}/versions"].listing == "versions"
    assert table["POST", "/validate"].body_subject
    assert table["GET", "/metrics"].permissions == ADMIN_ONLY
    assert table["GET", "/openapi.json"].permissions == PUBLIC
    assert not table["POST", "/subjects/{subject}"].mutation  # a lookup changes nothing


def test_unknown_paths_are_admin_only_and_hidden() -> None:
    table = RouteTable([("GET", "/subjects", Rule(READ))])
    read, write = table.match("GET", b"/associations"), table.match("POST", b"/subjects")
    assert (read.template, read.rule.permissions, read.rule.hidden) == (UNMATCHED, ADMIN_ONLY, True)
    assert (write.template, write.rule.mutation) == (UNMATCHED, True)
