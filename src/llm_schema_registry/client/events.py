"""The registry's change stream for SDK users: `client.events(...)` follows `GET /events/stream`
(Server-Sent Events, parsed by httpx-sse) and resumes where it stopped when the connection
drops, by sending the last sequence it saw as `Last-Event-ID`: no event is missed or repeated.

`EventCursor` is the one definition of the stream's logic (what to ask for, what each frame
means, when to give up); the sync and async clients only run its loop, blocking or awaiting.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from httpx_sse import ServerSentEvent

from llm_schema_registry.client.errors import RegistryUnavailableError, error_for
from llm_schema_registry.client.transport import ClientOptions

STREAM_PATH = "/events/stream"
RESUME_HEADER = "x-resume-after"  # the sequence a stream started after (server's live end)
# The server sends a heartbeat comment every 15 s: this much silence means the link is dead.
SILENCE_SECONDS = 45.0


@dataclass(frozen=True, slots=True)
class ChangeEvent:
    """One registry change, as a CloudEvent (`cloudevent`) and its parts."""

    sequence: int
    id: str
    type: str
    subject: str | None
    time: str
    data: dict[str, Any]
    cloudevent: dict[str, Any]

    @classmethod
    def from_cloudevent(cls, envelope: Mapping[str, Any]) -> ChangeEvent:
        return cls(
            sequence=int(envelope["sequence"]),
            id=str(envelope["id"]),
            type=str(envelope["type"]),
            subject=envelope.get("subject"),
            time=str(envelope["time"]),
            data=dict(envelope.get("data") or {}),
            cloudevent=dict(envelope),
        )


@dataclass(frozen=True, slots=True)
class EventPage:
    """A page of `GET /events`: the events, and where the next page starts."""

    events: list[ChangeEvent]
    next_after: int


@dataclass(slots=True)
class EventCursor:
    """Where one `events()` iteration is, and what it asks for next.

    `after`: the last sequence delivered (None until known: the stream then starts at the
    live end, and the server's `x-resume-after` header tells where that was, so a reconnect
    before the first event still misses nothing). `failures`: connection attempts failed in a
    row; more than `options.retries` of them end the iteration with the last error.
    """

    options: ClientOptions
    types: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    after: int | None = None
    failures: int = 0
    reconnects: int = 0
    _rng: random.Random = field(default_factory=random.Random)

    @classmethod
    def of(
        cls,
        options: ClientOptions,
        after: int | None,
        types: Iterable[str] | None,
        subjects: Iterable[str] | None,
    ) -> EventCursor:
        return cls(options, tuple(types or ()), tuple(subjects or ()), after)

    def request(self) -> dict[str, Any]:
        """The keyword arguments of the next `GET /events/stream`."""
        params: dict[str, Any] = {}
        if self.types:
            params["types"] = list(self.types)
        if self.subjects:
            params["subjects"] = list(self.subjects)
        headers = {} if self.after is None else {"Last-Event-ID": str(self.after)}
        timeout = httpx.Timeout(self.options.timeout, read=SILENCE_SECONDS)
        return {"params": params, "headers": headers, "timeout": timeout}

    def opened(self, response: httpx.Response) -> None:
        """Raises the SDK error of a refused stream (its body read already); notes where a
        fresh stream starts."""
        if response.status_code >= 400:
            try:
                body = json.loads(response.content)
            except ValueError:
                body = None
            raise error_for(response.status_code, body)
        self.started(response.headers.get(RESUME_HEADER))

    def started(self, resume_after: str | None) -> None:
        """A stream is open; `resume_after`: where the server started it (header or gRPC
        metadata), kept when no event told us more yet."""
        if self.after is None and resume_after is not None and resume_after.isdigit():
            self.after = int(resume_after)
        self.failures = 0

    def take(self, frame: ServerSentEvent) -> ChangeEvent | None:
        """The event a frame carries (None for anything else); it is now delivered."""
        if not frame.data or not frame.id:
            return None
        return self.delivered(ChangeEvent.from_cloudevent(json.loads(frame.data)))

    def delivered(self, event: ChangeEvent) -> ChangeEvent:
        self.after = event.sequence
        return event

    def dropped(self, error: Exception) -> float:
        """Seconds to wait before reconnecting after `error`; raises once retries are spent
        (errors other than an unreachable or failing registry are raised at once)."""
        if isinstance(error, httpx.TransportError):
            error = RegistryUnavailableError(f"event stream interrupted: {error!r}")
        if not isinstance(error, RegistryUnavailableError):
            raise error
        self.failures += 1
        if self.failures > self.options.retries:
            raise error
        self.reconnects += 1
        ceiling = min(self.options.max_backoff, self.options.backoff * 2 ** (self.failures - 1))
        return self._rng.uniform(0, ceiling)
