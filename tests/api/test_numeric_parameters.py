"""Every numeric path and query parameter takes what Confluent's server takes (ASCII digits;
versions 1..2^31-1, `latest`, -1) and answers anything else with a 4xx, never a 5xx.

The routes are read from the app itself, so a new route with `{id}` or `{version}`, or a new
integer query parameter, is covered without editing this file.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from asgi_lifespan import LifespanManager
from avro_samples import USER_V1

from llm_schema_registry.api.access import every_route
from llm_schema_registry.api.app import create_api, create_app
from llm_schema_registry.settings import Settings

# Look like integers to someone, are not ASCII-digit int32s: Unicode digits (`isdigit()` is
# true for the first three), signs, exponents, hex, and one past int32 and int64.
NOT_INTS = ["²", "٣", "\uff11\uff12", "-0", "+1", "1e3", "0x10", str(2**31), str(2**63)]
NUMERIC_PATH_PARAMETERS = ("id", "version")
V1 = "application/vnd.schemaregistry.v1+json"
# One app for the module (every case only reads or fails), on the module's event loop.
pytestmark = pytest.mark.asyncio(loop_scope="module")


# Built, never started: only its routes and OpenAPI document are read.
API = create_api(Settings(database_url=f"sqlite:///{tempfile.mkdtemp()}/unopened.db"))


def _numeric_routes() -> Iterator[tuple[str, str, str]]:
    """(method, path template, numeric parameter) for every route of the app."""
    for path, methods, _route in every_route(API):
        for name in NUMERIC_PATH_PARAMETERS:
            if f"{{{name}}}" in path:
                for method in sorted(methods - {"HEAD"}):
                    yield method, path, name


ROUTES = sorted(set(_numeric_routes()))


def _integer_query_parameters() -> Iterator[tuple[str, str, str]]:
    """(method, path, name) of every integer query parameter the OpenAPI document declares
    (path templates with no parameters of their own, so the query is what is tested)."""
    for path, operations in API.openapi()["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                kinds = {parameter["schema"].get("type")} | {
                    option.get("type") for option in parameter["schema"].get("anyOf", [])
                }
                if parameter["in"] == "query" and "integer" in kinds:
                    yield method.upper(), path, parameter["name"]


QUERY_PARAMETERS = sorted(set(_integer_query_parameters()))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def registry(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[httpx.AsyncClient]:
    """One app with subject `s` (version 1, id 1), shared: every case only reads or fails."""
    url = f"sqlite:///{tmp_path_factory.mktemp('numeric')}/registry.db"
    app = create_app(Settings(database_url=url))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://registry", headers={"Content-Type": V1}
        ) as client:
            made = await client.post("/subjects/s/versions", json={"schema": USER_V1})
            assert made.status_code == 200, made.text
            yield client


def _fill(path: str, **values: str) -> str:
    filled = path.replace("{subject}", "s")
    for name, value in values.items():
        filled = filled.replace(f"{{{name}}}", value)
    return filled.replace("{id}", "1").replace("{version}", "1")


def _body(method: str) -> dict[str, Any] | None:
    return {"schema": USER_V1} if method in ("POST", "PUT") else None


def test_the_routes_were_found() -> None:
    paths = {path for _, path, _ in ROUTES}
    assert "/schemas/ids/{id}" in paths and "/subjects/{subject}/versions/{version}" in paths
    assert ("GET", "/subjects", "limit") in QUERY_PARAMETERS


@pytest.mark.parametrize(("method", "path", "name"), ROUTES)
async def test_no_numeric_path_parameter_takes_a_lookalike(
    registry: httpx.AsyncClient, method: str, path: str, name: str
) -> None:
    for value in NOT_INTS:
        url = _fill(path, **{name: value})
        reply = await registry.request(method, url, json=_body(method))
        assert 400 <= reply.status_code < 500, (url, reply.status_code, reply.text[:200])
        if path.startswith("/ui"):
            continue  # the dashboard answers with a page, not an error body
        wanted = (404, 404) if name == "id" else (422, 42202)
        assert (reply.status_code, reply.json()["error_code"]) == wanted, (url, reply.text)


@pytest.mark.parametrize(("method", "path", "name"), QUERY_PARAMETERS)
async def test_no_integer_query_parameter_takes_a_lookalike(
    registry: httpx.AsyncClient, method: str, path: str, name: str
) -> None:
    # "-0" is a Java int (zero), as Jersey reads `@QueryParam int`; only paths refuse it.
    for value in [*(v for v in NOT_INTS if v != "-0"), " 1", "1_0", "1.0"]:
        url = _fill(path)
        reply = await registry.request(method, url, params={name: value}, json=_body(method))
        assert 400 <= reply.status_code < 500, (url, value, reply.status_code, reply.text[:200])


async def test_ascii_digits_and_the_version_words_are_still_taken(
    registry: httpx.AsyncClient,
) -> None:
    for version in ("1", "latest", "LATEST", "-1", " 1 ", "0001"):
        reply = await registry.get(f"/subjects/s/versions/{version}")
        assert reply.status_code == 200, (version, reply.text)
    for spelling in ("1", "0001"):
        reply = await registry.get(f"/schemas/ids/{spelling}")
        assert reply.status_code == 200 and json.loads(reply.json()["schema"])
    listed = await registry.get("/subjects", params={"offset": "0", "limit": "-1"})
    assert listed.json() == ["s"]


async def test_a_non_integer_schema_id_is_a_plain_404_as_in_confluent(
    registry: httpx.AsyncClient,
) -> None:
    reply = await registry.get("/schemas/ids/abc")
    assert reply.status_code == 404
    assert reply.json() == {"error_code": 404, "message": "HTTP 404 Not Found"}
    unknown = await registry.get("/schemas/ids/999")  # an int, just not there: Confluent's 40403
    assert (unknown.status_code, unknown.json()["error_code"]) == (404, 40403)
