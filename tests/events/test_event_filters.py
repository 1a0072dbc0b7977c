"""Which events reach a reader: types, subject globs, and the reader's own scope."""

from __future__ import annotations

import pytest
from eventsupport import sample_event

from llm_schema_registry.events.filters import EVERYTHING, EventFilter, parse_types
from llm_schema_registry.events.model import EventType, Webhook, WebhookId

REGISTERED = sample_event("team-a.orders")
DELETED = sample_event("team-b.users", EventType.SUBJECT_DELETED, permanent=False)
GLOBAL = sample_event(None, EventType.CONFIG_CHANGED, old="BACKWARD", new="FULL")


def test_empty_filter_takes_everything() -> None:
    assert all(EVERYTHING.matches(e) for e in (REGISTERED, DELETED, GLOBAL))


def test_types_filter() -> None:
    only = EventFilter(types=frozenset({EventType.SUBJECT_DELETED}))
    assert [only.matches(e) for e in (REGISTERED, DELETED, GLOBAL)] == [False, True, False]


def test_subject_globs_span_dots_and_exclude_global_events() -> None:
    only = EventFilter(subjects=("team-a.*",))
    assert [only.matches(e) for e in (REGISTERED, DELETED, GLOBAL)] == [True, False, False]


def test_scope_hides_other_teams_but_not_global_changes() -> None:
    scoped = EventFilter(scope=("team-a.*",))
    assert [scoped.matches(e) for e in (REGISTERED, DELETED, GLOBAL)] == [True, False, True]


def test_scope_wins_over_a_wider_subject_filter() -> None:
    sneaky = EventFilter(subjects=("*",), scope=("team-a.*",))
    assert [sneaky.matches(e) for e in (REGISTERED, DELETED)] == [True, False]


def test_webhook_filter_combines_its_types_subjects_and_creator_scope() -> None:
    hook = Webhook(
        id=WebhookId("w"),
        url="https://hooks.example/",
        secret="whsec_AAAA",
        types=frozenset({EventType.SCHEMA_REGISTERED}),
        subjects=("team-*",),
        scope=("team-a.*",),
    )
    assert [EventFilter.of(hook).matches(e) for e in (REGISTERED, DELETED, GLOBAL)] == [
        True,
        False,
        False,
    ]
    assert "secret" not in hook.public() and hook.sink_key == "webhook:w"


def test_parse_types_names_the_unknown_one() -> None:
    assert parse_types(["mode.changed"]) == {EventType.MODE_CHANGED}
    with pytest.raises(ValueError, match=r"schema\.created"):
        parse_types(["schema.registered", "schema.created"])
