"""Helpers for gRPC tests: the real app with its gRPC server on a real port (REST over ASGI
beside it, the same process and services), real grpcio stubs, and the error details."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import grpc
import httpx
from asgi_lifespan import LifespanManager
from google.rpc import status_pb2

from llm_schema_registry.api.app import create_app
from llm_schema_registry.rpc.v1 import registry_pb2 as pb
from llm_schema_registry.rpc.v1 import registry_pb2_grpc as pb_grpc
from llm_schema_registry.settings import Settings
from support import free_port

V1 = "application/vnd.schemaregistry.v1+json"
AVRO_V1 = '{"type":"record","name":"E","fields":[{"name":"a","type":"string"}]}'
AVRO_V2 = (
    '{"type":"record","name":"E","fields":[{"name":"a","type":"string"},'
    '{"name":"b","type":"string","default":""}]}'
)
AVRO_BREAKING = '{"type":"record","name":"E","fields":[{"name":"a","type":"long"}]}'
JSON_SCHEMA = '{"type":"object","properties":{"n":{"type":"integer"}},"required":["n"]}'


@dataclass
class Registry:
    """One registry process's two APIs."""

    http: httpx.AsyncClient
    stub: pb_grpc.SchemaRegistryStub
    channel: grpc.aio.Channel
    target: str


@asynccontextmanager
async def grpc_registry(url: str, **settings: Any) -> AsyncIterator[Registry]:
    """The real app (create_app, as `serve` builds it) with gRPC on a free port."""
    port = free_port()
    app = create_app(Settings(database_url=url, grpc_port=port, **settings), serve_grpc=True)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=("10.1.2.3", 5555))
        async with (
            httpx.AsyncClient(
                transport=transport, base_url="http://registry", headers={"Content-Type": V1}
            ) as http,
            grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel,
        ):
            yield Registry(http, pb_grpc.SchemaRegistryStub(channel), channel, f"127.0.0.1:{port}")


def detail(error: grpc.aio.AioRpcError | grpc.RpcError) -> pb.ErrorDetail:
    """The registry's ErrorDetail from a failed call's status details."""
    trailers = error.trailing_metadata() or ()  # type: ignore[attr-defined]
    for key, value in trailers:
        if key == "grpc-status-details-bin":
            for packed in status_pb2.Status.FromString(value).details:
                found = pb.ErrorDetail()
                if packed.Unpack(found):
                    return found
    raise AssertionError(f"no ErrorDetail in {error!r}")


def failure(error: grpc.aio.AioRpcError) -> tuple[grpc.StatusCode, int]:
    """(status code, Confluent error code) of a failed call."""
    return error.code(), detail(error).error_code


def register_request(
    subject: str, schema: str = AVRO_V1, **fields: Any
) -> pb.RegisterSchemaRequest:
    return pb.RegisterSchemaRequest(subject=subject, schema=schema, **fields)


async def make_key(
    url: str, role: str, subjects: tuple[str, ...] = (), rate_limit_per_minute: int | None = None
) -> tuple[str, str]:
    """(key_id, secret) of a new API key stored at `url` (migrated first)."""
    from llm_schema_registry.security.apikeys import new_key
    from llm_schema_registry.storage.security_sql import SqlSecurityStore
    from llm_schema_registry.storage.sql import SqlStore

    sql = SqlStore(url)
    await sql.start()
    await sql.close()
    key, secret = new_key(role, subjects, rate_limit_per_minute=rate_limit_per_minute)
    store = SqlSecurityStore(url)
    try:
        await store.add_key(key)
    finally:
        await store.close()
    return key.key_id, secret
