"""The contract and its table: the committed generated code matches registry.proto, every RPC
declares who may call it, REST JSON survives the trip through the messages, and docs/grpc.md
lists the status of every error code."""

from __future__ import annotations

import re
from pathlib import Path

import grpc
import pytest

from llm_schema_registry.api.errors import ERROR_CODES
from llm_schema_registry.grpc_api.access import declared, rpc
from llm_schema_registry.grpc_api.errors import (
    STATUS_BY_HTTP,
    UNEXPECTED,
    http_status,
    status_code,
)
from llm_schema_registry.grpc_api.gate import Gate
from llm_schema_registry.grpc_api.handlers import Handlers, RpcDeclarationError
from llm_schema_registry.grpc_api.service import SchemaRegistryService
from llm_schema_registry.rpc import PROTO, shapes
from llm_schema_registry.rpc.codegen import GENERATED, generate
from llm_schema_registry.rpc.v1 import registry_pb2 as pb
from llm_schema_registry.security.auditing import Auditor
from llm_schema_registry.security.setup import SecurityGuards

REPO = Path(__file__).resolve().parents[2]
# The generating tools' versions, written into the code: not part of the contract.
_VERSIONS = re.compile(
    r"(# Protobuf Python Version: .*|ValidateProtobufRuntimeVersion\([^)]*\)"
    r"|GRPC_GENERATED_VERSION = .*)"
)


def _contract(text: str) -> str:
    return _VERSIONS.sub("<version>", text)


def test_the_generated_code_matches_the_proto(tmp_path: Path) -> None:
    fresh = generate(tmp_path)
    for path in fresh:
        committed = PROTO.parent / path.name
        assert _contract(path.read_text()) == _contract(committed.read_text()), (
            f"{committed.name} is stale: run `python -m llm_schema_registry.rpc.codegen`"
        )
    assert sorted(p.name for p in fresh) == sorted(GENERATED)


def test_every_rpc_declares_who_may_call_it() -> None:
    service = pb.DESCRIPTOR.services_by_name["SchemaRegistry"]
    undeclared = [
        method.name
        for method in service.methods
        if declared(getattr(SchemaRegistryService, method.name, None)) is None
    ]
    assert undeclared == []
    assert declared(SchemaRegistryService.RegisterSchema).rule.mutation  # type: ignore[union-attr]


def test_a_servicer_missing_a_declaration_does_not_start() -> None:
    class Partial:
        @rpc("schema.read")
        async def GetVersion(self, request: object) -> object:
            return request

    gate = Gate(SecurityGuards(authenticator=None, limits=None, auditor=Auditor(None)))
    with pytest.raises(RpcDeclarationError, match="RegisterSchema"):
        Handlers(gate, lambda error: None).service(Partial())


def test_rest_json_survives_the_messages() -> None:
    metadata = {"tags": {"$.a": ["PII", "X"]}, "properties": {"owner": "o"}, "sensitive": ["a"]}
    rule_set = {
        "migrationRules": [
            {"name": "up", "kind": "TRANSFORM", "mode": "UPGRADE", "type": "JSONATA"}
        ],
        "domainRules": [
            {
                "name": "check",
                "doc": "n positive",
                "kind": "CONDITION",
                "mode": "WRITE",
                "type": "CEL",
                "tags": ["PII"],
                "params": {"k": "v"},
                "expr": "message.n > 0",
                "onSuccess": "NONE",
                "onFailure": "DLQ",
                "disabled": False,
            }
        ],
    }
    assert shapes.metadata_json(shapes.metadata_message(metadata)) == metadata
    assert shapes.rule_set_json(shapes.rule_set_message(rule_set)) == rule_set
    assert shapes.metadata_json(shapes.metadata_message({})) == {}
    for name in ("AVRO", "PROTOBUF", "JSON"):
        assert shapes.schema_type_name(shapes.schema_type_value(name)) == name
    assert shapes.schema_type_name(pb.SCHEMA_TYPE_UNSPECIFIED) == "AVRO"
    for state in ("DRAFT", "ACTIVE", "DEPRECATED", "ARCHIVED", None):
        assert shapes.state_name(shapes.state_value(state)) == state


def test_every_error_code_has_a_grpc_status_and_docs_list_them() -> None:
    codes = sorted(set(ERROR_CODES.values()))
    assert all(http_status(code) in STATUS_BY_HTTP for code in codes)
    docs = (REPO / "docs/grpc.md").read_text()
    table = docs[docs.index("| error_code | gRPC status | error |") :]
    documented = dict(re.findall(r"^\| (\d{3,5}) \| `([A-Z_]+)` \|", table, re.M))
    expected = {str(code): status_code(code).name for code in [*codes, UNEXPECTED]}
    assert documented == expected
    assert status_code(40901) == grpc.StatusCode.FAILED_PRECONDITION
    assert status_code(50301) == grpc.StatusCode.UNAVAILABLE
