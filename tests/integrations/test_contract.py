"""Where the export's strict-mode fix made an optional property nullable, as paths into the
reply (a null there means "absent")."""

from __future__ import annotations

import pytest

from llm_schema_registry.integrations.contract import data_path


@pytest.mark.parametrize(
    ("schema_path", "steps"),
    [
        ("$.properties.note", ("note",)),
        ("$.properties.where.properties.lat", ("where", "lat")),
        ("$.properties.days.items.properties.low", ("days", None, "low")),
        ("$.properties.a-b_c", ("a-b_c",)),
        ("$.$defs.Person.properties.name", None),  # through a definition: not a data path
        ("$.properties.x.anyOf[0].properties.y", None),
        ("$.properties.pair.items[0].properties.y", None),  # tuple items differ per position
        ("$.properties.list.items", None),  # an item is not a property
    ],
)
def test_schema_paths_become_reply_paths(
    schema_path: str, steps: tuple[str | None, ...] | None
) -> None:
    assert data_path(schema_path) == steps
