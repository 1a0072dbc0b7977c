"""Every governance endpoint is in the OpenAPI document with request and response schemas."""

from __future__ import annotations

import httpx
import pytest

ENDPOINTS = [
    ("put", "/subjects/{subject}/versions/{version}", True),
    ("post", "/subjects/{subject}/rollback", True),
    ("post", "/subjects/{subject}/consumers", True),
    ("get", "/subjects/{subject}/consumers", False),
    ("get", "/subjects/{subject}/overview", False),
    ("post", "/schemas/bulk", True),
    ("get", "/subjects/{subject}/versions/{version}/diff", False),
]


@pytest.mark.parametrize(("method", "path", "has_body"), ENDPOINTS)
async def test_endpoint_documented(
    sqlite_client: httpx.AsyncClient, method: str, path: str, has_body: bool
) -> None:
    document = (await sqlite_client.get("/openapi.json")).json()
    operation = document["paths"][path][method]
    (ok,) = operation["responses"]["200"]["content"].values()  # the registry's media type
    assert ok["schema"]  # a $ref or an inline schema, never empty
    if has_body:
        (body,) = operation["requestBody"]["content"].values()
        assert "$ref" in body["schema"]


async def test_search_parameters_documented(sqlite_client: httpx.AsyncClient) -> None:
    document = (await sqlite_client.get("/openapi.json")).json()
    listed = {p["name"] for p in document["paths"]["/subjects"]["get"]["parameters"]}
    assert {"query", "tag", "owner", "state", "subjectPrefix"} <= listed
    versions = document["paths"]["/subjects/{subject}/versions"]
    assert "includeArchived" in {p["name"] for p in versions["get"]["parameters"]}
    assert "state" in {p["name"] for p in versions["post"]["parameters"]}
