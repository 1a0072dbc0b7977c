"""Server-Sent Events for the live stream: one frame per event, comments as heartbeats.

The edge wraps `frames` in a streaming response (`text/event-stream`); starlette's
StreamingResponse already stops the generator when the client goes away, so `sse-starlette`
would add a dependency for nothing we need. Each frame is one event: `id:` its sequence (what
the browser's EventSource sends back as `Last-Event-ID`), `event:` its type, `data:` the
CloudEvent on one line.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

from llm_schema_registry.events.cloudevent import DEFAULT_SOURCE, encode
from llm_schema_registry.events.feed import HEARTBEAT_SECONDS, EventFeed
from llm_schema_registry.events.filters import EventFilter
from llm_schema_registry.events.model import Event

MEDIA_TYPE = "text/event-stream"
HEARTBEAT = b": heartbeat\n\n"  # a comment: keeps proxies from closing an idle stream
RETRY = b"retry: 1000\n\n"  # EventSource reconnects after 1 s (its default is up to 3 s)
# Sent first, so the client sees the response headers (and a proxy its first bytes) at once.
OPENING = b": stream open\n" + RETRY


def frame(event: Event, source: str = DEFAULT_SOURCE) -> bytes:
    """One SSE frame; the event must be sequenced (its sequence is the frame id)."""
    if event.sequence is None:
        raise ValueError(f"event {event.id} has no sequence yet")
    return (
        f"id: {event.sequence}\nevent: {event.type}\ndata: ".encode()
        + encode(event, source)
        + b"\n\n"
    )


async def frames(
    feed: EventFeed,
    only: EventFilter,
    after: int,
    *,
    heartbeat_seconds: float = HEARTBEAT_SECONDS,
) -> AsyncGenerator[bytes, None]:
    """The opening comment, then a frame per event after `after` and live ones, forever; a
    heartbeat comment after `heartbeat_seconds` without one."""
    yield OPENING
    async for event in feed.follow(only, after, heartbeat_seconds=heartbeat_seconds):
        yield HEARTBEAT if event is None else frame(event, feed.source)
