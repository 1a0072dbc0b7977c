"""Lifecycle transitions: the state machine as a table, and the service moving real versions."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from registry_support import MovableClock, record

from llm_schema_registry.governance.lifecycle import Transition, checked_transition, parse_state
from llm_schema_registry.governance.service import GovernanceService
from llm_schema_registry.registry.errors import (
    InactiveVersionConsumerError,
    InvalidLifecycleRequestError,
    InvalidTransitionError,
    OperationNotPermittedError,
    VersionNotFoundError,
)
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.versions import State

NOW = dt.datetime(2030, 6, 15, tzinfo=dt.UTC)
MOVES = {
    (State.DRAFT, State.ACTIVE),
    (State.DRAFT, State.ARCHIVED),
    (State.ACTIVE, State.DEPRECATED),
    (State.DEPRECATED, State.ACTIVE),
    (State.DEPRECATED, State.ARCHIVED),
}


@pytest.mark.parametrize(("current", "wanted"), list(itertools.product(State, State)))
def test_only_the_listed_moves_are_allowed(current: State, wanted: State) -> None:
    transition = Transition(wanted, "2030-07-01", "because")
    if (current, wanted) in MOVES:
        assert checked_transition(current, transition, NOW, "s", 1).state == wanted
    else:
        with pytest.raises(InvalidTransitionError, match=f"from {current} to {wanted}"):
            checked_transition(current, transition, NOW, "s", 1)


@pytest.mark.parametrize(
    ("sunset", "reason", "message"),
    [
        (None, "why", "needs a sunset_date and a reason"),
        ("2030-07-01", None, "needs a sunset_date and a reason"),
        ("2030-06-14", "why", "is in the past"),
        ("soon", "why", "neither an ISO 8601 date"),
    ],
)
def test_deprecating_needs_a_future_sunset_and_a_reason(
    sunset: str | None, reason: str | None, message: str
) -> None:
    with pytest.raises(InvalidLifecycleRequestError, match=message):
        checked_transition(State.ACTIVE, Transition(State.DEPRECATED, sunset, reason), NOW, "s", 1)


def test_other_moves_drop_any_sunset_date() -> None:
    done = checked_transition(
        State.DEPRECATED, Transition(State.ACTIVE, "2030-07-01", "r"), NOW, "s", 1
    )
    assert done == Transition(State.ACTIVE, None, "r")


@pytest.mark.parametrize(("text", "state"), [("active", State.ACTIVE), ("DRAFT", State.DRAFT)])
def test_states_are_read_in_any_case(text: str, state: State) -> None:
    assert parse_state(text) is state


@pytest.mark.parametrize("value", ["retired", "", 3, None])
def test_unknown_states_are_refused(value: object) -> None:
    with pytest.raises(InvalidLifecycleRequestError):
        parse_state(value)


# ---- the service -------------------------------------------------------------------------


async def test_each_move_is_written_with_its_history(
    registry: RegistryService, governance: GovernanceService, clock: MovableClock
) -> None:
    await registry.register("s", record())
    deprecate = Transition(State.DEPRECATED, clock.date_in(3), "old")
    await governance.update_version("s", 1, deprecate, None)
    await governance.update_version("s", "latest", None, {"properties": {"owner": "a"}})
    version = await registry.version("s", 1)
    assert (version.state, version.sunset_date) == (State.DEPRECATED, clock.date_in(3))
    overview = await governance.overview("s", {})
    assert [(h["kind"], h["from_state"], h["to_state"]) for h in overview["history"]] == [
        ("state", State.ACTIVE, State.DEPRECATED),
        ("metadata", None, None),
    ]
    assert overview["owner"] == "a"


async def test_an_archived_version_is_named_but_cannot_move(
    registry: RegistryService, governance: GovernanceService
) -> None:
    await registry.register("s", record())
    await registry.register("s", record("a"))
    await governance.update_version("s", 1, Transition(State.DEPRECATED, "2999-01-01", "r"), None)
    await governance.update_version("s", 1, Transition(State.ARCHIVED), None)
    with pytest.raises(InvalidTransitionError):
        await governance.update_version("s", 1, Transition(State.ACTIVE), None)
    with pytest.raises(InactiveVersionConsumerError):
        await governance.add_consumer("s", "billing", 1)
    with pytest.raises(VersionNotFoundError):
        await governance.update_version("s", 9, Transition(State.ACTIVE), None)


async def test_rollback_deprecates_newer_active_versions_and_serves_the_target(
    registry: RegistryService, governance: GovernanceService, clock: MovableClock
) -> None:
    for fields in [(), ("a",), ("a", "b")]:
        await registry.register("s", record(*fields))
    assert await governance.rollback("s", 1, None, None) == [2, 3]
    assert (await registry.version("s", "latest")).version == 1
    sunset = (await registry.version("s", 3)).sunset_date or ""
    assert sunset.startswith((clock.now() + dt.timedelta(days=30)).date().isoformat())


async def test_the_sweep_writes_down_what_reads_already_see(
    registry: RegistryService, governance: GovernanceService, clock: MovableClock
) -> None:
    await registry.register("s", record())
    await registry.register("s", record("a"))
    await governance.update_version(
        "s", 1, Transition(State.DEPRECATED, clock.date_in(1), "r"), None
    )
    assert await governance.archive_expired() == []
    clock.advance(days=2)
    assert await registry.versions("s") == [2]  # hidden before the sweep
    assert await governance.archive_expired() == [("s", 1)]
    assert await governance.archive_expired() == []
    history = (await governance.overview("s", {}))["history"]
    assert [(h["to_state"], h["reason"]) for h in history][-1] == (
        State.ARCHIVED,
        "sunset date passed",
    )


async def test_a_read_only_subject_refuses_lifecycle_changes(
    registry: RegistryService, governance: GovernanceService
) -> None:
    await registry.register("s", record())
    await registry.config.set_mode("s", "READONLY")
    with pytest.raises(OperationNotPermittedError):
        await governance.update_version("s", 1, None, {"properties": {}})
