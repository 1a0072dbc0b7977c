"""A broadcast wake-up: many waiters, no lost notifications between a check and a wait."""

from __future__ import annotations

import asyncio
import contextlib


class Signal:
    """`notify` wakes everyone waiting on a ticket taken before it.

    Take the ticket *before* looking for work, then wait on it: a notification that lands in
    between is not missed (the ticket is already set), unlike a bare `asyncio.Event` cleared
    after each wake-up.
    """

    def __init__(self) -> None:
        self._next = asyncio.Event()

    def ticket(self) -> asyncio.Event:
        return self._next

    def notify(self) -> None:
        current, self._next = self._next, asyncio.Event()
        current.set()


async def wait(ticket: asyncio.Event, timeout: float) -> bool:
    """True when notified, False after `timeout` seconds.

    `asyncio.timeout` rather than `wait_for`: no inner task, so a cancellation (the relay
    stopping at shutdown) ends the wait at once — with `wait_for` on Python 3.11 the relay was
    seen to stay "cancelling" until the timeout ran out, holding the app's shutdown 5 s."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(timeout):
            await ticket.wait()
        return True
    return False
