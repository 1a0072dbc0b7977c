"""Lifecycle transitions: which moves between states are allowed, and what each needs.

DRAFT -> ACTIVE | ARCHIVED; ACTIVE -> DEPRECATED (with a sunset date and a reason);
DEPRECATED -> ACTIVE | ARCHIVED; ARCHIVED is final. The states themselves, the sunset rule and
what `latest` means are the registry's (`registry.versions`): governance moves versions
between states, the registry decides what each state shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from llm_schema_registry.registry.errors import (
    InvalidLifecycleRequestError,
    InvalidTransitionError,
)
from llm_schema_registry.registry.model import SubjectVersion
from llm_schema_registry.registry.versions import State, parse_sunset

ALLOWED: dict[State, tuple[State, ...]] = {
    State.DRAFT: (State.ACTIVE, State.ARCHIVED),
    State.ACTIVE: (State.DEPRECATED,),
    State.DEPRECATED: (State.ACTIVE, State.ARCHIVED),
    State.ARCHIVED: (),
}


@dataclass(frozen=True)
class Transition:
    state: State
    sunset_date: str | None = None
    reason: str | None = None


def parse_state(value: object) -> State:
    if isinstance(value, str) and value.upper() in State.__members__:
        return State(value.upper())
    raise InvalidLifecycleRequestError(f"Invalid state {value!r}: use one of {', '.join(State)}")


def checked_transition(
    current: State, wanted: Transition, now: dt.datetime, subject: str, version: int
) -> Transition:
    """`wanted` if it is allowed from `current`, else a 409 (order) or 422 (request) error."""
    if wanted.state not in ALLOWED[current]:
        allowed = ", ".join(f"{a}->{b}" for a, targets in ALLOWED.items() for b in targets)
        raise InvalidTransitionError(
            f"Version {version} of subject '{subject}' cannot go from {current} to "
            f"{wanted.state}; allowed transitions: {allowed}"
        )
    if wanted.state is not State.DEPRECATED:
        return Transition(wanted.state, None, wanted.reason)
    if not wanted.sunset_date or not wanted.reason:
        raise InvalidLifecycleRequestError("Deprecating a version needs a sunset_date and a reason")
    if parse_sunset(wanted.sunset_date) < now:
        raise InvalidLifecycleRequestError(f"sunset_date {wanted.sunset_date} is in the past")
    return wanted


def state_of(version: SubjectVersion) -> State:
    return State(version.state)
