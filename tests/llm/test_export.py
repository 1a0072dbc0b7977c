"""Provider exports: the lint per provider (clean, findings with paths, fixed then clean),
the payload shapes, and the export endpoint on the real app."""

from __future__ import annotations

import json
from typing import Any

import httpx
import jsonschema_rs
import pytest

from llm_schema_registry.llm.export import export
from llm_schema_registry.llm.names import NAME_PATTERN, provider_name
from llm_schema_registry.llm.providers import Target

# OpenAI strict: closed objects, every property required, optional = nullable.
OPENAI_CLEAN = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "days": {"type": ["integer", "null"]},
        "unit": {"type": "string", "enum": ["c", "f"]},
    },
    "required": ["city", "days", "unit"],
    "additionalProperties": False,
}
OPENAI_DIRTY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "city": {"type": "string", "minLength": 1},
        "days": {"type": "integer"},
        "where": {
            "type": "object",
            "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
            "required": ["lat", "lon"],
        },
    },
    "required": ["city", "where"],
}
# Gemini: the OpenAPI 3.0 subset, no $ref, one type per node.
GEMINI_CLEAN = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
        "score": {"type": "number", "nullable": True, "minimum": 0},
    },
    "required": ["title"],
}
GEMINI_DIRTY = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "score": {"type": ["number", "null"]},
        "author": {"$ref": "#/$defs/Person"},
        "kind": {"const": "review"},
    },
    "additionalProperties": False,
    "$defs": {"Person": {"type": "object", "properties": {"name": {"type": "string"}}}},
}
# Anthropic and MCP tools: the root must be an object schema.
TOOL_CLEAN = {
    "type": "object",
    "properties": {"query": {"type": "string"}, "limit": {"type": "integer"}},
    "required": ["query"],
}
TOOL_DIRTY = {"properties": {"query": {"type": "string"}}, "required": ["query"]}
# vLLM and OpenAI-compatible servers: grammar engines; open objects, $ref and type lists
# are fine, keywords no engine enforces are findings.
GRAMMAR_CLEAN = {
    "type": "object",
    "properties": {
        "title": {"type": "string", "maxLength": 80},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
        "score": {"type": ["number", "null"], "minimum": 0},
        "kind": {"anyOf": [{"const": "review"}, {"const": "note"}]},
        "author": {"$ref": "#/$defs/Person"},
    },
    "required": ["title"],
    "$defs": {"Person": {"type": "object", "properties": {"name": {"type": "string"}}}},
}
GRAMMAR_DIRTY = {
    "type": "object",
    "properties": {
        "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
        "count": {"type": "integer", "multipleOf": 5},
        "email": {"type": "string"},
        "phone": {"type": "string"},
    },
    "dependentRequired": {"email": ["phone"]},
}
VLLM_FINDINGS = {
    ("$.properties.tags.uniqueItems", "unsupported-keyword"),
    ("$.dependentRequired", "unsupported-keyword"),
}

CASES: dict[Target, tuple[dict[str, Any], dict[str, Any], set[tuple[str, str]]]] = {
    Target.OPENAI: (
        OPENAI_CLEAN,
        OPENAI_DIRTY,
        {
            ("$.additionalProperties", "additional-properties"),
            ("$.properties.city.minLength", "unsupported-keyword"),
            ("$.properties.days", "required"),
            ("$.properties.where.additionalProperties", "additional-properties"),
        },
    ),
    Target.OPENAI_TOOL: (
        OPENAI_CLEAN,
        OPENAI_DIRTY,
        {
            ("$.additionalProperties", "additional-properties"),
            ("$.properties.city.minLength", "unsupported-keyword"),
            ("$.properties.days", "required"),
            ("$.properties.where.additionalProperties", "additional-properties"),
        },
    ),
    Target.GEMINI: (
        GEMINI_CLEAN,
        GEMINI_DIRTY,
        {
            ("$.$schema", "unsupported-keyword"),
            ("$.additionalProperties", "unsupported-keyword"),
            ("$.$defs", "ref"),
            ("$.properties.score.type", "type-list"),
            ("$.properties.author.$ref", "ref"),
            ("$.properties.kind.const", "unsupported-keyword"),
        },
    ),
    Target.ANTHROPIC_TOOL: (TOOL_CLEAN, TOOL_DIRTY, {("$.type", "root-object")}),
    Target.MCP_TOOL: (TOOL_CLEAN, TOOL_DIRTY, {("$.type", "root-object")}),
    # vLLM falls back from xgrammar to guidance, which enforces multipleOf
    Target.VLLM: (GRAMMAR_CLEAN, GRAMMAR_DIRTY, VLLM_FINDINGS),
    Target.OPENAI_COMPATIBLE: (
        GRAMMAR_CLEAN,
        GRAMMAR_DIRTY,
        {*VLLM_FINDINGS, ("$.properties.count.multipleOf", "unsupported-keyword")},
    ),
}


@pytest.mark.parametrize("target", list(Target))
def test_clean_schema_passes_unchanged(target: Target) -> None:
    clean = CASES[target][0]
    done = export(target, clean, subject="weather-value", fix=True)
    assert done.findings == [] and done.fixes == []


@pytest.mark.parametrize("target", list(Target))
def test_findings_carry_json_paths(target: Target) -> None:
    _, dirty, expected = CASES[target]
    done = export(target, dirty, subject="weather-value")
    assert {(f.path, f.rule) for f in done.findings} == expected
    assert all(f.message for f in done.findings)


@pytest.mark.parametrize("target", list(Target))
def test_fixed_schema_then_passes(target: Target) -> None:
    _, dirty, expected = CASES[target]
    done = export(target, dirty, subject="weather-value", fix=True)
    assert done.findings == []
    assert {f.path for f in done.fixes} >= {path for path, _ in expected if path != "$.$defs"}
    schema = _schema_of(target, done.payload)
    # Linting the fixed payload's schema again finds nothing (it is not re-fixed).
    assert export(target, schema, subject="x").findings == []


def test_openai_optional_becomes_required_and_nullable() -> None:
    done = export(Target.OPENAI, OPENAI_DIRTY, subject="weather-value", fix=True)
    schema = done.payload["json_schema"]["schema"]
    assert schema["required"] == ["city", "where", "days"]
    assert schema["properties"]["days"] == {"type": ["integer", "null"]}
    assert "minLength" not in schema["properties"]["city"]
    assert OPENAI_DIRTY["properties"]["city"] == {"type": "string", "minLength": 1}  # not mutated
    # the fixed schema still accepts what the original did (with null for the absent)
    jsonschema_rs.validate(schema, {"city": "Oslo", "days": None, "where": {"lat": 1, "lon": 2}})


def test_gemini_fix_inlines_refs_and_uses_nullable() -> None:
    done = export(Target.GEMINI, GEMINI_DIRTY, subject="reviews", fix=True)
    schema = done.payload["responseSchema"]
    assert done.payload["responseMimeType"] == "application/json"
    assert schema["properties"]["author"] == {
        "type": "OBJECT",
        "properties": {"name": {"type": "STRING"}},
    }
    assert schema["properties"]["score"] == {"type": "NUMBER", "nullable": True}
    assert schema["properties"]["kind"] == {"enum": ["review"], "type": "STRING"}


def test_openai_limits_nesting_and_enum_values() -> None:
    deep: dict[str, Any] = {"type": "string"}
    for _ in range(11):
        deep = {
            "type": "object",
            "properties": {"x": deep},
            "required": ["x"],
            "additionalProperties": False,
        }
    findings = export(Target.OPENAI, deep, subject="deep").findings
    assert [f.rule for f in findings] == ["max-depth"]
    assert findings[0].path == "$" + ".properties.x" * 11
    wide = {
        "type": "object",
        "properties": {"e": {"type": "string", "enum": [str(i) for i in range(1001)]}},
        "required": ["e"],
        "additionalProperties": False,
    }
    assert [f.rule for f in export(Target.OPENAI, wide, subject="w").findings] == [
        "max-enum-values"
    ]


# The shape of `response_format` (ResponseFormatJsonSchema) in OpenAI's published API
# reference, https://platform.openai.com/docs/api-reference/chat/create#chat-create-response_format
# (and openai/openai-openapi, openapi.yaml, components.schemas.ResponseFormatJsonSchema):
# type "json_schema"; json_schema {name: required, a-z A-Z 0-9 _ - up to 64 chars;
# description: string; schema: object; strict: boolean or null}.
OPENAI_RESPONSE_FORMAT = {
    "type": "object",
    "required": ["type", "json_schema"],
    "additionalProperties": False,
    "properties": {
        "type": {"const": "json_schema"},
        "json_schema": {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "pattern": "^[a-zA-Z0-9_-]{1,64}$"},
                "description": {"type": "string"},
                "schema": {"type": "object"},
                "strict": {"type": ["boolean", "null"]},
            },
        },
    },
}
# components.schemas.ChatCompletionTool / FunctionObject of the same reference.
OPENAI_TOOL = {
    "type": "object",
    "required": ["type", "function"],
    "additionalProperties": False,
    "properties": {
        "type": {"const": "function"},
        "function": {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "pattern": "^[a-zA-Z0-9_-]{1,64}$"},
                "description": {"type": "string"},
                "parameters": {"type": "object"},
                "strict": {"type": ["boolean", "null"]},
            },
        },
    },
}


def test_openai_payloads_match_the_api_reference_shapes() -> None:
    subject = "com.acme.weather.Forecast-value"
    response_format = export(Target.OPENAI, OPENAI_CLEAN, subject=subject, version=3).payload
    jsonschema_rs.validate(OPENAI_RESPONSE_FORMAT, response_format)
    assert response_format["json_schema"]["strict"] is True
    assert response_format["json_schema"]["name"] == "com_acme_weather_Forecast-value"
    tool = export(Target.OPENAI_TOOL, OPENAI_CLEAN, subject=subject).payload
    jsonschema_rs.validate(OPENAI_TOOL, tool)
    anthropic = export(Target.ANTHROPIC_TOOL, TOOL_CLEAN, subject=subject).payload
    assert set(anthropic) == {"name", "description", "input_schema"}
    mcp = export(Target.MCP_TOOL, TOOL_CLEAN, subject=subject).payload
    assert set(mcp) == {"name", "title", "description", "inputSchema"}


def test_grammar_server_payloads() -> None:
    vllm = export(Target.VLLM, GRAMMAR_CLEAN, subject="reviews").payload
    assert vllm == {"structured_outputs": {"json": GRAMMAR_CLEAN}}
    compatible = export(Target.OPENAI_COMPATIBLE, GRAMMAR_CLEAN, subject="reviews", version=2)
    jsonschema_rs.validate(OPENAI_RESPONSE_FORMAT, compatible.payload)
    assert compatible.payload["json_schema"]["schema"] == GRAMMAR_CLEAN
    assert "strict" not in compatible.payload["json_schema"]  # no OpenAI strict mode there


@pytest.mark.parametrize("target", [Target.VLLM, Target.OPENAI_COMPATIBLE])
def test_grammar_servers_keep_what_no_engine_enforces_as_findings(target: Target) -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
            "b": {"not": {"type": "null"}},
        },
    }
    done = export(target, schema, subject="s", fix=True)
    assert {(f.path, f.rule) for f in done.findings} == {
        ("$.properties.a.oneOf", "unsupported-keyword"),
        ("$.properties.b.not", "unsupported-keyword"),
    }
    assert done.fixes == []  # optional stays optional, objects stay open


@pytest.mark.parametrize(
    "subject",
    ["orders-value", "com.acme/Order value!", "", "é" * 10, "x" * 200, "a.b" * 40],
)
def test_names_are_valid_for_every_provider(subject: str) -> None:
    assert NAME_PATTERN.match(provider_name(subject))


def test_long_names_stay_distinct() -> None:
    assert provider_name("x" * 100 + "a") != provider_name("x" * 100 + "b")


def _schema_of(target: Target, payload: dict[str, Any]) -> dict[str, Any]:
    if target is Target.OPENAI:
        schema: dict[str, Any] = payload["json_schema"]["schema"]
    elif target is Target.OPENAI_TOOL:
        schema = payload["function"]["parameters"]
    elif target is Target.ANTHROPIC_TOOL:
        schema = payload["input_schema"]
    elif target is Target.MCP_TOOL:
        schema = payload["inputSchema"]
    elif target is Target.VLLM:
        schema = payload["structured_outputs"]["json"]
    elif target is Target.OPENAI_COMPATIBLE:
        schema = payload["json_schema"]["schema"]
    else:
        schema = payload["responseSchema"]
    return schema


async def test_export_endpoint(sqlite_client: httpx.AsyncClient) -> None:
    reply = await sqlite_client.post(
        "/subjects/weather-value/versions",
        json={"schema": json.dumps(OPENAI_DIRTY), "schemaType": "JSON"},
    )
    assert reply.status_code == 200, reply.text
    raw = await sqlite_client.get("/subjects/weather-value/versions/1/export?target=openai")
    assert raw.status_code == 200
    body = raw.json()
    assert set(body) == {"payload", "findings", "fixes"}
    assert {f["path"] for f in body["findings"]} >= {"$.properties.days"}
    assert body["fixes"] == []
    fixed = await sqlite_client.get(
        "/subjects/weather-value/versions/latest/export", params={"target": "openai", "fix": "true"}
    )
    assert fixed.json()["findings"] == [] and fixed.json()["fixes"]
    jsonschema_rs.validate(OPENAI_RESPONSE_FORMAT, fixed.json()["payload"])


async def test_export_refuses_avro_and_unknown_targets(sqlite_client: httpx.AsyncClient) -> None:
    avro = {"type": "record", "name": "R", "fields": [{"name": "a", "type": "int"}]}
    await sqlite_client.post("/subjects/avro-value/versions", json={"schema": json.dumps(avro)})
    reply = await sqlite_client.get("/subjects/avro-value/versions/1/export?target=gemini")
    assert (reply.status_code, reply.json()["error_code"]) == (422, 42260)
    unknown = await sqlite_client.get("/subjects/avro-value/versions/1/export?target=llama")
    assert (unknown.status_code, unknown.json()["error_code"]) == (400, 400)
    missing = await sqlite_client.get("/subjects/nope/versions/1/export?target=openai")
    assert missing.json()["error_code"] == 40401
    spec = (await sqlite_client.get("/openapi.json")).json()
    parameters = spec["paths"]["/subjects/{subject}/versions/{version}/export"]["get"]["parameters"]
    target = next(p for p in parameters if p["name"] == "target")
    enum_ref = target["schema"].get("$ref", "").rsplit("/", 1)[-1]
    enum = spec["components"]["schemas"][enum_ref]["enum"] if enum_ref else target["schema"]["enum"]
    assert enum == [
        "openai",
        "openai-tool",
        "anthropic-tool",
        "gemini",
        "mcp-tool",
        "vllm",
        "openai-compatible",
    ]


ADDRESS = {"type": "object", "properties": {"zip": {"type": "string"}}, "required": ["zip"]}
CUSTOMER = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "home": {"$ref": "address.json"}},
    "required": ["name", "home"],
}


def test_unembedded_references_are_findings() -> None:
    findings = export(Target.ANTHROPIC_TOOL, CUSTOMER, subject="c").findings
    assert [(f.path, f.rule) for f in findings] == [("$.properties.home.$ref", "external-ref")]
    embedded = export(
        Target.ANTHROPIC_TOOL, CUSTOMER, subject="c", references={"address.json": ADDRESS}
    )
    schema = embedded.payload["input_schema"]
    assert embedded.findings == []
    assert schema["properties"]["home"] == {"$ref": "#/$defs/address_json"}
    assert schema["$defs"]["address_json"] == ADDRESS
    jsonschema_rs.validate(schema, {"name": "n", "home": {"zip": "1"}})


async def test_export_embeds_registered_references(sqlite_client: httpx.AsyncClient) -> None:
    await sqlite_client.post(
        "/subjects/address/versions", json={"schema": json.dumps(ADDRESS), "schemaType": "JSON"}
    )
    reply = await sqlite_client.post(
        "/subjects/customer-value/versions",
        json={
            "schema": json.dumps(CUSTOMER),
            "schemaType": "JSON",
            "references": [{"name": "address.json", "subject": "address", "version": 1}],
        },
    )
    assert reply.status_code == 200, reply.text
    openai = await sqlite_client.get(
        "/subjects/customer-value/versions/1/export", params={"target": "openai", "fix": "true"}
    )
    body = openai.json()
    assert body["findings"] == []
    schema = body["payload"]["json_schema"]["schema"]
    assert schema["$defs"]["address_json"]["additionalProperties"] is False
    gemini = await sqlite_client.get(
        "/subjects/customer-value/versions/1/export", params={"target": "gemini", "fix": "true"}
    )
    response_schema = gemini.json()["payload"]["responseSchema"]
    assert gemini.json()["findings"] == [] and "$defs" not in response_schema
    assert response_schema["properties"]["home"]["properties"] == {"zip": {"type": "STRING"}}
