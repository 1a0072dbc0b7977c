"""Outermost ASGI layer: request ids, request metrics by route template, one log line each.

Pure ASGI (no BaseHTTPMiddleware) and cheap: the hot read passes through here too.
"""

from __future__ import annotations

import itertools
import logging
import os
import time

import structlog
from opentelemetry.propagate import extract
from opentelemetry.trace import SpanKind

from llm_schema_registry.api.front import ASGIApp, Message, Receive, Scope, Send
from llm_schema_registry.observability import metrics
from llm_schema_registry.observability.context import request_id
from llm_schema_registry.observability.tracing import tracer, tracing_enabled

REQUEST_ID_HEADER = b"x-request-id"
HOT_ENDPOINT = "/schemas/ids/{id}"
_log = structlog.get_logger("llm_schema_registry.requests")
# Generated ids: a random per-process prefix and a counter (cheaper than uuid4 per request).
_PREFIX = os.urandom(6).hex()
_COUNTER = itertools.count(1)


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == REQUEST_ID_HEADER:
            text = bytes(value).decode("latin-1")
            # Echoed into logs and headers: accept only short, printable ids.
            if 0 < len(text) <= 128 and text.isprintable():
                return text
    return None


class ObservabilityLayer:
    """Wraps the whole app (see the module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.log_hot_path = logging.getLogger("llm_schema_registry.requests").isEnabledFor(
            logging.DEBUG
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = _incoming_id(scope) or f"{_PREFIX}-{next(_COUNTER):x}"
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
        if scope.get("hot_path"):
            child = metrics.HOT_PATH_OK if status == 200 else metrics.HOT_PATH_NOT_MODIFIED
            child.inc()
            metrics.HOT_PATH_DURATION.observe(elapsed)
            if not self.log_hot_path:
                return
            endpoint = HOT_ENDPOINT
        else:
            route = scope.get("route")
            # Label by template, never by raw path: ids and subjects would explode the series.
            endpoint = getattr(route, "path", None) or "unmatched"
            metrics.REQUESTS.labels(scope["method"], endpoint, str(status)).inc()
            metrics.REQUEST_DURATION.labels(scope["method"], endpoint).observe(elapsed)
        client = scope.get("client")
        _log.info(
            "request",
            request_id=rid,
            method=scope["method"],
            route=endpoint,
            status=status,
            duration_ms=round(elapsed * 1000, 3),
            client=client[0] if client else None,
        )
