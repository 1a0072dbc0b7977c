"""The change-event feature on one node: webhooks, the sinks in force, the relay's lifetime.

Built by the app from settings (api/app.py). Costs nothing until started; once started, the
relay polls the outbox (each sequencing step is one short transaction) and is woken at once
by commits on this node that wrote events.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from llm_schema_registry import tasks
from llm_schema_registry.events.errors import (
    InvalidWebhookError,
    UnsafeWebhookUrlError,
    WebhookNotFoundError,
)
from llm_schema_registry.events.filters import parse_types
from llm_schema_registry.events.jetstream import STREAM, SUBJECT_PREFIX, JetStreamSink
from llm_schema_registry.events.model import Attempt, DeadLetter, EventId, Webhook, WebhookId
from llm_schema_registry.events.rabbitmq import EXCHANGE, RabbitMqSink
from llm_schema_registry.events.relay import Relay, RelayOptions
from llm_schema_registry.events.signal import Signal
from llm_schema_registry.events.sink import Sink
from llm_schema_registry.events.ssrf import UnsafeUrlError, UrlGuard
from llm_schema_registry.events.store import EventStore
from llm_schema_registry.events.webhook import (
    RetryPolicy,
    WebhookClient,
    WebhookSink,
    webhook_client,
)
from llm_schema_registry.webhooks import generate_secret, secret_key

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EventsConfig:
    source: str
    guard: UrlGuard
    policy: RetryPolicy
    timeout: float = 10.0
    nats_url: str | None = None
    nats_stream: str = STREAM
    nats_subject_prefix: str = SUBJECT_PREFIX
    amqp_url: str | None = None
    amqp_exchange: str = EXCHANGE
    relay: RelayOptions = field(default_factory=RelayOptions)


def node_name() -> str:
    """This process among the nodes sharing the outbox (the owner of its claims)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class EventsService:
    """Webhook management for the routes and the relay driving every sink (see module doc)."""

    def __init__(self, store: EventStore, config: EventsConfig) -> None:
        self.store = store
        self.config = config
        self.node = node_name()
        self.sequenced = Signal()  # this node's relay numbered new events (the live stream)
        self._client: WebhookClient | None = None
        self._brokers: list[Sink] = []
        self._hooks: dict[WebhookId, WebhookSink] = {}
        self._relay: Relay | None = None
        self._task: asyncio.Task[None] | None = None

    # ---- lifetime ----------------------------------------------------------------------

    async def start(self) -> None:
        self._client = webhook_client(self.config.timeout)
        if self.config.nats_url:
            self._brokers.append(
                JetStreamSink(
                    self.config.nats_url,
                    stream=self.config.nats_stream,
                    subject_prefix=self.config.nats_subject_prefix,
                    source=self.config.source,
                )
            )
        if self.config.amqp_url:
            self._brokers.append(
                RabbitMqSink(
                    self.config.amqp_url,
                    exchange=self.config.amqp_exchange,
                    source=self.config.source,
                )
            )
        self._relay = Relay(
            self.store,
            self.sinks,
            node=self.node,
            options=self.config.relay,
            sequenced=self.sequenced,
        )
        self._task = asyncio.create_task(self._relay.run(), name="events-relay")

    def wake(self) -> None:
        """A commit on this node wrote events: deliver now rather than at the next poll."""
        if self._relay is not None:
            self._relay.wake()

    async def close(self) -> None:
        task, self._task = self._task, None
        await tasks.stop(task)
        for broker in self._brokers:
            await broker.aclose()
        if self._client is not None:
            await self._client.aclose()
        await self.store.close()

    async def sinks(self) -> Sequence[Sink]:
        """Brokers, then one sink per webhook. The webhooks are read afresh for every relay
        step (one small query): events are routed when they are sequenced, and a webhook
        another node just added must get every event sequenced after it."""
        await self._refresh_hooks()
        return [*self._brokers, *self._hooks.values()]

    async def _refresh_hooks(self) -> None:
        assert self._client is not None, "start() first"
        current = {hook.id: hook for hook in await self.store.webhooks()}
        for gone in self._hooks.keys() - current.keys():
            del self._hooks[gone]
        for hook_id, hook in current.items():
            if hook_id not in self._hooks:
                self._hooks[hook_id] = WebhookSink(
                    hook,
                    self._client,
                    guard=self.config.guard,
                    policy=self.config.policy,
                    source=self.config.source,
                )

    # ---- webhooks ----------------------------------------------------------------------

    async def add_webhook(
        self,
        url: str,
        *,
        types: Iterable[str] = (),
        subjects: Iterable[str] = (),
        secret: str | None = None,
        scope: Sequence[str] = (),
        created_by: str = "anonymous",
    ) -> Webhook:
        """Register a receiver; `scope`: the subject globs its creator may read (empty: all)."""
        try:
            await self.config.guard.target(url)
        except UnsafeUrlError as exc:
            raise UnsafeWebhookUrlError(str(exc)) from None
        try:
            kinds = parse_types(types)
        except ValueError as exc:
            raise InvalidWebhookError(str(exc)) from None
        globs = tuple(subjects)
        if any(not glob or not isinstance(glob, str) for glob in globs):
            raise InvalidWebhookError("Subject globs must be non-empty strings.")
        if secret is not None:
            try:
                secret_key(secret)
            except ValueError as exc:
                raise InvalidWebhookError(str(exc)) from None
        hook = Webhook(
            id=WebhookId(str(uuid.uuid4())),
            url=url,
            secret=secret or generate_secret(),
            types=kinds,
            subjects=globs,
            scope=tuple(scope),
            created_by=created_by,
        )
        await self.store.add_webhook(hook)
        self.wake()
        return hook

    async def webhook(self, webhook_id: str) -> Webhook:
        found = await self.store.webhook(WebhookId(webhook_id))
        if found is None:
            raise WebhookNotFoundError(webhook_id)
        return found

    async def webhooks(self) -> list[Webhook]:
        return await self.store.webhooks()

    async def remove_webhook(self, webhook_id: str) -> Webhook:
        found = await self.webhook(webhook_id)
        if not await self.store.remove_webhook(found.id):
            raise WebhookNotFoundError(webhook_id)
        self._hooks.pop(found.id, None)
        return found

    async def deliveries(self, webhook_id: str, limit: int) -> list[Attempt]:
        return await self.store.attempts((await self.webhook(webhook_id)).sink_key, limit=limit)

    async def dead_letters(self, webhook_id: str, limit: int) -> list[DeadLetter]:
        hook = await self.webhook(webhook_id)
        return await self.store.dead_letters(hook.sink_key, limit=limit)

    async def replay(self, webhook_id: str, event_ids: Sequence[str] | None) -> int:
        hook = await self.webhook(webhook_id)
        ids = None if event_ids is None else [EventId(e) for e in event_ids]
        count = await self.store.replay(hook.sink_key, ids)
        self.wake()
        return count
