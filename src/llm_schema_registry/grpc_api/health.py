"""The standard `grpc.health.v1.Health` service, its status following readiness (the one probe
REST's `/health/ready` answers from, `observability/readiness.py`): SERVING while the node
serves (ok or degraded), NOT_SERVING when storage is down with nothing cached, and from the
start of a graceful shutdown on.

`Check` probes afresh on every call (as `grpc_health_probe` and load balancers ask); `Watch`
followers hear of changes from a background probe every `interval` seconds. The reference
servicer of grpcio-health-checking keeps the statuses and the followers.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2

from llm_schema_registry.observability.readiness import Readiness

HEALTH_SERVICE = "grpc.health.v1.Health"
Probe = Callable[[], Awaitable[Readiness]]


class ReadinessHealth:
    """Health statuses of the server (`""`) and of each of `services`, from `probe`."""

    def __init__(self, probe: Probe, services: Sequence[str], interval: float = 5.0) -> None:
        self._probe = probe
        self._names = ("", *services)
        self._interval = interval
        self._servicer: Any = health.aio.HealthServicer()
        self._watching: asyncio.Task[None] | None = None

    def handler(self) -> grpc.GenericRpcHandler:
        parse = health_pb2.HealthCheckRequest.FromString
        encode = health_pb2.HealthCheckResponse.SerializeToString
        return grpc.method_handlers_generic_handler(
            HEALTH_SERVICE,
            {
                "Check": grpc.unary_unary_rpc_method_handler(
                    self._check, request_deserializer=parse, response_serializer=encode
                ),
                "Watch": grpc.unary_stream_rpc_method_handler(
                    self._servicer.Watch, request_deserializer=parse, response_serializer=encode
                ),
            },
        )

    async def refresh(self) -> None:
        """Probes readiness and sets every status from it."""
        found = await self._probe()
        serving = health_pb2.HealthCheckResponse.SERVING
        status = serving if found.serving else health_pb2.HealthCheckResponse.NOT_SERVING
        for name in self._names:
            await self._servicer.set(name, status)

    def start(self) -> None:
        self._watching = asyncio.get_running_loop().create_task(self._watch())

    async def shutdown(self) -> None:
        """NOT_SERVING from now on (graceful shutdown), and no more probing."""
        await self._servicer.enter_graceful_shutdown()
        if self._watching is not None:
            self._watching.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watching

    async def _check(self, request: Any, context: grpc.aio.ServicerContext[Any, Any]) -> Any:
        await self.refresh()
        return await self._servicer.Check(request, context)

    async def _watch(self) -> None:
        while True:
            with contextlib.suppress(Exception):  # a failed probe is only a missed update
                await self.refresh()
            await asyncio.sleep(self._interval)
