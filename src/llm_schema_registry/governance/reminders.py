"""Sunset reminders: `version.sunset_approaching`, once per version at each lead time.

A DEPRECATED version is reminded of when its sunset date comes within a lead time
(`REGISTRY_SUNSET_REMINDER_DAYS`, default 30 and 7 days): the sweep after it enters the
window emits one event for the tightest lead time it is inside (a version deprecated 20 days
ahead gets the 30-day reminder at once, the 7-day one when 7 days remain; one deprecated 5
days ahead gets only the 7-day one). Each reminder carries an idempotency key (subject,
version, sunset date, lead time) that the outbox writes at most once, so sweeps on several
nodes, or repeated sweeps, never emit one twice; a new sunset date reminds anew.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from llm_schema_registry.registry.model import JsonObject, SubjectVersion
from llm_schema_registry.registry.outbox import ChangeKind
from llm_schema_registry.registry.store import Store
from llm_schema_registry.registry.versions import Clock, State, Versions, parse_sunset

DEFAULT_LEAD_DAYS = (30, 7)


def parse_lead_days(text: str) -> tuple[int, ...]:
    """ "30,7" → (30, 7); raises ValueError on anything but positive whole days."""
    days = tuple(int(part) for part in text.split(",") if part.strip())
    if any(day <= 0 for day in days):
        raise ValueError("Sunset reminder lead times are positive numbers of days.")
    return tuple(sorted(set(days), reverse=True))


def due_lead(sunset: dt.datetime, now: dt.datetime, leads: Sequence[int]) -> int | None:
    """The tightest lead time (days) whose window `now` is inside, None when none is."""
    left = sunset - now
    if left <= dt.timedelta(0):
        return None  # passed: the version reads as ARCHIVED, the archive sweep takes over
    inside = [days for days in leads if left <= dt.timedelta(days=days)]
    return min(inside) if inside else None


def reminded(version: SubjectVersion, lead: int) -> str:
    return f"sunset:{version.subject}:{version.version}:{version.sunset_date}:{lead}"


class SunsetReminders:
    """Emits the reminders that are due (see the module docstring); `remind` is one sweep."""

    def __init__(self, store: Store, clock: Clock, leads: Sequence[int] = DEFAULT_LEAD_DAYS):
        self._store = store
        self._clock = clock
        self._leads = tuple(leads)
        self._done: set[str] = set()  # keys this process emitted or found emitted

    async def remind(self) -> list[tuple[str, int, int]]:
        """Emit what is due; returns (subject, version, lead days) of the reminders written."""
        if not self._leads:
            return []
        now = self._clock.now()
        async with self._store.read() as tx:
            candidates = [
                v
                for v in await tx.deprecated_with_sunset()
                if v.state == State.DEPRECATED and v.sunset_date and not v.deleted
            ]
        sent: list[tuple[str, int, int]] = []
        for version in candidates:
            lead = due_lead(parse_sunset(str(version.sunset_date)), now, self._leads)
            if lead is None or reminded(version, lead) in self._done:
                continue
            if await self._emit(version, lead, now):
                sent.append((version.subject, version.version, lead))
            self._done.add(reminded(version, lead))
        return sent

    async def _emit(self, version: SubjectVersion, lead: int, now: dt.datetime) -> bool:
        async with self._store.write(lock=version.subject) as tx:
            # Reactivated or re-dated since the read: that version's state decides.
            stored = Versions.stored(version.subject, await tx.versions(version.subject))
            again = stored.numbered(version.version)
            if (
                again is None
                or again.state != version.state
                or again.sunset_date != (version.sunset_date)
            ):
                return False
            sunset = parse_sunset(str(version.sunset_date))
            consumers = [
                c for c, at, _ in await tx.consumers(version.subject) if at == version.version
            ]
            data: JsonObject = {
                "subject": version.subject,
                "version": version.version,
                "sunset_date": version.sunset_date,
                "lead_days": lead,
                "days_left": math.ceil((sunset - now).total_seconds() / 86400),
                "consumers": consumers,
            }
            return await tx.emit(
                ChangeKind.VERSION_SUNSET_APPROACHING,
                version.subject,
                data,
                once=reminded(version, lead),
            )
