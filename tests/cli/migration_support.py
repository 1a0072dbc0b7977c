"""A source registry worth migrating, and the `llm-schema import` runs the tests make.

The source holds Avro, JSON Schema and Protobuf subjects with references across subjects,
soft-deleted versions and a soft-deleted subject, metadata and a ruleSet, per-subject configs,
a READONLY subject, ids with gaps (registered in IMPORT mode) and filler subjects so an
import takes long enough to be killed half-way.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

SCRIPT = str(Path(sys.executable).parent / "llm-schema")
V1 = "application/vnd.schemaregistry.v1+json"

USAGE_AVRO = {
    "type": "record",
    "name": "Usage",
    "namespace": "ai.common",
    "fields": [{"name": "input_tokens", "type": "long"}, {"name": "output_tokens", "type": "long"}],
}
INFERENCE_AVRO = {
    "type": "record",
    "name": "Inference",
    "namespace": "ai.llm",
    "fields": [{"name": "model", "type": "string"}, {"name": "usage", "type": "ai.common.Usage"}],
}
INFERENCE_AVRO_V2 = {
    **INFERENCE_AVRO,
    "fields": [*INFERENCE_AVRO["fields"], {"name": "region", "type": "string", "default": "eu"}],
}
ADDRESS_JSON = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "type": "object",
    "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
    "required": ["city"],
}
CUSTOMER_JSON = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Customer",
    "type": "object",
    "properties": {"name": {"type": "string"}, "home": {"$ref": "address.json"}},
    "required": ["name", "home"],
}
# Their own proto package: generated classes share one descriptor pool per test process.
USAGE_PROTO = """syntax = "proto3";
package moving.v1;

message Usage {
  int64 input_tokens = 1;
  int64 output_tokens = 2;
}
"""
EVENT_PROTO = """syntax = "proto3";
package moving.v1;

import "moving/v1/usage.proto";

message InferenceEvent {
  string model = 1;
  Usage usage = 2;
}
"""
METADATA = {"properties": {"owner": "team-llm"}}
RULES = {"domainRules": [{"name": "ok", "kind": "CONDITION", "type": "CEL", "expr": "true"}]}
FILLERS = 40


def avro(name: str, *fields: str) -> str:
    body = [{"name": f, "type": "string", "default": ""} for f in fields]
    return json.dumps({"type": "record", "name": name, "fields": body})


def register(client: httpx.Client, subject: str, **body: Any) -> dict[str, Any]:
    reply = client.post(f"/subjects/{quote(subject, safe='')}/versions", json=body)
    assert reply.status_code == 200, reply.text
    found: dict[str, Any] = reply.json()
    return found


def put(client: httpx.Client, path: str, body: dict[str, Any]) -> None:
    reply = client.put(path, json=body)
    assert reply.status_code == 200, reply.text


def populate_source(url: str) -> None:
    """The source registry's content (see the module docstring)."""
    with httpx.Client(base_url=url, headers={"Content-Type": V1}) as client:
        usage = register(client, "usage-value", schema=json.dumps(USAGE_AVRO))
        ref = [{"name": "ai.common.Usage", "subject": "usage-value", "version": 1}]
        register(client, "inference-value", schema=json.dumps(INFERENCE_AVRO), references=ref)
        register(client, "inference-value", schema=json.dumps(INFERENCE_AVRO_V2), references=ref)
        register(client, "address", schema=json.dumps(ADDRESS_JSON), schemaType="JSON")
        register(
            client,
            "customers-value",
            schema=json.dumps(CUSTOMER_JSON),
            schemaType="JSON",
            references=[{"name": "address.json", "subject": "address", "version": 1}],
        )
        register(client, "moving/v1/usage.proto", schema=USAGE_PROTO, schemaType="PROTOBUF")
        register(
            client,
            "events-value",
            schema=EVENT_PROTO,
            schemaType="PROTOBUF",
            references=[
                {"name": "moving/v1/usage.proto", "subject": "moving/v1/usage.proto", "version": 1}
            ],
        )
        # Gaps in the ids: imported with ids of their own, as from an older registry.
        put(client, "/mode/legacy-value", {"mode": "IMPORT"})
        register(client, "legacy-value", schema=avro("Legacy", "a"), id=100, version=1)
        register(
            client,
            "legacy-value",
            schema=avro("Legacy", "a", "b"),
            id=250,
            version=3,
            metadata=METADATA,
            ruleSet=RULES,
        )
        assert client.delete("/mode/legacy-value").status_code == 200
        # Soft deletes: one version, and a whole subject.
        register(client, "notes-value", schema=avro("Note", "text"))
        register(client, "notes-value", schema=avro("Note", "text", "tag"))
        register(client, "notes-value", schema=avro("Note", "text", "tag", "by"))
        assert client.delete("/subjects/notes-value/versions/2").status_code == 200
        register(client, "retired-value", schema=avro("Retired", "x"))
        assert client.delete("/subjects/retired-value").status_code == 200
        for index in range(FILLERS):
            register(client, f"filler-{index:03}", schema=avro(f"Filler{index}", "v"))
        # Settings: per-subject configs, a READONLY subject, the registry-wide config.
        put(client, "/config/inference-value", {"compatibility": "FULL"})
        put(
            client,
            "/config/customers-value",
            {"compatibility": "NONE", "defaultMetadata": {"properties": {"tier": "gold"}}},
        )
        put(client, "/mode/usage-value", {"mode": "READONLY"})
        put(client, "/config", {"compatibility": "BACKWARD_TRANSITIVE"})
        assert usage["id"] == 1


def run_import(*args: str, target: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        import_command(*args, target=target),
        capture_output=True,
        text=True,
        env=clean_env(),
        timeout=timeout,
    )


def import_command(*args: str, target: str) -> list[str]:
    return [SCRIPT, "--url", target, "import", *args, "--output", "json"]


def clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("LLM_SCHEMA_")}


def report_of(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    try:
        found: dict[str, Any] = json.loads(done.stdout)
    except ValueError:
        raise AssertionError(f"not a JSON report:\n{done.stdout}\n{done.stderr}") from None
    return found


def audit_entries(database: Path) -> int:
    """How many audit entries the registry at this SQLite file has written."""
    with sqlite3.connect(database) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0])


def every_read(url: str) -> dict[str, Any]:
    """The bodies of the Confluent reads an import must preserve, by path."""
    found: dict[str, Any] = {}
    with httpx.Client(base_url=url) as client:

        def get(path: str) -> Any:
            reply = client.get(path)
            found[path] = (reply.status_code, reply.json())
            return reply.json()

        subjects = get("/subjects?deleted=true")
        get("/subjects")
        get("/config")
        get("/mode")
        for subject in subjects:
            quoted = quote(subject, safe="")
            for number in get(f"/subjects/{quoted}/versions?deleted=true"):
                body = get(f"/subjects/{quoted}/versions/{number}?deleted=true")
                get(f"/schemas/ids/{body['id']}")
            get(f"/subjects/{quoted}/versions")
            get(f"/config/{quoted}")
            get(f"/mode/{quoted}")
    return found


def without_guids(reads: dict[str, Any]) -> dict[str, Any]:
    """Reads with the per-registry `guid` left out (ids are what an import preserves)."""

    def strip(body: Any) -> Any:
        if isinstance(body, dict):
            return {k: strip(v) for k, v in body.items() if k != "guid"}
        return body

    return {path: (status, strip(body)) for path, (status, body) in reads.items()}
