"""Shared by the registry and governance unit tests: a movable clock and small builders."""

from __future__ import annotations

import datetime as dt
import json

from llm_schema_registry.registry.model import RegisterRequest
from llm_schema_registry.registry.versions import State
from llm_schema_registry.storage.sql import SqlStore


class MovableClock:
    """The registry's clock: real time until a test moves it."""

    def __init__(self) -> None:
        self.at = dt.datetime.now(dt.UTC)

    def now(self) -> dt.datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += dt.timedelta(**delta)

    def date_in(self, days: int) -> str:
        """An ISO date `days` from now, as a sunset date."""
        return (self.at + dt.timedelta(days=days)).date().isoformat()


def record(*fields: str, required: str = "") -> RegisterRequest:
    """An Avro record with an `id`; `fields` have defaults (compatible), `required` none."""
    listed: list[dict[str, object]] = [{"name": "id", "type": "string"}]
    listed += [{"name": f, "type": "int", "default": 0} for f in fields]
    if required:
        listed.append({"name": required, "type": "int"})
    text = json.dumps({"type": "record", "name": "Event", "fields": listed})
    return RegisterRequest(schema=text)


async def set_state(
    store: SqlStore, subject: str, version: int, state: State, sunset: str | None = None
) -> None:
    """Write a lifecycle state straight into the store (as governance would)."""
    async with store.write(lock=subject) as tx:
        await tx.set_lifecycle(subject, version, state, sunset, "test")
