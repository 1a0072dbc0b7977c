"""Which versions of a subject a reader sees: the one place that decides it.

A version is soft-deleted or not, and in one lifecycle state: DRAFT (never served as latest)
-> ACTIVE -> DEPRECATED (until its sunset date) -> ARCHIVED (hidden from listings, kept
forever). A DEPRECATED version reads as ARCHIVED the moment its sunset date passes, before
governance's sweeper writes that down, so every reader judges by the same clock.

`Versions` answers, for one subject: live (not soft-deleted), visible (what a listing shows,
soft-deleted and archived versions on request), `latest` (the highest ACTIVE version, else
the highest DEPRECATED one) and checked (what compatibility is checked against and what a
serializer may be handed: ACTIVE and DEPRECATED, not soft-deleted).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from llm_schema_registry.registry.errors import (
    InvalidLifecycleRequestError,
    InvalidVersionError,
    SubjectNotFoundError,
    VersionNotFoundError,
)
from llm_schema_registry.registry.model import MAX_VERSION, SubjectVersion


class State(StrEnum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    DEPRECATED = "DEPRECATED"
    ARCHIVED = "ARCHIVED"


# What a serializer may be handed (as `latest`, by lookup) and what compatibility is checked
# against, best first. A DRAFT is checked when registered, so activating it later is safe;
# ARCHIVED versions are retired.
SERVABLE = (State.ACTIVE, State.DEPRECATED)


class Clock(Protocol):
    """Where "now" comes from, for sunset dates and timestamps; tests substitute a movable
    clock. The registry holds the one clock; governance reads it from there."""

    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


def epoch_ms(moment: dt.datetime) -> int:
    """`moment` in milliseconds since the epoch, as versions and lifecycle events are stamped."""
    return int(moment.timestamp() * 1000)


# Java's String.trim(), as Confluent's VersionId applies it: every char up to U+0020 (not
# Python's Unicode whitespace).
_JAVA_TRIMMED = "".join(chr(code) for code in range(0x21))


def parse_version(spec: str | int) -> int | None:
    """A path version: 1..2^31-1, or `latest`/-1 (→ None). Anything else is invalid.

    As Confluent's `VersionId`, but ASCII digits only: `isdigit()` would take "²" (which
    `int()` then refuses) and "٣", so the digits are checked as ASCII, and the length before
    `int()` (which refuses over 4,300 digits)."""
    text = str(spec).strip(_JAVA_TRIMMED)
    if text.lower() == "latest" or text == "-1":
        return None
    digits = text.lstrip("0")
    if not (text.isascii() and text.isdigit()) or len(digits) > 10:
        raise InvalidVersionError(str(spec))
    number = int(text)
    if not 1 <= number <= MAX_VERSION:
        raise InvalidVersionError(str(spec))
    return number


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


def sunset_passed(version: SubjectVersion, now: dt.datetime) -> bool:
    """A DEPRECATED version whose sunset date is behind `now` (it reads as ARCHIVED)."""
    return (
        version.state == State.DEPRECATED
        and version.sunset_date is not None
        and parse_sunset(version.sunset_date) < now
    )


def holders(
    rows: Iterable[tuple[str, int, bool]], *, deleted: bool = False
) -> list[tuple[str, int]]:
    """The (subject, version)s holding a schema, from `Tx.versions_of_schema` rows;
    soft-deleted ones only if `deleted`."""
    return [(subject, version) for subject, version, gone in rows if deleted or not gone]


@dataclass(frozen=True)
class Versions:
    """Every stored version of one subject, oldest first. Built with `as_of`, states are as of
    that moment (the sunset rule applied); built with `stored`, as the store holds them, which
    is enough for questions that ignore the lifecycle (`live`, `numbered`)."""

    subject: str
    every: tuple[SubjectVersion, ...]

    @classmethod
    def stored(cls, subject: str, rows: Iterable[SubjectVersion]) -> Versions:
        """States as stored (for questions that ignore the lifecycle)."""
        return cls(subject, tuple(rows))

    @classmethod
    def as_of(cls, subject: str, rows: Iterable[SubjectVersion], now: dt.datetime) -> Versions:
        """States as of `now`: a DEPRECATED version past its sunset date reads as ARCHIVED."""
        seen = (
            dataclasses.replace(v, state=State.ARCHIVED) if sunset_passed(v, now) else v
            for v in rows
        )
        return cls(subject, tuple(seen))

    @classmethod
    def by_subject(cls, rows: Iterable[SubjectVersion], now: dt.datetime) -> list[Versions]:
        """One value per subject, in the order of `rows` (as `Tx.all_versions` lists them)."""
        grouped: dict[str, list[SubjectVersion]] = {}
        for row in rows:
            grouped.setdefault(row.subject, []).append(row)
        return [cls.as_of(subject, group, now) for subject, group in grouped.items()]

    # ---- which versions ----------------------------------------------------------------

    def visible(self, *, deleted: bool = False, archived: bool = False) -> list[SubjectVersion]:
        """What a listing shows: soft-deleted versions only if `deleted`, ARCHIVED ones only
        if `archived`."""
        return [
            v
            for v in self.every
            if (deleted or not v.deleted) and (archived or v.state != State.ARCHIVED)
        ]

    @property
    def live(self) -> list[SubjectVersion]:
        """Not soft-deleted, in any lifecycle state."""
        return self.visible(archived=True)

    def servable(self, *, deleted: bool = False) -> list[SubjectVersion]:
        """ACTIVE and DEPRECATED versions (soft-deleted ones too if `deleted`): never hand a
        serializer a DRAFT or an ARCHIVED version."""
        return [v for v in self.visible(deleted=deleted) if v.state in SERVABLE]

    @property
    def checked(self) -> list[SubjectVersion]:
        """What compatibility is checked against and a registration may match: ACTIVE and
        DEPRECATED versions that are not soft-deleted."""
        return self.servable()

    def latest(self, *, deleted: bool = False) -> SubjectVersion | None:
        """The highest ACTIVE version, else the highest DEPRECATED one; never a DRAFT or an
        ARCHIVED one (soft-deleted ones count only if `deleted`)."""
        candidates = self.servable(deleted=deleted)
        for wanted in SERVABLE:
            for version in reversed(candidates):
                if version.state == wanted:
                    return version
        return None

    # ---- naming one ----------------------------------------------------------------------

    def exists(self, *, deleted: bool = False) -> bool:
        """Whether a reader sees the subject: it has a live version (any version if
        `deleted`)."""
        return any(deleted or not v.deleted for v in self.every)

    def require(self, *, deleted: bool = False) -> Versions:
        """These versions, or `SubjectNotFoundError` if the subject does not exist for the
        reader (see `exists`)."""
        if not self.exists(deleted=deleted):
            raise SubjectNotFoundError(self.subject)
        return self

    def pick(
        self, spec: str | int, *, deleted: bool = False, archived: bool = False
    ) -> SubjectVersion:
        """The version a path names: a number, or `latest`/-1. Only among `visible(deleted,
        archived)`; `VersionNotFoundError` if none."""
        number = parse_version(spec)
        if number is None:
            found = self.latest(deleted=deleted)
        else:
            shown = self.visible(deleted=deleted, archived=archived)
            found = next((v for v in shown if v.version == number), None)
        if found is None:
            raise VersionNotFoundError(self.subject, "latest" if number is None else number)
        return found

    def numbered(self, number: int) -> SubjectVersion | None:
        """Version `number` whatever its state (soft-deleted and archived included)."""
        return next((v for v in self.every if v.version == number), None)

    @property
    def next_number(self) -> int:
        """The number a new version gets: one above every stored one (deleted ones too)."""
        return max((v.version for v in self.every), default=0) + 1

    @property
    def next_sunset(self) -> dt.datetime | None:
        """The earliest sunset date among live DEPRECATED versions: until then, what a value
        built `as_of` a moment answers stays true (passed sunsets already read as ARCHIVED)."""
        dates = [v.sunset_date for v in self.live if v.state == State.DEPRECATED and v.sunset_date]
        return min((parse_sunset(date) for date in dates), default=None)
