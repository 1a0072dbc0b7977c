"""Governance metadata read from Confluent's `metadata` object: owner, description, tags."""

from __future__ import annotations

from typing import Any

import pytest

from llm_schema_registry.governance.metadata import (
    description_of,
    owner_of,
    properties_of,
    tags_of,
)


def test_owner_and_description_are_properties() -> None:
    metadata = {"properties": {"owner": "team-a", "description": "Usage events"}}
    assert (owner_of(metadata), description_of(metadata)) == ("team-a", "Usage events")


@pytest.mark.parametrize(
    "metadata",
    [None, {}, {"properties": None}, {"properties": []}, {"properties": {"owner": 3}}],
)
def test_missing_or_malformed_properties_read_as_absent(metadata: Any) -> None:
    assert owner_of(metadata) is None
    assert description_of(metadata) == ""
    assert isinstance(properties_of(metadata), dict)


def test_tags_come_from_the_property_and_per_path_tags() -> None:
    metadata = {
        "properties": {"tags": " gold, pii ,,"},
        "tags": {"$.email": ["PII", "contact"], "$.bad": "not-a-list"},
    }
    assert tags_of(metadata) == {"gold", "pii", "PII", "contact"}
    assert tags_of(None) == set()
