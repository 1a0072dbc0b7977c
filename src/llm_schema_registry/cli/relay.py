"""`llm-schema relay`: the event relay as its own process (the transactional-outbox way).

With `REGISTRY_EVENTS_RELAY=external` the serving processes only write outbox rows and serve
the feed; this command delivers them (webhooks, NATS JetStream, RabbitMQ, from the same
settings), sends the sunset reminders and purges delivered events, until SIGTERM or SIGINT.
Several relay processes on PostgreSQL share the work through the outbox leases. The relay
listens to the nodes' change feed (PostgreSQL NOTIFY, which every write transaction already
sends, or Redis): a commit wakes it at once, at no cost to the serving processes; without a
feed (SQLite) it polls every second.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

import typer

from llm_schema_registry.settings import Settings

log = logging.getLogger(__name__)


async def run_relay(settings: Settings, stop: asyncio.Event) -> None:
    """Relay, reminders and housekeeping until `stop` is set; claims in flight are given back."""
    # The server stack is imported here so the CLI's client commands start fast.
    from llm_schema_registry.api.app import events_service
    from llm_schema_registry.governance.reminders import SunsetReminders, parse_lead_days
    from llm_schema_registry.registry.versions import SystemClock
    from llm_schema_registry.storage.feed import change_feed
    from llm_schema_registry.storage.sql import SqlStore

    events = events_service(settings)
    if events is None:
        raise RuntimeError("events are turned off (REGISTRY_EVENTS_ENABLED=false)")
    store = SqlStore(settings.database_url.get_secret_value(), events=True)
    store.on_events.append(events.wake)  # a reminder written: deliver it now
    redis_url = settings.redis_url.get_secret_value() if settings.redis_url else None
    feed = change_feed(redis_url, store, lambda _scope: events.wake())
    reminders = SunsetReminders(
        store, SystemClock(), parse_lead_days(settings.sunset_reminder_days)
    )

    async def remind_forever() -> None:
        while True:
            try:
                await reminders.remind()
            except Exception:  # storage down: the next sweep tries again
                log.warning("sunset reminders failed", exc_info=True)
            await asyncio.sleep(settings.sunset_sweep_seconds)

    await store.start()
    await events.start()
    if feed is not None:
        await feed.start()
    reminding = asyncio.create_task(remind_forever(), name="sunset-reminders")
    try:
        await stop.wait()
    finally:
        reminding.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reminding
        if feed is not None:
            await feed.close()
        await events.close()
        await store.close()


def relay() -> None:
    """Deliver change events from the outbox (webhooks, NATS, RabbitMQ) and send the sunset
    reminders, beside servers started with REGISTRY_EVENTS_RELAY=external; stops on SIGTERM."""
    from llm_schema_registry.observability.logging import configure_logging

    settings = Settings()
    configure_logging(settings.log_level)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await run_relay(settings, stop)

    try:
        asyncio.run(main())
    except RuntimeError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
