"""Helpers for event tests: a real webhook receiver, broker reachability, a cuttable TCP path."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from standardwebhooks import Webhook as StandardWebhook

from llm_schema_registry.events.model import Event, EventType, Webhook, WebhookId
from llm_schema_registry.webhooks import generate_secret


def sample_event(
    subject: str | None = "orders-value", kind: EventType = EventType.SCHEMA_REGISTERED, **data: Any
) -> Event:
    payload = data or {"subject": subject, "version": 1, "id": 7, "schemaType": "AVRO"}
    return Event.new(kind, subject, payload)


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def require_service(env: str, default: str) -> str:
    """The URL of a broker on this machine; under CI=true an unreachable one is a failure."""
    url = os.environ.get(env, default)
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), 2):
            pass
    except OSError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{url} ({env}) is unreachable under CI: {exc}")
        pytest.skip(f"{url} unreachable; start the broker or set {env}")
    return url


@dataclass
class Received:
    """One request the receiver got, and what verifying it with `standardwebhooks` gave."""

    path: str
    headers: dict[str, str]
    body: bytes
    at: float
    verified: Any = None
    error: str | None = None


@dataclass
class Receiver:
    """A webhook receiver on loopback that verifies every request with `standardwebhooks`.

    `script`: statuses to answer, one per request, then 200; `delay`: seconds to stall the
    first `stall` requests (to provoke client timeouts).
    """

    secret: str = field(default_factory=generate_secret)
    script: list[int] = field(default_factory=list)
    delay: float = 0.0
    stall: int = 0
    received: list[Received] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def webhook(self, **fields: Any) -> Webhook:
        return Webhook(id=WebhookId("w1"), url=self.url, secret=self.secret, **fields)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        seen = Received(scope["path"], headers, body, time.monotonic())
        try:
            seen.verified = StandardWebhook(self.secret).verify(body, headers)
        except Exception as exc:
            seen.error = repr(exc)
        self.received.append(seen)
        if len(self.received) <= self.stall:
            await asyncio.sleep(self.delay)
        status = (
            self.script[len(self.received) - 1] if len(self.received) <= len(self.script) else 200
        )
        extra = [(b"location", b"/elsewhere")] if 300 <= status < 400 else []
        await send({"type": "http.response.start", "status": status, "headers": extra})
        await send({"type": "http.response.body", "body": b"ok"})


@asynccontextmanager
async def running(receiver: Receiver) -> AsyncIterator[Receiver]:
    """Serve `receiver` with uvicorn on loopback for the block's duration: on its `port` if
    set (a receiver that was down coming back), else on a free one."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", receiver.port))  # a port given beforehand (a receiver coming back)
    receiver.port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(receiver, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    try:
        yield receiver
    finally:
        server.should_exit = True
        await task
        sock.close()


class TcpProxy:
    """A loopback TCP relay to a real broker that a test can cut and restore (an outage)."""

    def __init__(self, host: str, port: int) -> None:
        self._target = (host, port)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        """Refuse new connections and cut every open one."""
        if self._server is not None:
            self._server.close()
            for writer in list(self._writers):
                writer.transport.abort()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            broker_r, broker_w = await asyncio.open_connection(*self._target)
        except OSError:
            client_w.transport.abort()
            return
        self._writers |= {client_w, broker_w}
        try:
            await asyncio.gather(_pipe(client_r, broker_w), _pipe(broker_r, client_w))
        finally:
            for writer in (client_w, broker_w):
                self._writers.discard(writer)
                writer.transport.abort()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    writer.transport.abort()
