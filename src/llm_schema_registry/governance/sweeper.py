"""Background task archiving DEPRECATED versions whose sunset date has passed, and sending
the sunset reminders that are due (`governance.reminders`).

Reads already treat such versions as ARCHIVED the moment the date passes; the sweep writes it
down (with a history entry) so the state stored and the overview agree.
"""

from __future__ import annotations

import asyncio
import logging

from llm_schema_registry import tasks
from llm_schema_registry.governance.reminders import SunsetReminders
from llm_schema_registry.governance.service import GovernanceService

log = logging.getLogger(__name__)
SWEEP_SECONDS = 60.0


class SunsetSweeper:
    def __init__(
        self,
        governance: GovernanceService,
        interval: float = SWEEP_SECONDS,
        reminders: SunsetReminders | None = None,
    ) -> None:
        self._governance = governance
        self._reminders = reminders
        self._interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="sunset-sweeper")

    async def close(self) -> None:
        task, self._task = self._task, None
        await tasks.stop(task)

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            await self.sweep()

    async def sweep(self) -> None:
        """Remind first (a version about to pass its sunset still gets its last reminder),
        then archive what has passed."""
        try:
            if self._reminders is not None:
                await self._reminders.remind()
            await self._governance.archive_expired()
        except Exception:  # storage down or read-only: the next sweep tries again
            log.warning("sunset sweep failed", exc_info=True)
