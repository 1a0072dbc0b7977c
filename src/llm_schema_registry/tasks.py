"""Background tasks' ends, shared by every long-lived loop a node runs (flushes, warm-up,
sweeps, the event relay)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def stop(task: asyncio.Task[Any] | None) -> None:
    """Cancel `task` (if any) and wait until it has finished its clean-up, so what it was
    writing is settled before the caller closes the storage it used."""
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
