"""What the relay drives: a sink takes one event at a time and says how it went."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from llm_schema_registry.events.model import Attempt, Event, SinkKey


def describe(exc: BaseException) -> str:
    """An error for the delivery history; some client errors have an empty message."""
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class SinkUnavailableError(Exception):
    """The sink cannot take events now (broker down, connection lost, no confirm in time).

    Retryable: the relay gives the claim back to the outbox to try again later, so nothing is
    lost; a broker that deduplicates by event id (JetStream) drops a repeat of a publish whose
    acknowledgement was lost.
    """

    def __init__(self, sink: str, reason: str) -> None:
        super().__init__(f"{sink} unavailable: {reason}")
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Delivery:
    """How a delivery ended: `delivered`, or given up after its retries (→ dead letters)."""

    delivered: bool
    attempts: tuple[Attempt, ...]

    @property
    def error(self) -> str | None:
        """Why the last attempt failed (None once delivered)."""
        if self.delivered or not self.attempts:
            return None
        last = self.attempts[-1]
        return last.error or f"HTTP {last.status}"


class Sink(Protocol):
    """A destination for events: a webhook, a JetStream stream, a RabbitMQ exchange.

    `key` names its delivery cursor in the outbox (one per webhook, one per broker); `kind`
    labels its metrics ("webhook", "nats", "amqp": few values, unlike webhook ids).
    """

    @property
    def key(self) -> SinkKey: ...

    @property
    def kind(self) -> str: ...

    def accepts(self, event: Event) -> bool:
        """Whether this sink wants the event at all (its type and subject filters, scope)."""
        ...

    async def deliver(self, event: Event) -> Delivery:
        """Hand over one event, retrying as the sink's policy says.

        Returns the outcome with every attempt made. Raises `SinkUnavailableError` when the
        sink is down and the event should wait in the outbox rather than be dead-lettered.
        Calls for events of different subjects may run concurrently.
        """
        ...

    async def aclose(self) -> None:
        """Release connections; a later `deliver` may connect again."""
        ...
