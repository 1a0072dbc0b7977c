"""Request bodies are bounded wherever they are buffered (the security layer reads some
itself, to find their subject, before the app's own limit applies), and so is the cache of
pre-encoded schema bodies."""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager
from secsupport import api_key, make_key, secured_client

from llm_schema_registry.api.app import create_app
from llm_schema_registry.api.front import SchemaBodyCache
from llm_schema_registry.settings import Settings
from support import ServerProcess

MIB = 1024 * 1024
RECORD = '{"type":"record","name":"NAME","doc":"DOC","fields":[{"name":"f","type":"int"}]}'


def _chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A JSON-looking body streamed without a length (chunked), `total` bytes."""
    yield b'{"subject": "telemetry.x", "data": "'
    sent = 0
    while sent < total:
        yield b"x" * size
        sent += size
    yield b'"}'


def _peak_rss(pid: int) -> int:
    """The most resident memory a process has had so far, in bytes (Linux: /proc, VmHWM):
    a body read whole and freed again would still show here."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmHWM")


def test_an_oversized_body_through_the_security_layer_is_413_and_memory_stays_flat(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    _, secret = asyncio.run(make_key(url, "consumer"))
    env = {"REGISTRY_AUTH_ENABLED": "true", "REGISTRY_MAX_BODY_BYTES": str(MIB)}
    server = ServerProcess(url, tmp_path, env)
    try:
        headers = {**api_key(secret), "Content-Type": "application/json"}
        with httpx.Client(base_url=server.url, timeout=60) as client:
            small = client.post("/validate", json={"subject": "x", "data": {}}, headers=headers)
            assert small.status_code != 413
            before = _peak_rss(server.process.pid)
            refused = []
            for _ in range(5):  # 5 x 64 MiB streamed, each refused once past 1 MiB
                try:
                    reply = client.post("/validate", content=_chunks(64 * MIB), headers=headers)
                except httpx.TransportError:  # the server may close before we finish
                    continue
                refused.append(reply)
            declared = client.post(
                "/validate",
                content=b"{" + b" " * (2 * MIB) + b"}",
                headers=headers,
            )
            after = _peak_rss(server.process.pid)
    finally:
        server.stop()
    assert refused, "every oversized request ended without an answer"
    for reply in [*refused, declared]:
        assert reply.status_code == 413, reply.text
        assert reply.json()["error_code"] == 41301
        assert reply.json()["message"] == f"Request body exceeds the limit of {MIB} bytes"
    print(f"server peak RSS before {before / MIB:.1f} MiB, after 5 x 64 MiB: {after / MIB:.1f} MiB")
    assert after - before < 16 * MIB  # not a copy of any body: at most the limit once


async def test_the_security_layer_refuses_a_declared_length_over_the_limit_unread(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    _, secret = await make_key(url, "consumer")
    async with secured_client(url, max_body_bytes=4096) as client:
        body = b'{"subject": "s", "data": "' + b"x" * 8192 + b'"}'
        reply = await client.post("/validate", content=body, headers=api_key(secret))
    assert reply.status_code == 413 and reply.json()["error_code"] == 41301


def test_the_body_cache_stays_within_its_bound_over_100_000_ids() -> None:
    bound = 4 * MIB
    cache = SchemaBodyCache(bound)
    schema = '{"type":"record","name":"R","fields":[{"name":"f","type":"string"}],"doc":"%d"}'
    tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    peak_size = 0
    for schema_id in range(1, 100_001):
        if cache.get(schema_id) is None:
            cache.put(schema_id, {"schema": schema % schema_id})
        peak_size = max(peak_size, cache.size_bytes)
    held = tracemalloc.get_traced_memory()[0] - start
    tracemalloc.stop()
    assert peak_size <= bound
    assert 0 < len(cache) < 100_000
    assert cache.get(100_000) is not None and cache.get(1) is None  # least recent went first
    # What it really holds (tracemalloc) is within the bound it accounts for, and far below
    # what 100,000 entries would take.
    print(f"100,000 ids: {len(cache)} kept, {cache.size_bytes} accounted, {held} traced bytes")
    assert held <= bound * 1.1


async def test_served_bodies_stay_within_the_configured_bound_and_are_measured(
    tmp_path: Path,
) -> None:
    bound = 64 * 1024  # the smallest allowed: ~70 small schemas
    url = f"sqlite:///{tmp_path}/r.db"
    app = create_app(Settings(database_url=url, schema_body_cache_bytes=bound))  # type: ignore[arg-type]
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://r") as client:
            ids = []
            padding = "x" * 2000  # ~2.8 KiB per entry: 30 schemas pass the bound
            for n in range(30):
                schema = RECORD.replace("NAME", f"R{n}").replace("DOC", padding)
                made = await client.post(f"/subjects/s{n}/versions", json={"schema": schema})
                ids.append(made.json()["id"])
            for schema_id in ids * 2:
                assert (await client.get(f"/schemas/ids/{schema_id}")).status_code == 200
            metrics = (await client.get("/metrics")).text
    held = _metric(metrics, "schema_registry_body_cache_bytes")
    assert 0 < held <= bound
    assert _metric(metrics, "schema_registry_body_cache_evictions_total") > 0


def _metric(text: str, name: str) -> float:
    for line in text.splitlines():
        if line.startswith(name + " "):
            return float(line.split()[1])
    raise AssertionError(f"{name} not exposed")
