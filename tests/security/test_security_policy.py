"""Registration policies (warn / block) and the request size limit behind authentication."""

from __future__ import annotations

import json
from pathlib import Path

from secsupport import AVRO_V1, api_key, make_key, secured_client

from llm_schema_registry.security.policy import Policies

PII_AVRO = json.dumps(
    {
        "type": "record",
        "name": "User",
        "fields": [
            {"name": "id", "type": "string"},
            {"name": "userEmail", "type": "string"},
            {
                "name": "home",
                "type": {
                    "type": "record",
                    "name": "Home",
                    "fields": [{"name": "street_address", "type": "string"}],
                },
            },
            {"name": "ip_addressable", "type": "boolean"},
        ],
    }
)
WIDE_JSON = json.dumps(
    {"type": "object", "properties": {f"p{i}": {"type": "string"} for i in range(5)}}
)
DEEP_JSON = json.dumps(
    {
        "type": "object",
        "properties": {
            "a": {
                "type": "object",
                "properties": {"b": {"type": "object", "properties": {"c": {"type": "string"}}}},
            }
        },
    }
)
PROTO = """syntax = "proto3";
message Person {
  string name = 1;
  string passport_number = 2;
  message Inner {
    string dob = 1;
  }
}
"""


def test_checks_find_pii_width_depth_and_missing_metadata() -> None:
    policies = Policies(
        pii="block",
        max_properties=4,
        max_depth=2,
        limits_action="warn",
        required_metadata=("owner", "description"),
        metadata_action="block",
    )
    found = policies.check({"schema": PII_AVRO})
    assert {(v.policy, v.path) for v in found if v.policy == "pii"} == {
        ("pii", "userEmail"),
        ("pii", "home.street_address"),
    }
    assert {v.path for v in found if v.policy == "required_metadata"} == {
        "metadata.properties.owner",
        "metadata.properties.description",
    }
    wide = policies.check(
        {
            "schema": WIDE_JSON,
            "schemaType": "JSON",
            "metadata": {"properties": {"owner": "team", "description": "d"}},
        }
    )
    assert [(v.policy, v.action) for v in wide] == [("max_properties", "warn")]
    deep = policies.check({"schema": DEEP_JSON, "schemaType": "JSON"})
    assert [v.path for v in deep if v.policy == "max_depth"] == ["a.b.c"]
    proto = policies.check({"schema": PROTO, "schemaType": "PROTOBUF"})
    assert {v.path for v in proto if v.policy == "pii"} == {
        "Person.passport_number",
        "Person.Inner.dob",
    }


async def test_block_answers_42251_and_stores_nothing_warn_is_returned_and_audited(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    admin = api_key((await make_key(url, "admin"))[1])
    settings = {"policy_pii": "block", "policy_required_metadata": "owner"}
    async with secured_client(url, **settings) as client:
        blocked = await client.post(
            "/subjects/users/versions", json={"schema": PII_AVRO}, headers=admin
        )
        assert (blocked.status_code, blocked.json()["error_code"]) == (422, 42251)
        assert {v["policy"] for v in blocked.json()["violations"]} == {"pii", "required_metadata"}
        assert (await client.get("/subjects", headers=admin)).json() == []
        extras = {**admin, "Confluent-Accept-Unknown-Properties": "true"}
        ok = await client.post("/subjects/plain/versions", json={"schema": AVRO_V1}, headers=extras)
        assert ok.status_code == 200
        assert [w["policy"] for w in ok.json()["warnings"]] == ["required_metadata"]
        entries = (await client.get("/audit", headers=admin)).json()
        assert [(e["subject"], e["result"]) for e in entries] == [
            ("users", "denied"),
            ("plain", "success"),
        ]
        assert entries[1]["after"]["policy_warnings"][0]["policy"] == "required_metadata"


async def test_oversized_body_is_413_and_nothing_is_stored(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    publisher = api_key((await make_key(url, "publisher"))[1])
    huge = json.dumps({"type": "record", "name": "R", "fields": [], "doc": "x" * 1_100_000})
    async with secured_client(url) as client:
        reply = await client.post("/subjects/s/versions", json={"schema": huge}, headers=publisher)
        assert (reply.status_code, reply.json()["error_code"]) == (413, 41301)
        assert (await client.get("/subjects", headers=publisher)).json() == []
