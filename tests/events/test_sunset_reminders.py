"""`version.sunset_approaching`: once per version at each lead time, with two nodes sweeping
at the same moment, driven by an injected clock."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flowsupport import registry_app, schema, state_of

from llm_schema_registry.events.filters import EventFilter
from llm_schema_registry.events.model import Event, EventType
from llm_schema_registry.governance.reminders import SunsetReminders, due_lead, parse_lead_days
from support import fresh_pg_database

sys.path.insert(0, str(Path(__file__).parents[1] / "api"))
from governance_support import MovableClock


@pytest.fixture
def pg_database_url() -> Iterator[str]:
    with fresh_pg_database() as url:
        yield url


REMINDERS = EventFilter(types=frozenset({EventType.VERSION_SUNSET_APPROACHING}))


def test_lead_times_parse_and_the_tightest_window_applies() -> None:
    assert parse_lead_days("30,7") == (30, 7)
    assert parse_lead_days(" 7, 30 ,30") == (30, 7)
    now = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)
    leads = (30, 7)
    assert due_lead(now + dt.timedelta(days=40), now, leads) is None
    assert due_lead(now + dt.timedelta(days=20), now, leads) == 30
    assert due_lead(now + dt.timedelta(days=5), now, leads) == 7
    assert due_lead(now - dt.timedelta(days=1), now, leads) is None


async def reminders_in_log(app: Any) -> list[Event]:
    return await state_of(app).events.store.events_after(0, limit=100, only=REMINDERS)


async def test_two_nodes_remind_once_per_lead_time(pg_database_url: str) -> None:
    clock = MovableClock()
    async with (
        registry_app(pg_database_url, clock=clock) as (a, app_a),
        registry_app(pg_database_url, clock=clock) as (b, app_b),
    ):
        await a.post("/subjects/pay/versions", json={"schema": schema("Pay")})
        await a.post("/subjects/pay/consumers", json={"consumer_id": "ledger", "version": 1})
        sunset = (clock.now() + dt.timedelta(days=20)).isoformat()
        deprecate = {"state": "DEPRECATED", "sunset_date": sunset, "reason": "v2"}
        assert (await b.put("/subjects/pay/versions/1", json=deprecate)).status_code == 200
        nodes = [state_of(app_a).reminders, state_of(app_b).reminders]

        async def sweep_everywhere() -> list[Any]:
            # Both nodes at once, and a node that has forgotten what it sent (a restart).
            fresh = SunsetReminders(state_of(app_a).store, clock, (30, 7))
            sent = await asyncio.gather(*(n.remind() for n in [*nodes, fresh]))
            return sorted(reminder for node in sent for reminder in node)

        assert await sweep_everywhere() == [("pay", 1, 30)]
        assert await sweep_everywhere() == []
        clock.advance(days=13, hours=1)  # 6 days 23 hours left: inside the 7-day window
        assert await sweep_everywhere() == [("pay", 1, 7)]
        assert await sweep_everywhere() == []

        events: list[Event] = []
        for _ in range(300):  # the relays number the events they find
            if len(events := await reminders_in_log(app_a)) >= 2:
                break
            await asyncio.sleep(0.05)
    assert [e.data["lead_days"] for e in events] == [30, 7]
    assert events[0].data == {
        "subject": "pay",
        "version": 1,
        "sunset_date": sunset,
        "lead_days": 30,
        "days_left": 20,
        "consumers": ["ledger"],
    }
    assert events[1].data["days_left"] == 7
