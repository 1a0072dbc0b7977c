"""Which events a reader gets: type and subject-glob filters, and the reader's subject scope."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase

from llm_schema_registry.events.model import Event, EventType, Webhook


def matches_any(subject: str, globs: Iterable[str]) -> bool:
    # fnmatchcase, as the security scopes: `*` spans dots too, and no OS case folding.
    return any(fnmatchcase(subject, glob) for glob in globs)


@dataclass(frozen=True, slots=True)
class EventFilter:
    """A reader's view of the feed; every part empty means everything.

    `types` and `subjects` are what the reader asked for: once `subjects` is given, events
    without a subject (global config and mode changes) no longer match. `scope` is what the
    reader may read (the security layer's subject globs): like a request naming no subject, a
    subject-less event is within every scope.
    """

    types: frozenset[EventType] = frozenset()
    subjects: tuple[str, ...] = ()
    scope: tuple[str, ...] = ()

    @classmethod
    def of(cls, webhook: Webhook) -> EventFilter:
        return cls(types=webhook.types, subjects=webhook.subjects, scope=webhook.scope)

    def matches(self, event: Event) -> bool:
        if self.types and event.type not in self.types:
            return False
        if event.subject is None:
            return not self.subjects
        if self.scope and not matches_any(event.subject, self.scope):
            return False
        return not self.subjects or matches_any(event.subject, self.subjects)


EVERYTHING = EventFilter()


def parse_types(names: Iterable[str]) -> frozenset[EventType]:
    """Event types from their names; raises ValueError naming the first unknown one."""
    found: set[EventType] = set()
    for name in names:
        try:
            found.add(EventType(name))
        except ValueError:
            known = ", ".join(EventType)
            raise ValueError(f"Unknown event type '{name}' (known: {known}).") from None
    return frozenset(found)
