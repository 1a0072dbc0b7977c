"""The relay: moves committed events from the outbox to the sinks, on every node.

One step: sequence newly committed events (fanning each out to the sinks that want it), then
for each sink claim a batch, deliver it and record how each delivery went. Events of one
subject go to a sink one after another in sequence order; different subjects go concurrently,
so one slow subject does not hold the others up. Claims are leased and renewed while work is
in progress; a node that dies leaves its claims to the others when the leases run out.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta

from llm_schema_registry.events import metrics
from llm_schema_registry.events.metrics import Outcome
from llm_schema_registry.events.model import Attempt, Event, EventId, SinkKey, utc_now
from llm_schema_registry.events.signal import Signal, wait
from llm_schema_registry.events.sink import Delivery, Sink, SinkUnavailableError, describe
from llm_schema_registry.events.store import Claim, Outbox

log = logging.getLogger(__name__)
SinkSource = Callable[[], Awaitable[Sequence[Sink]]]  # the sinks in force now (webhooks change)


@dataclass(frozen=True, slots=True)
class RelayOptions:
    batch: int = 100  # events sequenced, and claimed per sink, in one step
    lease: timedelta = timedelta(seconds=60)
    idle_seconds: float = 1.0  # poll interval when nothing woke the relay
    # At most one step per this long: under a burst of commits each step (a few short
    # transactions) then carries many events instead of one, at a cost of this much latency.
    min_step_seconds: float = 0.05
    # Under sustained load (a step found at least `busy_events`), steps are spaced wider still:
    # each step's transactions and each sink's claim and write-back then carry tens of events,
    # which is most of the relay's CPU per event. A quiet registry keeps the short spacing.
    busy_events: int = 8
    busy_step_seconds: float = 0.25
    concurrency: int = 8  # subjects delivered at once, per sink
    down_backoff: tuple[float, float] = (1.0, 60.0)  # retry delay bounds for a sink that is down
    housekeeping_seconds: float = 30.0  # lag and dead-letter gauges, retention purge
    retention: timedelta = timedelta(days=7)

    def retry_after(self, attempts: int, rng: random.Random | None = None) -> timedelta:
        """When to try a down sink again: doubling per recorded attempt, with jitter."""
        low, high = self.down_backoff
        ceiling = min(high, low * 2 ** min(attempts, 30))
        return timedelta(seconds=(rng or random).uniform(low, max(low, ceiling)))


def by_subject(claims: Sequence[Claim]) -> list[list[Claim]]:
    """Claims grouped by subject, each group in sequence order, groups by first sequence."""
    groups: dict[str | None, list[Claim]] = {}
    for claim in sorted(claims, key=lambda c: c.event.sequence or 0):
        groups.setdefault(claim.event.subject, []).append(claim)
    return list(groups.values())


SETTLE_EVERY = 50  # deliveries written back to the outbox together (one transaction)


@dataclass(slots=True)
class _Batch:
    """One sink's claimed batch: what is still ours to finish, and whether the sink went down.

    Deliveries that succeeded are written back in groups (`settled`, `attempts`): one short
    transaction per group instead of two per event. Until written they stay `unfinished`, so
    their leases are still renewed; a node dying before writing them redelivers them (same
    ids), as for any claim it held.
    """

    sink: Sink
    unfinished: set[EventId]
    down: bool = False
    finished: int = 0
    settled: list[EventId] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)


class Relay:
    """Drives the sinks from the outbox (see the module docstring); one per node.

    Each sink drains in a task of its own, so a slow webhook retrying with backoff never holds
    up the brokers or the other webhooks. `wake()` is for the registry's commit hook: a fresh
    event then waits for one step, not for the idle poll. `sequenced` is notified whenever
    events got their sequence, for this node's live streams.
    """

    def __init__(
        self,
        outbox: Outbox,
        sinks: SinkSource,
        *,
        node: str,
        options: RelayOptions | None = None,
        sequenced: Signal | None = None,
    ) -> None:
        self._outbox = outbox
        self._sinks = sinks
        self._node = node
        self._options = options or RelayOptions()
        self._wake = Signal()
        self.sequenced = sequenced or Signal()
        self._draining: dict[SinkKey, asyncio.Task[int]] = {}
        self._generation = 0  # counts sequencing steps that found events

    def wake(self) -> None:
        self._wake.notify()

    async def run(self) -> None:
        """Step until cancelled; storage errors are logged and the loop goes on."""
        housekeeping_due = 0.0
        loop = asyncio.get_running_loop()
        options = self._options
        last_step, spacing = -options.min_step_seconds, options.min_step_seconds
        try:
            while True:
                pause = last_step + spacing - loop.time()
                if pause > 0:
                    await asyncio.sleep(pause)
                last_step = loop.time()
                ticket = self._wake.ticket()
                try:
                    found = await self.step()
                    busy = found > 0
                    spacing = (
                        options.busy_step_seconds
                        if found >= options.busy_events
                        else options.min_step_seconds
                    )
                    if loop.time() >= housekeeping_due:
                        await self.housekeeping()
                        housekeeping_due = loop.time() + options.housekeeping_seconds
                except Exception:
                    log.exception("event relay step failed; retrying")
                    busy = False
                if not busy:
                    await wait(ticket, options.idle_seconds)
        finally:
            await self.aclose()

    async def step(self) -> int:
        """Sequence what committed, then start a drain for every sink not draining already.
        Returns how many events were sequenced (when any, more may be waiting)."""
        sinks = list(await self._sinks())
        fresh = await self.sequence_once(sinks)
        for sink in sinks:
            if sink.key not in self._draining:
                self._start_drain(sink)
        return len(fresh)

    async def sequence_once(self, sinks: Sequence[Sink]) -> list[Event]:
        """Number committed events and fan each out to the sinks that accept it."""
        fresh = await self._outbox.sequence(
            lambda event: [sink.key for sink in sinks if sink.accepts(event)],
            limit=self._options.batch,
        )
        if fresh:
            self._generation += 1
            metrics.count_committed(fresh)
            self.sequenced.notify()
        return fresh

    async def housekeeping(self) -> None:
        """Refresh the lag and dead-letter gauges; purge delivered events past retention."""
        metrics.set_lag(await self._outbox.oldest_undelivered(), utc_now())
        metrics.set_dead_letters(await self._outbox.dead_letter_counts())
        purged = await self._outbox.purge(older_than=self._options.retention)
        if purged:
            log.info("purged %d delivered events", purged)

    async def aclose(self) -> None:
        """Stop the drains in progress; their unfinished claims are given back."""
        tasks = list(self._draining.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _start_drain(self, sink: Sink) -> None:
        generation = self._generation
        task = asyncio.create_task(self.drain(sink), name=f"events-drain-{sink.key}")
        self._draining[sink.key] = task

        def finished(done: asyncio.Task[int]) -> None:
            self._draining.pop(sink.key, None)
            if done.cancelled():
                return
            if (failure := done.exception()) is not None:
                log.error("draining %s failed", sink.key, exc_info=failure)
            elif done.result() or generation != self._generation:
                self.wake()  # it did work, or events came while it ran: look again now

        task.add_done_callback(finished)

    async def drain(self, sink: Sink) -> int:
        """Claim one batch for `sink`, deliver it, record the outcomes; returns how many
        deliveries finished (delivered or dead-lettered)."""
        options = self._options
        claims = await self._outbox.claim(
            sink.key, owner=self._node, limit=options.batch, lease=options.lease
        )
        if not claims:
            return 0
        batch = _Batch(sink, {claim.event.id for claim in claims})
        keeper = asyncio.create_task(self._keep_leases(batch))
        try:
            gate = asyncio.Semaphore(options.concurrency)
            outcomes = await asyncio.gather(
                *(self._deliver(batch, group, gate) for group in by_subject(claims)),
                return_exceptions=True,
            )
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):  # best effort: else redelivered, same ids
                await self._write_settled(batch)
            await self._hand_back(batch)
            raise
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
        for outcome in outcomes:
            if isinstance(outcome, Exception):  # storage trouble: those leases will expire
                log.error("delivering to %s failed", sink.key, exc_info=outcome)
        await self._write_settled(batch)
        return batch.finished

    async def _deliver(self, batch: _Batch, group: list[Claim], gate: asyncio.Semaphore) -> None:
        async with gate:
            for index, claim in enumerate(group):
                if batch.down:
                    await self._give_back(batch, group[index:], claim.attempts)
                    return
                try:
                    delivery = await batch.sink.deliver(claim.event)
                except SinkUnavailableError as exc:
                    batch.down = True
                    attempt = Attempt(claim.event.id, claim.attempts + 1, utc_now(), error=str(exc))
                    await self._outbox.record_attempts(batch.sink.key, [attempt])
                    await self._give_back(batch, group[index:], claim.attempts + 1)
                    return
                except Exception as exc:  # a bug, or an event no retry can send: no loop on it
                    log.exception("sink %s failed on event %s", batch.sink.key, claim.event.id)
                    error = f"internal: {describe(exc)}"
                    delivery = Delivery(
                        False, (Attempt(claim.event.id, 1, utc_now(), error=error),)
                    )
                await self._settle(batch, claim, delivery)

    async def _settle(self, batch: _Batch, claim: Claim, delivery: Delivery) -> None:
        sink, event_id = batch.sink, claim.event.id
        attempts = [replace(a, number=claim.attempts + a.number) for a in delivery.attempts]
        metrics.count_delivery(sink.kind, Outcome.RETRIED, max(0, len(attempts) - 1))
        batch.finished += 1
        if delivery.delivered:  # counted once written back (`_write_settled`)
            batch.settled.append(event_id)
            batch.attempts += attempts
            if len(batch.settled) >= SETTLE_EVERY:
                await self._write_settled(batch)
            return
        await self._outbox.record_attempts(sink.key, attempts)
        await self._outbox.dead_letter(sink.key, event_id, error=delivery.error or "gave up")
        metrics.count_delivery(sink.kind, Outcome.DEAD_LETTER)
        log.warning("event %s dead-lettered at %s: %s", event_id, sink.key, delivery.error)
        batch.unfinished.discard(event_id)

    async def _write_settled(self, batch: _Batch) -> None:
        """Record the delivered events of `batch` not yet written (see `_Batch`)."""
        settled, attempts = batch.settled, batch.attempts
        if not settled:
            return
        batch.settled, batch.attempts = [], []
        await self._outbox.delivered(batch.sink.key, settled, attempts=attempts)
        batch.unfinished.difference_update(settled)
        metrics.count_delivery(batch.sink.kind, Outcome.DELIVERED, len(settled))

    async def _hand_back(self, batch: _Batch) -> None:
        """Shutting down: other nodes may take our unfinished claims now, not at lease expiry."""
        if batch.unfinished:
            with contextlib.suppress(Exception):  # best effort: the leases expire anyway
                await self._outbox.release(
                    batch.sink.key,
                    list(batch.unfinished),
                    owner=self._node,
                    retry_after=timedelta(0),
                )

    async def _give_back(self, batch: _Batch, rest: list[Claim], attempts: int) -> None:
        """The sink is down: return the rest of a subject's claims, order kept, for later."""
        ids = [claim.event.id for claim in rest]
        await self._outbox.release(
            batch.sink.key,
            ids,
            owner=self._node,
            retry_after=self._options.retry_after(attempts),
        )
        batch.unfinished.difference_update(ids)
        metrics.count_delivery(batch.sink.kind, Outcome.DEFERRED, len(ids))

    async def _keep_leases(self, batch: _Batch) -> None:
        period = self._options.lease.total_seconds() / 3
        while True:
            await asyncio.sleep(period)
            if not batch.unfinished:
                continue
            try:
                await self._outbox.extend(
                    batch.sink.key,
                    list(batch.unfinished),
                    owner=self._node,
                    lease=self._options.lease,
                )
            except Exception:  # storage hiccup: the next renewal may still beat the lease
                log.warning("renewing leases at %s failed", batch.sink.key, exc_info=True)
