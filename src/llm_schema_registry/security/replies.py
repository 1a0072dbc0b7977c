"""Rewriting a JSON reply on its way out (pure ASGI): how the security layer filters
listings and adds policy warnings without the routes knowing about principals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from llm_schema_registry.asgi import Message, Send


def rewriting_json(send: Send, change: Callable[[Any], Any]) -> Send:
    """Buffers the reply; a 200's JSON body goes through `change` (content-length fixed)."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def send_rewritten(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start":
            start = message
            return
        if message["type"] != "http.response.body" or start is None:
            await send(message)
            return
        chunks.append(message.get("body", b""))
        if message.get("more_body", False):
            return
        body = b"".join(chunks)
        if start["status"] == 200:
            body = orjson.dumps(change(orjson.loads(body)))
        start["headers"] = [
            (k, str(len(body)).encode() if k == b"content-length" else v)
            for k, v in start["headers"]
        ]
        await send(start)
        await send({"type": "http.response.body", "body": body})

    return send_rewritten


def body_subject(body: bytes) -> str | None:
    """The `subject` a JSON request body names, if any."""
    try:
        parsed = orjson.loads(body)
    except orjson.JSONDecodeError:
        return None
    subject = parsed.get("subject") if isinstance(parsed, dict) else None
    return subject if isinstance(subject, str) else None
