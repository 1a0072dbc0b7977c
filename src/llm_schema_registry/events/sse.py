"""Server-Sent Events for the live stream: frames, the resume point, and the frame generator.

The edge wraps `stream` in a streaming response (`text/event-stream`); starlette's
StreamingResponse already stops the generator when the client goes away, so `sse-starlette`
would add a dependency for nothing we need. Each frame is one event: `id:` its sequence (what
the browser's EventSource sends back as `Last-Event-ID`), `event:` its type, `data:` the
CloudEvent on one line.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence

from llm_schema_registry.events.cloudevent import DEFAULT_SOURCE, encode
from llm_schema_registry.events.model import Event
from llm_schema_registry.events.signal import Signal, wait

MEDIA_TYPE = "text/event-stream"
HEARTBEAT = b": heartbeat\n\n"  # a comment: keeps proxies from closing an idle stream
HEARTBEAT_SECONDS = 15.0
POLL_SECONDS = 0.5  # events sequenced on another node wake nobody here: look this often
Fetch = Callable[[int], Awaitable[Sequence[Event]]]  # filtered events after a sequence, ascending


def frame(event: Event, source: str = DEFAULT_SOURCE) -> bytes:
    """One SSE frame; the event must be sequenced (its sequence is the frame id)."""
    if event.sequence is None:
        raise ValueError(f"event {event.id} has no sequence yet")
    return (
        f"id: {event.sequence}\nevent: {event.type}\ndata: ".encode()
        + encode(event, source)
        + b"\n\n"
    )


def resume_after(last_event_id: str | None, after: str | None) -> int | None:
    """Where a reader resumes: `Last-Event-ID` (a reconnecting EventSource) wins over
    `?after=`; None when neither is given (start at the live end). Raises ValueError."""
    for given in (last_event_id, after):
        if given is not None and given.strip():
            value = int(given.strip())
            if value < 0:
                raise ValueError("A sequence is never negative.")
            return value
    return None


async def stream(
    fetch: Fetch,
    *,
    after: int,
    sequenced: Signal,
    source: str = DEFAULT_SOURCE,
    heartbeat_seconds: float = HEARTBEAT_SECONDS,
    poll_seconds: float = POLL_SECONDS,
) -> AsyncGenerator[bytes, None]:
    """Frames of every event after `after` that `fetch` returns, then live ones, forever.

    Woken by `sequenced` (this node's relay numbered new events) or every `poll_seconds`;
    a heartbeat comment goes out when nothing was sent for `heartbeat_seconds`.
    """
    position = after
    last_sent = time.monotonic()
    while True:
        ticket = sequenced.ticket()  # before fetching, so a notification in between counts
        events = await fetch(position)
        for event in events:
            yield frame(event, source)
            position = event.sequence or position
        if events:
            last_sent = time.monotonic()
            continue  # maybe a full page: fetch again before waiting
        quiet = time.monotonic() - last_sent
        if quiet >= heartbeat_seconds:
            yield HEARTBEAT
            last_sent = time.monotonic()
            continue
        await wait(ticket, min(poll_seconds, heartbeat_seconds - quiet))
