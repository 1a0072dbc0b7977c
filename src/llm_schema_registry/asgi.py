"""ASGI types, and the body plumbing every pure-ASGI layer needs (neutral: any layer that
speaks ASGI may import this module; it imports nothing of ours)."""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


async def read_within(receive: Receive, limit: float) -> bytes | None:
    """The whole request body, or None as soon as it grows past `limit` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands out `body` (already read) first, then defers to `receive`."""
    sent = False

    async def replaying() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replaying


async def buffer(receive: Receive, limit: float = math.inf) -> tuple[bytes | None, Receive]:
    """Reads the whole body and returns it with a `receive` that replays it; the body is None
    (and reading stopped) as soon as it grows past `limit` bytes."""
    body = await read_within(receive, limit)
    return body, replay(body or b"", receive)


def declared_length(scope: Scope) -> int | None:
    """The request's `Content-Length`, if it gave a well-formed one."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else None
    return None
