"""Reading the feed: the one way every edge (SSE, `GET /events`, gRPC `WatchEvents`, the
dashboard) pages through and follows the sequenced events, cut to what the reader may read.

Followers resume strictly after a sequence. Sequences are given after commit in one ordered
step (store.py), so "everything after N" read later never skips an event that committed later:
a reader that reconnects with the last sequence it saw gets exactly what it missed.
"""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, Iterable
from dataclasses import dataclass

from llm_schema_registry.events.cloudevent import DEFAULT_SOURCE
from llm_schema_registry.events.filters import EventFilter, parse_types
from llm_schema_registry.events.model import Event
from llm_schema_registry.events.signal import Signal, wait
from llm_schema_registry.events.store import EventLog
from llm_schema_registry.registry.errors import RegistryError

HEARTBEAT_SECONDS = 15.0
POLL_SECONDS = 0.5  # events sequenced on another node wake nobody here: look this often
PAGE = 200  # events fetched at once while catching up
MAX_PAGE = 1000


class InvalidEventRequestError(RegistryError):
    """A feed request naming an unknown event type, a negative or non-numeric sequence, or a
    page size out of range."""


def reader_filter(
    types: Iterable[str], subjects: Iterable[str], scope: Iterable[str]
) -> EventFilter:
    """The filter of one reader: what it asked for (types may be comma-separated), within its
    scope (the subject globs it may read; empty = all). Raises InvalidEventRequestError."""
    names = [name.strip() for given in types for name in given.split(",") if name.strip()]
    globs = tuple(glob.strip() for given in subjects for glob in given.split(",") if glob.strip())
    try:
        wanted = parse_types(names)
    except ValueError as exc:
        raise InvalidEventRequestError(str(exc)) from None
    return EventFilter(types=wanted, subjects=globs, scope=tuple(scope))


def sequence_of(given: str | int | None, name: str = "after") -> int | None:
    """A resume point as given by a client (`Last-Event-ID`, `?after=`); None when absent."""
    if given is None or (isinstance(given, str) and not given.strip()):
        return None
    if isinstance(given, int):
        value = given
    elif given.isascii() and given.strip().isdigit() and len(given.strip()) <= 18:
        value = int(given)  # ASCII digits only: int() would also take "+1", "1_0", "٣"
    elif given.strip().startswith("-") and given.strip()[1:].isdigit():
        raise InvalidEventRequestError(f"{name} must not be negative (a sequence is >= 0).")
    else:
        raise InvalidEventRequestError(f"{name} must be an event sequence (a number).")
    if value < 0:
        raise InvalidEventRequestError(f"{name} must not be negative (a sequence is >= 0).")
    return value


@dataclass(frozen=True, slots=True)
class EventFeed:
    """The sequenced events as readers see them. `sequenced`: notified when this node
    numbered new events (the relay), so local followers wake at once; events numbered on
    other nodes are found by polling every `poll_seconds`."""

    log: EventLog
    sequenced: Signal
    source: str = DEFAULT_SOURCE
    poll_seconds: float = POLL_SECONDS

    async def page(self, after: int, limit: int, only: EventFilter) -> list[Event]:
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidEventRequestError(f"limit must be between 1 and {MAX_PAGE}.")
        return await self.log.events_after(after, limit=limit, only=only)

    async def start(self, after: int | None) -> int:
        """Where a follower starts: after `after`, or at the live end when None."""
        return await self.log.last_sequence() if after is None else after

    async def follow(
        self, only: EventFilter, after: int, *, heartbeat_seconds: float = HEARTBEAT_SECONDS
    ) -> AsyncGenerator[Event | None, None]:
        """Every matching event after `after`, then live ones, forever; None when nothing was
        yielded for `heartbeat_seconds` (the caller sends a keep-alive)."""
        position = after
        last_sent = time.monotonic()
        while True:
            ticket = self.sequenced.ticket()  # before fetching: a notification in between counts
            events = await self.log.events_after(position, limit=PAGE, only=only)
            for event in events:
                yield event
                position = event.sequence or position
            if events:
                last_sent = time.monotonic()
                continue  # maybe a full page: fetch again before waiting
            quiet = time.monotonic() - last_sent
            if quiet >= heartbeat_seconds:
                yield None
                last_sent = time.monotonic()
                continue
            await wait(ticket, min(self.poll_seconds, heartbeat_seconds - quiet))
