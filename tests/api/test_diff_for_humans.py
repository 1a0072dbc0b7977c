"""`/diff` for people (issue 11): every change names its field with the number or path beside
it, is judged both ways whatever the subject's level (with the level's verdict beside it),
and the semver bump follows the changes, not the level."""

from __future__ import annotations

import json
from typing import Any

import httpx
from governance_support import register

PROTO_V1 = """syntax = "proto3";
package shop;
message Order {
  string id = 1;
  int32 count = 2;
  string note = 3;
}
"""
# id renamed to ident (field 1), count retyped (field 2), note renumbered 3 -> 5, added 6.
PROTO_V2 = """syntax = "proto3";
package shop;
message Order {
  string ident = 1;
  string count = 2;
  string note = 5;
  string added = 6;
}
"""


async def diff(client: httpx.AsyncClient, subject: str, version: int, against: int) -> Any:
    response = await client.get(f"/subjects/{subject}/versions/{version}/diff?against={against}")
    assert response.status_code == 200, response.text
    return response.json()


def by_path(result: Any) -> dict[str, Any]:
    return {change["path"]: change for change in result["changes"]}


async def register_all(
    client: httpx.AsyncClient, subject: str, schemas: list[str], **extra: Any
) -> None:
    await client.put(f"/config/{subject}", json={"compatibility": "NONE"})
    for schema in schemas:
        await register(client, subject, schema, **extra)


async def test_protobuf_fields_renamed_renumbered_retyped_added_are_named(
    client: httpx.AsyncClient,
) -> None:
    await register_all(client, "orders", [PROTO_V1, PROTO_V2], schemaType="PROTOBUF")
    result = await diff(client, "orders", 2, 1)
    changes = by_path(result)
    assert {path: (c["kind"], c["name"], c["description"]) for path, c in changes.items()} == {
        "#/Order/1": (
            "FIELD_NAME_CHANGED",
            "ident",
            "Field Order.ident (field 1) renamed (was id)",
        ),
        "#/Order/2": (
            "FIELD_SCALAR_KIND_CHANGED",
            "count",
            "Field Order.count (field 2) changed to a wire-incompatible scalar type",
        ),
        "#/Order/3": (
            "FIELD_REMOVED",
            "note",
            "Field Order.note (field 3) removed (renumbered: now field 5)",
        ),
        "#/Order/5": (
            "FIELD_ADDED",
            "note",
            "Field Order.note (field 5) added (renumbered: was field 3)",
        ),
        "#/Order/6": ("FIELD_ADDED", "added", "Field Order.added (field 6) added"),
    }
    retyped = changes["#/Order/2"]
    # Breaking both ways, though not under the subject's level (NONE); a major bump anyway.
    assert (retyped["breaking_backward"], retyped["breaking_forward"]) == (True, True)
    assert (retyped["breaking"], retyped["compatibility_level"]) == (False, "NONE")
    assert retyped["migration_note"].startswith("type of `count` changed")
    assert result["semver_bump"] == "major"
    renamed = changes["#/Order/1"]
    assert (renamed["breaking_backward"], renamed["breaking_forward"]) == (False, False)
    assert renamed["migration_note"] is None

    await client.put("/config/orders", json={"compatibility": "BACKWARD"})
    judged = by_path(await diff(client, "orders", 2, 1))
    assert {path: c["breaking"] for path, c in judged.items()} == {
        "#/Order/1": False,
        "#/Order/2": True,
        "#/Order/3": False,
        "#/Order/5": False,
        "#/Order/6": False,
    }
    assert {c["compatibility_level"] for c in judged.values()} == {"BACKWARD"}
    assert (await diff(client, "orders", 2, 1))["semver_bump"] == "major"


async def test_protobuf_added_field_is_minor_under_any_level(client: httpx.AsyncClient) -> None:
    grown = PROTO_V1.replace("  string note = 3;\n", "  string note = 3;\n  int64 total = 4;\n")
    await register_all(client, "grow", [PROTO_V1, grown], schemaType="PROTOBUF")
    for level in ("NONE", "FULL_TRANSITIVE"):
        await client.put("/config/grow", json={"compatibility": level})
        result = await diff(client, "grow", 2, 1)
        [change] = result["changes"]
        assert change["description"] == "Field Order.total (field 4) added"
        assert result["semver_bump"] == "minor"


async def test_avro_field_renamed_retyped_added(sqlite_client: httpx.AsyncClient) -> None:
    client = sqlite_client
    v1 = {
        "type": "record",
        "name": "Order",
        "namespace": "shop",
        "fields": [{"name": "id", "type": "string"}, {"name": "count", "type": "int"}],
    }
    v2 = {
        **v1,
        "fields": [
            {"name": "ident", "type": "string", "aliases": ["id"]},
            {"name": "count", "type": "string"},
            {"name": "n", "type": "int", "default": 0},
        ],
    }
    await register_all(client, "avro-orders", [json.dumps(v1), json.dumps(v2)])
    result = await diff(client, "avro-orders", 2, 1)
    described = {c["path"]: (c["kind"], c["description"]) for c in result["changes"]}
    assert described == {
        "$.n": ("FIELD_ADDED", "Field Order.n added with a default"),
        "$.ident": ("FIELD_RENAMED", "Field Order.id renamed to Order.ident"),
        "$.count": ("TYPE_CHANGED", "Type of field Order.count changed from int to string"),
    }
    assert result["semver_bump"] == "major"  # the type change, under NONE
    renamed = by_path(result)["$.ident"]
    assert (renamed["breaking_backward"], renamed["breaking_forward"]) == (False, True)
    assert renamed["migration_note"].startswith("field `ident` renamed")

    additive = {**v1, "fields": [*v1["fields"], {"name": "n", "type": "int", "default": 0}]}
    await register(client, "avro-orders", json.dumps(additive))
    assert (await diff(client, "avro-orders", 3, 1))["semver_bump"] == "minor"


async def test_json_property_retyped_and_added(sqlite_client: httpx.AsyncClient) -> None:
    client = sqlite_client
    v1 = {
        "type": "object",
        "properties": {
            "n": {"type": "integer", "default": 1},
            "o": {"type": "object", "properties": {"z": {"type": "integer"}}},
        },
    }
    v2 = {
        "type": "object",
        "properties": {
            "n": {"type": "integer", "default": 2},
            "o": {"type": "object", "properties": {"z": {"type": "string"}}},
            "extra": {},
        },
    }
    await register_all(client, "json-orders", [json.dumps(v1), json.dumps(v2)], schemaType="JSON")
    result = await diff(client, "json-orders", 2, 1)
    described = {c["path"]: (c["name"], c["description"]) for c in result["changes"]}
    assert described == {
        "#/properties/n": ("n", "The default of '$.properties.n' changed"),
        "#/properties/o/properties/z": ("z", "The type of '$.properties.o.properties.z' changed"),
        "#/properties/extra": (
            "extra",
            "'$.properties.extra' was added although the old schema was open",
        ),
    }
    assert result["semver_bump"] == "major"  # the type change, under NONE
    # Only the default changed: compatible both ways, not documentation: minor.
    default_only = {
        **v1,
        "properties": {**v1["properties"], "n": {"type": "integer", "default": 3}},
    }
    await register(client, "json-orders", json.dumps(default_only), schemaType="JSON")
    assert (await diff(client, "json-orders", 3, 1))["semver_bump"] == "minor"
