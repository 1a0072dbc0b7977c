"""Offline bundles: exported from a running registry, used with the registry stopped."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from llm_schema_registry.client import (
    BundleError,
    NotFoundError,
    Registry,
    RegistryClient,
    export_bundle,
)
from support import ServerProcess

USAGE = {
    "type": "record",
    "name": "Usage",
    "fields": [
        {"name": "input_tokens", "type": "long"},
        {"name": "output_tokens", "type": "long"},
        {"name": "total_tokens", "type": "long"},
    ],
}
SUM_RULE = {
    "domainRules": [
        {
            "name": "totalIsSum",
            "kind": "CONDITION",
            "type": "CEL",
            "mode": "WRITE",
            "expr": "message.total_tokens == message.input_tokens + message.output_tokens",
        }
    ]
}
ADDRESS = {"type": "object", "properties": {"zip": {"type": "string"}}, "required": ["zip"]}
PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "home": {"$ref": "address.json"}},
    "required": ["name", "home"],
}


def test_bundle_validates_with_the_registry_stopped(tmp_path: Path) -> None:
    server = ServerProcess(f"sqlite:///{tmp_path}/registry.db", tmp_path)
    try:
        with RegistryClient(server.url) as client:
            client.register("usage-value", USAGE, "AVRO", rule_set=SUM_RULE)
            client.register("address", ADDRESS, "JSON")
            refs = [{"name": "address.json", "subject": "address", "version": 1}]
            client.register("person-value", PERSON, "JSON", references=refs)
            v2 = {**PERSON, "description": "v2"}
            client.register("person-value", v2, "JSON", references=refs)
            bundle = export_bundle(client, ["usage-value", "person-value:all"], tmp_path / "b.json")
        assert {(s["subject"], s["version"]) for s in bundle["schemas"]} == {
            ("usage-value", 1),
            ("person-value", 1),
            ("person-value", 2),
            ("address", 1),  # pulled in as a reference
        }
    finally:
        server.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url)

    offline = Registry.from_bundle(tmp_path / "b.json")
    assert offline.subjects() == ["address", "person-value", "usage-value"]
    good = {"input_tokens": 2, "output_tokens": 3, "total_tokens": 5}
    assert offline.validate(good, subject="usage-value").valid
    broken = offline.validate({**good, "total_tokens": 6}, subject="usage-value")
    assert not broken.valid and broken.errors[0].path == "$"
    person = {"name": "p", "home": {"zip": "1"}}
    assert offline.validate(person, subject="person-value").valid
    assert offline.get_version("person-value").version == 2
    no_zip = offline.validate({"name": "p", "home": {}}, subject="person-value", version=1)
    assert not no_zip.valid and no_zip.errors[0].path.startswith("$.home")
    assert offline.validate_llm_output(
        '```json\n{"name": "p"}\n```', subject="person-value"
    ).repair_prompt
    with pytest.raises(NotFoundError):
        offline.validate(person, subject="unknown")
    assert offline.signature(offline.get_version("usage-value").id) is None


def test_unreadable_bundles_are_refused(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text(json.dumps({"format": "something-else"}))
    with pytest.raises(BundleError):
        Registry.from_bundle(tmp_path / "x.json")
    with pytest.raises(BundleError):
        Registry.from_bundle(tmp_path / "missing.json")
