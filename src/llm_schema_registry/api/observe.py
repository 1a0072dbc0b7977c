"""ASGI layer around the framework: request ids, metrics by route template, a log line each.

Pure ASGI (no BaseHTTPMiddleware). The hot read never gets here: the front layer answers it
and does its own minimal bookkeeping (request id echo, counter, latency).
"""

from __future__ import annotations

import logging
import time

from opentelemetry.propagate import extract
from opentelemetry.trace import SpanKind

from llm_schema_registry.asgi import ASGIApp, Message, Receive, Scope, Send
from llm_schema_registry.observability import metrics
from llm_schema_registry.observability.context import request_id, request_id_for
from llm_schema_registry.observability.tracing import tracer, tracing_enabled

REQUEST_ID_HEADER = b"x-request-id"
# A stdlib logger: silent unless logging is configured (`llm-schema serve` makes it JSON).
_log = logging.getLogger("llm_schema_registry.requests")


class ObservabilityLayer:
    """Wraps the whole app (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = request_id_for(dict(scope["headers"]).get(REQUEST_ID_HEADER))
        token = request_id.set(rid)
        header = (REQUEST_ID_HEADER, rid.encode("latin-1"))
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            if tracing_enabled():
                await self._traced(scope, receive, send_with_id)
            else:
                await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            request_id.reset(token)
            self._record(scope, status, elapsed, rid)

    async def _traced(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A server span per request, continuing the caller's W3C `traceparent` if given."""
        carrier = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        with tracer.start_as_current_span(
            f"{scope['method']} {scope['path']}", context=extract(carrier), kind=SpanKind.SERVER
        ) as span:
            await self.app(scope, receive, send)
            route = getattr(scope.get("route"), "path", None)
            if route:
                span.update_name(f"{scope['method']} {route}")
                span.set_attribute("http.route", route)

    def _record(self, scope: Scope, status: int, elapsed: float, rid: str) -> None:
        route = scope.get("route")
        # Label by template, never by raw path: ids and subjects would explode the series.
        endpoint = getattr(route, "path", None) or "unmatched"
        metrics.REQUEST_STATS.record(scope["method"], endpoint, status, elapsed)
        if not _log.isEnabledFor(logging.INFO):
            return
        client = scope.get("client")
        _log.info(
            "request",
            extra={
                "request_id": rid,
                "method": scope["method"],
                "route": endpoint,
                "status": status,
                "duration_ms": round(elapsed * 1000, 3),
                "client": client[0] if client else None,
            },
        )
