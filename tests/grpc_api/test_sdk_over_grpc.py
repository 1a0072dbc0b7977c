"""The SDK with gRPC as its transport (`RegistryClient("grpc://host:port")`): the same methods
give the same results and raise the same errors as over REST, sync and async."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from grpcsupport import AVRO_BREAKING, AVRO_V1, AVRO_V2, JSON_SCHEMA

from llm_schema_registry.client import (
    AsyncRegistryClient,
    IncompatibleSchemaError,
    InvalidRequestError,
    NotFoundError,
    RegistryClient,
    RegistryUnavailableError,
    SchemaRegistryError,
)
from support import ServerProcess, free_port

METADATA = {"properties": {"owner": "team-a"}, "tags": {"$.n": ["PII"]}, "sensitive": ["n"]}
RULES = {"domainRules": [{"name": "pos", "kind": "CONDITION", "type": "CEL", "expr": "true"}]}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("sdk-grpc")
    node = ServerProcess(f"sqlite:///{workdir}/registry.db", workdir, grpc=True)
    yield node
    node.stop()


def _session(client: RegistryClient, prefix: str) -> list[Any]:
    """Every method the gRPC API serves, and what each answered (errors by kind and code)."""
    found: list[Any] = []

    def step(name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            result = getattr(client, name)(*args, **kwargs)
        except SchemaRegistryError as error:
            result = (type(error).__name__, error.error_code, error.status, error.message)
        found.append((name, result))
        return result

    first = step("register", f"{prefix}a", AVRO_V1)
    step("register", f"{prefix}a", AVRO_V2)
    step("register", f"{prefix}j", JSON_SCHEMA, "JSON", metadata=METADATA, rule_set=RULES)
    step("get_schema", first)
    step("get_version", f"{prefix}a", 1)
    step("get_latest", f"{prefix}a")
    step("get_version", f"{prefix}j")
    step("subjects", prefix)
    step("versions", f"{prefix}a")
    step("lookup", f"{prefix}a", AVRO_V1)
    step("check_compatibility", f"{prefix}a", AVRO_V2)
    step("check_compatibility", f"{prefix}a", AVRO_BREAKING)
    step("check_compatibility", f"{prefix}none", AVRO_V1)
    step("validate_remote", [{"n": 1}, {"n": "x"}], subject=f"{prefix}j")
    step("validate", {"n": "y"}, subject=f"{prefix}j")
    step("validate_llm_output", '```json\n{"n": 3}\n```', subject=f"{prefix}j")
    step("register", f"{prefix}a", AVRO_BREAKING)
    step("get_version", f"{prefix}missing", 1)
    step("get_schema", 999_999)
    step("lookup", f"{prefix}a", '{"type":"string"}')
    step("register", f"{prefix}bad", "{not avro")
    return found


def test_the_same_calls_answer_the_same_over_both_transports(tmp_path: Path) -> None:
    """Two fresh registries, one driven over REST, one over gRPC: the same answers, ids too."""
    (tmp_path / "rest").mkdir()
    (tmp_path / "grpc").mkdir()
    by_rest = ServerProcess(f"sqlite:///{tmp_path}/rest/r.db", tmp_path / "rest")
    by_grpc = ServerProcess(f"sqlite:///{tmp_path}/grpc/r.db", tmp_path / "grpc", grpc=True)
    try:
        with RegistryClient(by_rest.url) as rest:
            over_rest = _session(rest, "s-")
        with RegistryClient(f"grpc://{by_grpc.grpc_target}") as rpc:
            over_grpc = _session(rpc, "s-")
    finally:
        by_rest.stop()
        by_grpc.stop()
    assert over_grpc == over_rest
    assert [name for name, result in over_rest if isinstance(result, tuple)] == [
        "register",
        "get_version",
        "get_schema",
        "lookup",
        "register",
    ]


def test_a_registration_through_one_transport_is_read_through_the_other(
    server: ServerProcess,
) -> None:
    with RegistryClient(server.url) as rest, RegistryClient(f"grpc://{server.grpc_target}") as rpc:
        by_grpc = rpc.register("cross-a", JSON_SCHEMA, "JSON", metadata=METADATA)
        assert rest.get_schema(by_grpc) == rpc.get_schema(by_grpc)
        by_rest = rest.register("cross-b", AVRO_V1)
        assert rpc.get_latest("cross-b") == rest.get_latest("cross-b")
        assert rpc.get_schema(by_rest).schema == AVRO_V1


def test_methods_grpc_does_not_serve_say_so(server: ServerProcess) -> None:
    with RegistryClient(f"grpc://{server.grpc_target}") as rpc:
        with pytest.raises(InvalidRequestError, match="not served over gRPC"):
            rpc.get_config()
        with pytest.raises(InvalidRequestError, match="not served over gRPC"):
            rpc.deprecate("x", 1, "old", "2099-01-01")
        with pytest.raises(InvalidRequestError, match="not served over gRPC"):
            rpc.check_compatibility("x", AVRO_V1, samples=True)
        with pytest.raises(InvalidRequestError, match="not served over gRPC"):
            rpc.add_samples("x", [{"a": 1}])


def test_errors_are_the_sdks_errors(server: ServerProcess) -> None:
    with RegistryClient(f"grpc://{server.grpc_target}") as rpc:
        rpc.register("errs", AVRO_V1)
        with pytest.raises(IncompatibleSchemaError) as incompatible:
            rpc.register("errs", AVRO_BREAKING)
        assert (incompatible.value.error_code, incompatible.value.status) == (40901, 409)
        with pytest.raises(NotFoundError) as missing:
            rpc.get_version("nobody")
        assert (missing.value.error_code, missing.value.status) == (40401, 404)
    nowhere = RegistryClient(f"grpc://127.0.0.1:{free_port()}", retries=1, backoff=0.01)
    with nowhere, pytest.raises(RegistryUnavailableError):
        nowhere.subjects()


async def test_the_async_client_over_grpc(server: ServerProcess, tmp_path: Path) -> None:
    async with (
        AsyncRegistryClient(f"grpc://{server.grpc_target}") as rpc,
        AsyncRegistryClient(server.url) as rest,
    ):
        made = await rpc.register("async-a", AVRO_V1)
        assert await rpc.get_schema(made) == await rest.get_schema(made)
        assert await rpc.versions("async-a") == await rest.versions("async-a") == [1]
        outcomes = await rpc.validate_remote([{"a": "x"}, {"a": 1}], subject="async-a")
        assert [o.valid for o in outcomes] == [True, False]
        with pytest.raises(NotFoundError):
            await rpc.get_latest("async-missing")


def test_the_samples_gate_refuses_registrations_over_grpc_too(server: ServerProcess) -> None:
    closed = {"type": "object", "properties": {"a": {"type": "string"}}}
    stricter = {**closed, "required": ["a"]}
    with RegistryClient(server.url) as rest, RegistryClient(f"grpc://{server.grpc_target}") as rpc:
        rest.register("gated-grpc", closed, "JSON")
        rest.set_config("NONE", "gated-grpc")
        config = {"samplesGate": True}
        assert httpx.put(f"{server.url}/config/gated-grpc", json=config).status_code == 200
        rest.add_samples("gated-grpc", [{"a": "x"}, {}])
        with pytest.raises(IncompatibleSchemaError) as refused:
            rpc.register("gated-grpc", stricter, "JSON")
        assert refused.value.error_code == 40961
        assert rest.versions("gated-grpc") == [1]
