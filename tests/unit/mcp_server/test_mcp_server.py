"""The MCP server's own helpers: resource URIs both ways, prompt arguments typed by the
variables schema, and every tool's schemas valid JSON Schema with the annotations MCP reads."""

from __future__ import annotations

import jsonschema
import pytest

from llm_schema_registry.mcp_server.server import parse_uri, resource_uri, typed_arguments
from llm_schema_registry.mcp_server.tools import TOOLS


@pytest.mark.parametrize("subject", ["orders-value", "team/usage", "with space", "ünï"])
def test_resource_uris_round_trip(subject: str) -> None:
    assert parse_uri(resource_uri(subject, 3)) == (subject, "3")
    assert parse_uri(resource_uri(subject, "latest")) == (subject, "latest")


@pytest.mark.parametrize("uri", ["schema://orders", "schema:///1", "http://x/1", "schema://a/"])
def test_other_uris_are_refused(uri: str) -> None:
    with pytest.raises(ValueError, match="Not a schema resource"):
        parse_uri(uri)


def test_prompt_arguments_are_typed_by_the_variables_schema() -> None:
    variables = {
        "properties": {
            "name": {"type": "string"},
            "times": {"type": "integer"},
            "tags": {"type": "array"},
        }
    }
    given = {"name": "3", "times": "3", "tags": '["a"]', "free": "x", "bad": "{"}
    assert typed_arguments(variables, given) == {
        "name": "3",
        "times": 3,
        "tags": ["a"],
        "free": "x",
        "bad": "{",
    }


def test_every_tool_has_valid_schemas_and_honest_annotations() -> None:
    for spec in TOOLS:
        tool = spec.tool()
        jsonschema.Draft202012Validator.check_schema(tool.inputSchema)
        assert tool.outputSchema is not None
        jsonschema.Draft202012Validator.check_schema(tool.outputSchema)
        assert tool.annotations is not None and tool.annotations.destructiveHint is False
    writers = {spec.name for spec in TOOLS if not spec.read_only}
    assert writers == {"register_schema", "deprecate_version"}
