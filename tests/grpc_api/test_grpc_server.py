"""`llm-schema serve` serving gRPC beside REST: the standard health service following
readiness (NOT_SERVING with storage down and nothing cached), reflection, the shipped .proto,
several workers on one port, and a graceful shutdown that lets calls in flight finish."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)
from grpcsupport import AVRO_V1, JSON_SCHEMA, failure, register_request

from llm_schema_registry.rpc import PROTO, SERVICE
from llm_schema_registry.rpc.v1 import registry_pb2 as pb
from llm_schema_registry.rpc.v1 import registry_pb2_grpc as pb_grpc
from support import ServerProcess, ThrowawayPostgres, free_port, fresh_pg_database

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


def health_of(target: str, service: str = "") -> int:
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        reply = stub.Check(health_pb2.HealthCheckRequest(service=service), timeout=10)
        return int(reply.status)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("grpc-server")
    node = ServerProcess(f"sqlite:///{workdir}/registry.db", workdir, grpc=True)
    yield node
    node.stop()


def test_health_answers_serving_for_the_server_and_the_service(server: ServerProcess) -> None:
    assert health_of(server.grpc_target) == SERVING
    assert health_of(server.grpc_target, SERVICE) == SERVING


def test_reflection_lists_the_services_and_their_files(server: ServerProcess) -> None:
    with grpc.insecure_channel(server.grpc_target) as channel:
        database = ProtoReflectionDescriptorDatabase(channel)
        assert set(database.get_services()) >= {
            SERVICE,
            "grpc.health.v1.Health",
            "grpc.reflection.v1alpha.ServerReflection",
        }
        found = database.FindFileContainingSymbol(SERVICE)
        assert found.name == "llm_schema_registry/rpc/v1/registry.proto"
        assert [s.name for s in found.service] == ["SchemaRegistry"]


def test_the_cli_prints_the_shipped_proto() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "llm_schema_registry.cli.main", "grpc", "proto"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert printed == PROTO.read_text(encoding="utf-8")
    assert "service SchemaRegistry {" in printed and "package llm_schema_registry.v1;" in printed


def test_a_registration_over_rest_is_read_over_grpc_from_the_process(
    server: ServerProcess,
) -> None:
    made = httpx.post(f"{server.url}/subjects/proc/versions", json={"schema": AVRO_V1}).json()
    with grpc.insecure_channel(server.grpc_target) as channel:
        stub = pb_grpc.SchemaRegistryStub(channel)
        found = stub.GetSchemaById(pb.GetSchemaByIdRequest(id=made["id"]), timeout=10)
        by_grpc = stub.RegisterSchema(register_request("proc2", JSON_SCHEMA, schema_type=3))
    assert found.schema == AVRO_V1
    assert httpx.get(f"{server.url}/subjects/proc2/versions/1").json()["id"] == by_grpc.id


@pytest.fixture
def cluster() -> Iterator[ThrowawayPostgres]:
    pg = ThrowawayPostgres()
    yield pg
    pg.remove()


def test_health_follows_readiness_when_storage_goes_away(
    cluster: ThrowawayPostgres, tmp_path: Path
) -> None:
    cold = ServerProcess(cluster.url, tmp_path, grpc=True)
    warm = ServerProcess(cluster.url, tmp_path, grpc=True)
    try:
        made = httpx.post(f"{warm.url}/subjects/d/versions", json={"schema": AVRO_V1}).json()
        with grpc.insecure_channel(warm.grpc_target) as channel:
            stub = pb_grpc.SchemaRegistryStub(channel)
            stub.GetSchemaById(pb.GetSchemaByIdRequest(id=made["id"]), timeout=10)  # cached now
            assert health_of(cold.grpc_target) == SERVING
            cluster.stop()
            assert health_of(cold.grpc_target) == NOT_SERVING  # down: nothing cached
            assert health_of(warm.grpc_target) == SERVING  # degraded: cached reads served
            again = stub.GetSchemaById(pb.GetSchemaByIdRequest(id=made["id"]), timeout=10)
            assert again.schema == AVRO_V1
            with pytest.raises(grpc.RpcError) as refused:
                stub.RegisterSchema(register_request("d", JSON_SCHEMA, schema_type=3), timeout=10)
            assert failure(refused.value) == (grpc.StatusCode.UNAVAILABLE, 50301)
            cluster.start()
            deadline = time.monotonic() + 30
            while health_of(cold.grpc_target) != SERVING:
                assert time.monotonic() < deadline, "not SERVING again within 30 s"
                time.sleep(0.2)
    finally:
        cold.stop()
        warm.stop()


def test_workers_share_the_grpc_port(tmp_path: Path) -> None:
    with fresh_pg_database() as url:
        port, grpc_port = free_port(), free_port()
        env = {"REGISTRY_DATABASE_URL": url, "REGISTRY_GRPC_PORT": str(grpc_port)}
        command = [sys.executable, "-m", "llm_schema_registry.cli.main", "serve"]
        process = subprocess.Popen(
            [*command, "--port", str(port), "--workers", "2"],
            env={**os.environ, **env},
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            target = f"127.0.0.1:{grpc_port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    made = httpx.post(
                        f"http://127.0.0.1:{port}/subjects/w/versions", json={"schema": AVRO_V1}
                    ).json()
                    break
                except httpx.HTTPError:
                    assert time.monotonic() < deadline and process.poll() is None
                    time.sleep(0.2)
            for _ in range(8):  # each a new connection: the kernel spreads them over workers
                with grpc.insecure_channel(target) as channel:
                    stub = pb_grpc.SchemaRegistryStub(channel)
                    reply = stub.GetSchemaById(pb.GetSchemaByIdRequest(id=made["id"]), timeout=20)
                    assert reply.schema == AVRO_V1
        finally:
            process.terminate()
            assert process.wait(timeout=30) == 0


async def test_shutdown_lets_a_call_in_flight_finish(tmp_path: Path) -> None:
    node = ServerProcess(f"sqlite:///{tmp_path}/r.db", tmp_path, grpc=True)
    try:
        httpx.post(
            f"{node.url}/subjects/v/versions", json={"schema": JSON_SCHEMA, "schemaType": "JSON"}
        )
        async with grpc.aio.insecure_channel(node.grpc_target) as channel:
            stub = pb_grpc.SchemaRegistryStub(channel)
            first_sent = asyncio.Event()

            async def records() -> AsyncIterator[pb.ValidateDataStreamRequest]:
                target = pb.ValidationTarget(subject="v")
                yield pb.ValidateDataStreamRequest(target=target, records=['{"n":1}'])
                first_sent.set()
                await asyncio.sleep(1.5)  # the server is shutting down meanwhile
                yield pb.ValidateDataStreamRequest(records=[json.dumps({"n": 2})])

            call = asyncio.ensure_future(stub.ValidateDataStream(records()))
            await first_sent.wait()
            await asyncio.sleep(0.3)
            node.process.send_signal(signal.SIGTERM)
            reply = await asyncio.wait_for(call, timeout=15)
            assert [r.valid for r in reply.results] == [True, True]
        # uvicorn re-raises the signal once it has shut down: ended by SIGTERM, on its own
        assert node.process.wait(timeout=15) in (0, -signal.SIGTERM)
    finally:
        node.stop()
