"""`PromptFormat` through the protocol: stored texts, fields, differences and can_read over the
variables and the output schema."""

from __future__ import annotations

import json
from typing import Any

from llm_schema_registry.formats.base import ResolvedReference, SchemaType
from llm_schema_registry.formats.prompt import PromptFormat, PromptSchema

FMT = PromptFormat()
OUT_V1 = {"type": "object", "properties": {"a": {"type": "string"}}}
OUT_V2 = {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]}
BASE: dict[str, Any] = {
    "messages": [{"role": "user", "content": "{{ q }}"}],
    "variables": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]},
}


def parse(document: dict[str, Any], output: dict[str, Any] | None = None) -> PromptSchema:
    if output is None:
        return FMT.parse(json.dumps(document))
    reference = ResolvedReference("out.json", "out", 1, SchemaType.JSON, json.dumps(output))
    return FMT.parse(json.dumps({**document, "output_schema": {"$ref": "out.json"}}), [reference])


def test_stored_texts() -> None:
    spaced = '{ "variables": {"properties": {"q": {"type": "string"}}, "type": "object"},\n'
    spaced += ' "messages": [{"content": "{{ q }}", "role": "user"}] }'
    schema = FMT.parse(spaced)
    assert FMT.canonical(schema) == json.dumps(json.loads(spaced), separators=(",", ":"))
    assert FMT.identity(schema) == json.dumps(
        json.loads(spaced), separators=(",", ":"), sort_keys=True
    )
    assert FMT.identity(schema) == FMT.identity(FMT.parse(FMT.canonical(schema)))
    assert FMT.render(schema, "serialized") == FMT.canonical(schema)


def test_fields_are_the_variables() -> None:
    variables = {
        "type": "object",
        "properties": {"q": {"type": "string"}, "user": {"properties": {"email": {}}}},
    }
    paths = [f.path for f in FMT.fields(parse({**BASE, "variables": variables}))]
    assert paths == ["q", "user", "user.email"]


def test_differences_name_what_changed() -> None:
    old = parse({**BASE, "model": {"temperature": 0.1}})
    new_variables = {**BASE["variables"], "properties": {"q": {"type": "string"}, "n": {}}}
    new = parse(
        {
            **BASE,
            "description": "d",
            "messages": [{"role": "system", "content": "be brief"}, *BASE["messages"]],
            "variables": new_variables,
            "model": {"temperature": 0.3, "name": "m"},
        }
    )
    found = {(c.path, c.kind): c for c in FMT.differences(old, new)}
    assert set(found) == {
        ("#/variables/properties/n", "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"),
        ("#/messages/0", "MESSAGE_CHANGED"),
        ("#/messages/1", "MESSAGE_ADDED"),
        ("#/description", "DESCRIPTION_CHANGED"),
        ("#/model/name", "MODEL_SETTING_ADDED"),
        ("#/model/temperature", "MODEL_SETTING_CHANGED"),
    }
    added = found[("#/variables/properties/n", "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL")]
    assert (added.name, added.backward, added.forward) == ("n", False, True)
    assert added.description.startswith("Variable 'n'")
    others = [c for key, c in found.items() if key[0] != "#/variables/properties/n"]
    assert not any(c.backward or c.forward for c in others)


def test_output_schema_added_removed_and_narrowed() -> None:
    bare, with_v1, with_v2 = parse(BASE), parse(BASE, OUT_V1), parse(BASE, OUT_V2)
    assert [i.kind for i in FMT.can_read(with_v1, bare)] == ["OUTPUT_SCHEMA_ADDED"]
    assert FMT.can_read(bare, with_v1) == []  # dropping it accepts any answer
    [narrowed] = FMT.can_read(with_v2, with_v1)
    assert narrowed.path.startswith("#/output_schema")
    assert narrowed.message.startswith("Output schema (out version 1)")
    kinds = {(c.kind, c.backward, c.forward) for c in FMT.differences(with_v1, bare)}
    assert kinds == {("OUTPUT_SCHEMA_REMOVED", False, True)}


def test_validator_and_json_schema_agree() -> None:
    schema = parse(BASE)
    document = FMT.json_schema(schema)
    assert document["additionalProperties"] is False
    assert FMT.validate(schema, {"q": "x"}) == []
    assert [e.path for e in FMT.validate(schema, {"q": 1})] == ["$.q"]
    assert FMT.prompt(schema) is schema
