"""Lineage and transitive impact over a three-level reference chain: C references B
references A, each with a consumer; the real app over HTTP, on both engines."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

A = {"type": "record", "name": "A", "fields": [{"name": "x", "type": "string"}]}
B = {"type": "record", "name": "B", "fields": [{"name": "a", "type": "A"}]}
C = {"type": "record", "name": "C", "fields": [{"name": "b", "type": "B"}]}
# A new field without a default: new readers cannot read old data (breaks BACKWARD).
A_BREAKING = {**A, "fields": [*A["fields"], {"name": "y", "type": "int"}]}
A_COMPATIBLE = {**A, "fields": [*A["fields"], {"name": "y", "type": "int", "default": 0}]}


async def ok(reply: Any) -> Any:
    response = await reply
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
async def chain(client: httpx.AsyncClient) -> httpx.AsyncClient:
    """a <- b <- c (version 1 each), consumers `b-reader` on b and `billing` on c."""
    await ok(client.post("/subjects/a/versions", json={"schema": json.dumps(A)}))
    refs_b = [{"name": "A", "subject": "a", "version": 1}]
    await ok(
        client.post("/subjects/b/versions", json={"schema": json.dumps(B), "references": refs_b})
    )
    refs_c = [{"name": "B", "subject": "b", "version": 1}]
    await ok(
        client.post("/subjects/c/versions", json={"schema": json.dumps(C), "references": refs_c})
    )
    for subject, consumer in (("b", "b-reader"), ("c", "billing")):
        body = {"consumer_id": consumer, "version": 1}
        await ok(client.post(f"/subjects/{subject}/consumers", json=body))
    return client


async def impact_of(client: httpx.AsyncClient, proposed: dict[str, Any]) -> Any:
    return await ok(client.post("/subjects/a/impact", json={"schema": json.dumps(proposed)}))


def steps(*pairs: tuple[str, int]) -> list[dict[str, Any]]:
    return [{"subject": subject, "version": version} for subject, version in pairs]


async def test_a_breaking_change_lists_every_referencing_subject_with_path_and_consumers(
    chain: httpx.AsyncClient,
) -> None:
    found = await impact_of(chain, A_BREAKING)
    assert found["compatible"] is False and found["semver_bump"] == "major"
    assert [(c["kind"], c["breaking"]) for c in found["changes"]] == [("FIELD_ADDED", True)]
    by_subject = {item["subject"]: item for item in found["affected"]}
    assert set(by_subject) == {"b", "c"}
    b, c = by_subject["b"], by_subject["c"]
    assert b["via"] == steps(("b", 1), ("a", 1))
    assert c["via"] == steps(("c", 1), ("b", 1), ("a", 1))
    assert b["consumers"] == [{"consumer_id": "b-reader", "version": 1}]
    assert c["consumers"] == [{"consumer_id": "billing", "version": 1}]
    assert b["breaking"] and c["breaking"]
    assert all("y" in reason for reason in b["reasons"] + c["reasons"])


async def test_a_compatible_change_lists_them_as_not_breaking(chain: httpx.AsyncClient) -> None:
    found = await impact_of(chain, A_COMPATIBLE)
    assert found["compatible"] is True and found["messages"] == []
    assert found["semver_bump"] == "minor"
    assert sorted((i["subject"], i["breaking"], i["reasons"]) for i in found["affected"]) == [
        ("b", False, []),
        ("c", False, []),
    ]


async def test_nothing_is_stored_by_an_impact_analysis(chain: httpx.AsyncClient) -> None:
    await impact_of(chain, A_BREAKING)
    for subject in ("a", "b", "c"):
        assert await ok(chain.get(f"/subjects/{subject}/versions")) == [1]


async def test_a_proposal_that_no_longer_defines_a_referenced_type_breaks_its_referrers(
    chain: httpx.AsyncClient,
) -> None:
    renamed = {**A, "name": "Renamed"}
    found = await impact_of(chain, renamed)
    by_subject = {item["subject"]: item for item in found["affected"]}
    assert by_subject["b"]["breaking"]
    assert "no longer parses" in by_subject["b"]["reasons"][0]


async def test_a_subject_referenced_by_nobody_affects_nobody(chain: httpx.AsyncClient) -> None:
    compatible = {**C, "fields": [*C["fields"], {"name": "z", "type": "int", "default": 1}]}
    body = {
        "schema": json.dumps(compatible),
        "references": [{"name": "B", "subject": "b", "version": 1}],
    }
    found = await ok(chain.post("/subjects/c/impact", json=body))
    assert (found["compatible"], found["affected"]) == (True, [])


async def test_lineage_walks_both_ways_with_consumers(chain: httpx.AsyncClient) -> None:
    graph = await ok(chain.get("/subjects/b/lineage", params={"depth": 2}))
    assert graph["root"] == "b@1"
    schemas = {n["id"]: n for n in graph["nodes"] if n["kind"] == "schema"}
    assert set(schemas) == {"a@1", "b@1", "c@1"}
    assert schemas["a@1"] | {"owner": None} == {
        "id": "a@1",
        "kind": "schema",
        "subject": "a",
        "version": 1,
        "schemaType": "AVRO",
        "state": "ACTIVE",
        "owner": None,
        "consumer": None,
    }
    edges = {(e["from"], e["to"], e["kind"]) for e in graph["edges"]}
    assert edges == {
        ("b@1", "a@1", "references"),
        ("c@1", "b@1", "references"),
        ("consumer:b-reader@b", "b@1", "consumer"),
        ("consumer:billing@c", "c@1", "consumer"),
    }


async def test_lineage_stops_at_its_depth(chain: httpx.AsyncClient) -> None:
    graph = await ok(chain.get("/subjects/a/lineage", params={"depth": 1}))
    assert {n["id"] for n in graph["nodes"] if n["kind"] == "schema"} == {"a@1", "b@1"}
    unknown = await chain.get("/subjects/nobody/lineage")
    assert (unknown.status_code, unknown.json()["error_code"]) == (404, 40401)


async def test_lineage_and_impact_are_in_the_openapi_document(chain: httpx.AsyncClient) -> None:
    paths = (await ok(chain.get("/openapi.json")))["paths"]
    assert "/subjects/{subject}/lineage" in paths and "/subjects/{subject}/impact" in paths
    impact = paths["/subjects/{subject}/impact"]["post"]["responses"]["200"]
    [content] = impact["content"].values()
    assert content["schema"] == {"$ref": "#/components/schemas/ImpactResult"}
