"""Audit entries written in groups: every entry recorded while a write is in progress goes
into the next one, one transaction for the group.

Each write takes the chain's cross-process lock and reads its head, so writing entries one
at a time capped the whole cluster at a few hundred entries a second; under a load above
that, mutations that had already answered queued their entries without bound. Grouped, the
chain's order is still the order entries were recorded in, and every caller still returns
only once its own entry is stored (or with the error that kept it out).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field

from llm_schema_registry.security.model import AuditEntry
from llm_schema_registry.security.store import EntryBuilder, SecurityStore

_log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Pending:
    """Entries waiting for the next write, on one event loop."""

    loop: asyncio.AbstractEventLoop
    waiting: list[tuple[EntryBuilder, asyncio.Future[AuditEntry]]] = field(default_factory=list)
    writer: asyncio.Task[None] | None = None


class GroupedAppends:
    """`append(build)` for `AuditLog`: groups concurrent appends into `append_many` calls."""

    def __init__(self, store: SecurityStore) -> None:
        self._store = store
        self._pending: _Pending | None = None

    async def append(self, build: EntryBuilder) -> AuditEntry:
        loop = asyncio.get_running_loop()
        if self._pending is None or self._pending.loop is not loop:
            self._pending = _Pending(loop)  # a new loop (a CLI call, a test's app): start over
        pending = self._pending
        future: asyncio.Future[AuditEntry] = loop.create_future()
        pending.waiting.append((build, future))
        if pending.writer is None or pending.writer.done():
            pending.writer = loop.create_task(self._write(pending), name="audit-writer")
        # A caller cancelled meanwhile (a dropped connection) still gets its entry written: the
        # change it records has happened.
        return await future

    async def _write(self, pending: _Pending) -> None:
        while pending.waiting:
            group, pending.waiting = pending.waiting, []
            builds = [build for build, _ in group]
            try:
                entries = await self._store.append_many(builds)
            except Exception as exc:
                if len(group) == 1:
                    _settle(group[0][1], exc)
                    continue
                # One bad entry must not keep the others out: write them one by one.
                _log.warning("audit group write failed (%s); writing one by one", exc)
                for build, future in group:
                    try:
                        _settle(future, await self._store.append(build))
                    except Exception as single:
                        _settle(future, single)
                continue
            for (_, future), entry in zip(group, entries, strict=True):
                _settle(future, entry)


def _settle(future: asyncio.Future[AuditEntry], outcome: AuditEntry | BaseException) -> None:
    if future.done():  # its caller was cancelled
        return
    if isinstance(outcome, BaseException):
        future.set_exception(outcome)
    else:
        future.set_result(outcome)
