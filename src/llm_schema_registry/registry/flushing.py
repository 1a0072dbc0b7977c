"""Counts and records kept in memory and written in batches, every few seconds and at close.

Per-node buffers (usage counts, sampled records) cost a request nothing: the request adds to
memory, and a background task writes what gathered. What a failed periodic flush held is the
subclass's to keep or drop; a failed final flush is logged, since nothing retries it.
"""

from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod

from llm_schema_registry import tasks

_log = logging.getLogger(__name__)


class PeriodicFlush(ABC):
    """`flush()` every `flush_seconds` once started, and once more at `close()`."""

    _what = "buffer"  # named in the log lines

    def __init__(self, flush_seconds: float) -> None:
        self._flush_seconds = flush_seconds
        self._task: asyncio.Task[None] | None = None

    @abstractmethod
    async def flush(self) -> int:
        """Write what gathered; returns how many items."""

    def _may_start(self) -> bool:
        return True

    def start(self) -> None:
        if self._task is None and self._may_start():
            self._task = asyncio.get_running_loop().create_task(self._flush_forever())

    async def close(self) -> None:
        """Stop the periodic flush and write what is left."""
        task, self._task = self._task, None
        await tasks.stop(task)
        try:
            await self.flush()
        except Exception:
            _log.exception("%s: final flush failed; what it held is lost", self._what)

    async def _flush_forever(self) -> None:
        while True:
            await asyncio.sleep(self._flush_seconds)
            try:
                await self.flush()
            except Exception:
                _log.warning("%s: flush failed", self._what, exc_info=True)
