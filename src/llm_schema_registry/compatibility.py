"""Compatibility levels as data; checking is a pure function over a format's `can_read`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from llm_schema_registry.formats.base import Incompatibility, SchemaFormat


class CompatibilityLevel(StrEnum):
    NONE = "NONE"
    BACKWARD = "BACKWARD"
    BACKWARD_TRANSITIVE = "BACKWARD_TRANSITIVE"
    FORWARD = "FORWARD"
    FORWARD_TRANSITIVE = "FORWARD_TRANSITIVE"
    FULL = "FULL"
    FULL_TRANSITIVE = "FULL_TRANSITIVE"

    @property
    def transitive(self) -> bool:
        return self.endswith("_TRANSITIVE")

    @property
    def new_reads_old(self) -> bool:
        return self.startswith(("BACKWARD", "FULL"))

    @property
    def old_reads_new(self) -> bool:
        return self.startswith(("FORWARD", "FULL"))


S = TypeVar("S")


@dataclass(frozen=True, slots=True)
class Finding:
    """An incompatibility found against one earlier version (`against`, oldest = index 0)."""

    against: int
    direction: str  # "new reads old" | "old reads new"
    incompatibility: Incompatibility


def check(
    fmt: SchemaFormat[S],
    level: CompatibilityLevel,
    new: S,
    live: Sequence[S],
    can_read: Callable[[S, S], Sequence[Incompatibility]] | None = None,
) -> list[Finding]:
    """Why `new` may not follow `live` (undeleted versions, oldest first) at `level`.

    Non-transitive levels compare with the latest version only; transitive ones with all.
    `can_read(reader, writer)`: `fmt.can_read`, or one answering from remembered results.
    """
    if level is CompatibilityLevel.NONE or not live:
        return []
    if can_read is None:
        can_read = fmt.can_read
    indexed = list(enumerate(live))
    found: list[Finding] = []
    for index, old in indexed if level.transitive else indexed[-1:]:
        if level.new_reads_old:
            found += [Finding(index, "new reads old", i) for i in can_read(new, old)]
        if level.old_reads_new:
            found += [Finding(index, "old reads new", i) for i in can_read(old, new)]
    return found
