"""Two one-way comparisons made into `Change`s judged both ways.

JSON Schema and Protobuf compare as Confluent's `SchemaDiff` does: from an original to an
update, each difference flagged compatible when a reader using the update still reads the
original's data. Run old -> new that answers `backward`; the differences of new -> old that
break at the same path answer `forward`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from llm_schema_registry.formats.base import Change


class OneWay(Protocol):
    """A difference found comparing an original schema with an update."""

    @property
    def kind(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def compatible(self) -> bool: ...


# (kind, path) -> (name, description): how a format names what a difference concerns.
Describe = Callable[[str, str], tuple[str, str]]


def both_ways(
    ahead: Sequence[OneWay], behind: Sequence[OneWay], describe: Describe
) -> list[Change]:
    """`ahead` (old -> new) as changes; `forward` from the breaking paths of `behind`."""
    breaking_behind = {difference.path for difference in behind if not difference.compatible}
    changes = []
    for difference in ahead:
        name, description = describe(difference.kind, difference.path)
        changes.append(
            Change(
                difference.path,
                difference.kind,
                backward=not difference.compatible,
                forward=difference.path in breaking_behind,
                name=name,
                description=description,
            )
        )
    return changes
