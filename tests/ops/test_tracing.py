"""OpenTelemetry: server spans continue the caller's trace; storage and compatibility spans."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from asgi_lifespan import LifespanManager
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from llm_schema_registry.api.app import create_app
from llm_schema_registry.observability.tracing import configure_tracing
from llm_schema_registry.settings import Settings

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


async def test_requests_produce_linked_spans(tmp_path: Path) -> None:
    exporter = InMemorySpanExporter()
    provider = configure_tracing(None, exporter=exporter)
    assert provider is not None
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path}/r.db"))  # type: ignore[arg-type]
    schema = json.dumps({"type": "record", "name": "T", "fields": [{"name": "a", "type": "int"}]})
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://r") as client:
            await client.post("/subjects/t/versions", json={"schema": schema})
            await client.post(
                "/subjects/t/versions",
                json={"schema": schema.replace('"int"}', '"int"}, {"name": "b", "type": "int"}')},
                headers={"traceparent": TRACEPARENT},
            )
            await client.get("/subjects/t/versions/latest")
    provider.force_flush()
    spans = exporter.get_finished_spans()
    names = {span.name for span in spans}
    assert "POST /subjects/{subject}/versions" in names
    assert "compatibility.check" in names
    assert "storage.write_transaction" in names and "storage.versions" in names
    continued = [s for s in spans if s.context.trace_id == int(TRACE_ID, 16)]
    assert {s.name for s in continued} >= {
        "POST /subjects/{subject}/versions",
        "compatibility.check",
    }
    server = next(s for s in continued if s.name.startswith("POST"))
    assert server.parent is not None and server.parent.span_id == int("00f067aa0ba902b7", 16)
