"""A hook for the audit trail: services report what a mutation changed (before/after).

The security layer opens a collector (`collecting`) around each mutating request; services
call `record_change` after a successful write. With no collector open (auth and audit off,
the CLI, tests of the service alone) a call costs one context-variable read.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Change:
    before: Any
    after: Any


_collector: ContextVar[list[Change] | None] = ContextVar("registry_changes", default=None)


def record_change(before: Any, after: Any) -> None:
    found = _collector.get()
    if found is not None:
        found.append(Change(before, after))


@contextmanager
def collecting() -> Iterator[list[Change]]:
    changes: list[Change] = []
    token = _collector.set(changes)
    try:
        yield changes
    finally:
        _collector.reset(token)
