"""Version lifecycle states, the transitions between them, and which version is `latest`.

DRAFT (never served as latest) -> ACTIVE -> DEPRECATED (with a sunset date) -> ARCHIVED
(hidden from listings, kept forever). `latest` is the highest ACTIVE version, else the highest
DEPRECATED one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from llm_schema_registry.registry.errors import (
    InvalidLifecycleRequestError,
    InvalidTransitionError,
)
from llm_schema_registry.registry.model import SubjectVersion


class State(StrEnum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    DEPRECATED = "DEPRECATED"
    ARCHIVED = "ARCHIVED"


ALLOWED: dict[State, tuple[State, ...]] = {
    State.DRAFT: (State.ACTIVE, State.ARCHIVED),
    State.ACTIVE: (State.DEPRECATED,),
    State.DEPRECATED: (State.ACTIVE, State.ARCHIVED),
    State.ARCHIVED: (),
}

# States whose versions a serializer may pick as `latest`, best first.
SERVABLE = (State.ACTIVE, State.DEPRECATED)


class Clock(Protocol):
    """Where "now" comes from; tests substitute a fixed or movable clock."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class Transition:
    state: State
    sunset_date: str | None = None
    reason: str | None = None


def parse_state(value: object) -> State:
    if isinstance(value, str) and value.upper() in State.__members__:
        return State(value.upper())
    raise InvalidLifecycleRequestError(f"Invalid state {value!r}: use one of {', '.join(State)}")


def parse_sunset(value: str) -> dt.datetime:
    """An ISO 8601 date (end of that day, UTC) or an RFC 3339 date-time, as an aware time."""
    try:
        if len(value) == 10:
            day = dt.date.fromisoformat(value)
            return dt.datetime.combine(day, dt.time.max, dt.UTC)
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidLifecycleRequestError(
            f"sunset_date {value!r} is neither an ISO 8601 date nor an RFC 3339 date-time"
        ) from None
    if moment.tzinfo is None:
        raise InvalidLifecycleRequestError(f"sunset_date {value!r} needs a time zone offset")
    return moment


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


def latest(versions: Sequence[SubjectVersion]) -> SubjectVersion | None:
    """The highest ACTIVE version, else the highest DEPRECATED one (oldest-first input)."""
    for wanted in SERVABLE:
        for version in reversed(versions):
            if version.state == wanted:
                return version
    return None


def sunset_passed(version: SubjectVersion, now: dt.datetime) -> bool:
    return (
        version.state == State.DEPRECATED
        and version.sunset_date is not None
        and parse_sunset(version.sunset_date) < now
    )
