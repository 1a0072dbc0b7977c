"""Background task archiving DEPRECATED versions whose sunset date has passed.

Reads already treat such versions as ARCHIVED the moment the date passes; the sweep writes it
down (with a history entry) so the state stored and the overview agree.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from llm_schema_registry.governance.service import GovernanceService

log = logging.getLogger(__name__)
SWEEP_SECONDS = 60.0


class SunsetSweeper:
    def __init__(self, governance: GovernanceService, interval: float = SWEEP_SECONDS) -> None:
        self._governance = governance
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="sunset-sweeper")

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                await self._governance.archive_expired()
            except Exception:  # storage down or read-only: the next sweep tries again
                log.warning("sunset sweep failed", exc_info=True)
