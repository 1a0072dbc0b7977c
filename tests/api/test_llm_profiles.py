"""LLM provider profiles enforced at registration (`"llmProfiles"` in a config): each
profile accepts a schema and refuses another (42252, each finding with its path and rule),
the compatibility endpoint answers the same, old dates keep their old limits, and configs
naming unknown or contradictory profiles are refused (42253)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

CLOSED: dict[str, Any] = {
    "type": "object",
    "properties": {"answer": {"type": "string"}},
    "required": ["answer"],
    "additionalProperties": False,
}
OPEN: dict[str, Any] = {"type": "object", "properties": {"answer": {"type": "string"}}}


def wide(count: int) -> dict[str, Any]:
    """A strict-mode-ready object with `count` properties."""
    names = [f"p{i}" for i in range(count)]
    return {
        "type": "object",
        "properties": {name: {"type": "string"} for name in names},
        "required": names,
        "additionalProperties": False,
    }


def nested(levels: int) -> dict[str, Any]:
    """A strict-mode-ready object nested `levels` deep."""
    schema: dict[str, Any] = {"type": "string"}
    for _ in range(levels - 1):
        schema = {
            "type": "object",
            "properties": {"inner": schema},
            "required": ["inner"],
            "additionalProperties": False,
        }
    return schema


# profile -> (a schema it accepts, one it refuses, the (path, rule) findings of the refusal)
CASES: dict[str, tuple[dict[str, Any], dict[str, Any], set[tuple[str, str]]]] = {
    "openai-strict@2026-02": (
        CLOSED,
        OPEN,
        {("$.additionalProperties", "additional-properties"), ("$.properties.answer", "required")},
    ),
    "openai-strict@2024-08": (CLOSED, wide(101), {("$", "max-properties")}),
    "gemini@2026-02": (
        OPEN,
        {"type": "object", "properties": {"answer": {"type": ["string", "null"]}}, "const": 1},
        {("$.properties.answer.type", "type-list"), ("$.const", "unsupported-keyword")},
    ),
    "anthropic-tools@2026-02": (
        OPEN,
        {"anyOf": [OPEN, CLOSED]},
        {("$.type", "root-object"), ("$.anyOf", "root-composition")},
    ),
    "mcp-tools@2025-06": (OPEN, {"type": "array", "items": OPEN}, {("$.type", "root-object")}),
}


def body(schema: Any) -> dict[str, Any]:
    return {"schemaType": "JSON", "schema": json.dumps(schema)}


async def configure(client: httpx.AsyncClient, subject: str | None, *profiles: str) -> Any:
    path = f"/config/{subject}" if subject else "/config"
    reply = await client.put(path, json={"llmProfiles": list(profiles)})
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.mark.parametrize("profile", list(CASES))
async def test_each_profile_accepts_one_schema_and_refuses_another(
    sqlite_client: httpx.AsyncClient, profile: str
) -> None:
    client = sqlite_client
    accepted, refused, findings = CASES[profile]
    await configure(client, "answers", profile)
    await client.put("/config/answers", json={"compatibility": "NONE"})
    ok = await client.post("/subjects/answers/versions", json=body(accepted))
    assert ok.status_code == 200, ok.text

    reply = await client.post("/subjects/answers/versions", json=body(refused))
    assert (reply.status_code, reply.json()["error_code"]) == (422, 42252)
    violations = reply.json()["violations"]
    assert {(v["path"], v["rule"]) for v in violations} == findings
    assert {v["policy"] for v in violations} == {profile}
    assert "llmProfiles" in reply.json()["message"]
    assert (await client.get("/subjects/answers/versions")).json() == [1]

    check = await client.post(
        "/compatibility/subjects/answers/versions/latest?verbose=true", json=body(refused)
    )
    assert check.json()["is_compatible"] is False
    messages = check.json()["messages"]
    for path, rule in findings:
        assert any(f"rule:'{rule}'" in m and f"path:'{path}'" in m for m in messages), messages
    plain = await client.post("/compatibility/subjects/answers/versions", json=body(refused))
    assert plain.json() == {"is_compatible": False}
    fine = await client.post("/compatibility/subjects/answers/versions", json=body(accepted))
    assert fine.json() == {"is_compatible": True}


async def test_an_old_profile_date_keeps_its_old_limits(client: httpx.AsyncClient) -> None:
    for subject, profile in (("old", "openai-strict@2024-08"), ("new", "openai-strict@2026-02")):
        config = {"llmProfiles": [profile], "compatibility": "NONE"}
        assert (await client.put(f"/config/{subject}", json=config)).status_code == 200
    # 101 properties and 6 levels: within 2026-02's limits (5,000 and 10), over 2024-08's
    for schema, rule in ((wide(101), "max-properties"), (nested(6), "max-depth")):
        accepted = await client.post("/subjects/new/versions", json=body(schema))
        assert accepted.status_code == 200, accepted.text
        reply = await client.post("/subjects/old/versions", json=body(schema))
        assert reply.json()["error_code"] == 42252
        assert [v["rule"] for v in reply.json()["violations"]] == [rule]
    deep = await client.post("/subjects/new/versions", json=body(nested(12)))
    assert [v["rule"] for v in deep.json()["violations"]] == ["max-depth"]


async def test_profiles_are_stored_with_the_config_and_a_subject_overrides_global(
    sqlite_client: httpx.AsyncClient,
) -> None:
    client = sqlite_client
    assert await configure(client, None, "openai-strict@2026-02") == {
        "llmProfiles": ["openai-strict@2026-02"]
    }
    assert (await client.get("/config")).json()["llmProfiles"] == ["openai-strict@2026-02"]
    refused = await client.post("/subjects/any/versions", json=body(OPEN))
    assert refused.json()["error_code"] == 42252
    await configure(client, "relaxed")
    assert (await client.get("/config/relaxed")).json()["llmProfiles"] == []
    assert (await client.post("/subjects/relaxed/versions", json=body(OPEN))).status_code == 200
    avro = {"schema": json.dumps({"type": "record", "name": "R", "fields": []})}
    assert (await client.post("/subjects/avro/versions", json=avro)).status_code == 200


async def test_unknown_and_contradictory_profiles_are_refused_when_set(
    sqlite_client: httpx.AsyncClient,
) -> None:
    client = sqlite_client
    unknown = await client.put("/config/s", json={"llmProfiles": ["openai-strict@2031-01"]})
    assert (unknown.status_code, unknown.json()["error_code"]) == (422, 42253)
    assert "openai-strict@2031-01" in unknown.json()["message"]
    assert "openai-strict@2026-02" in unknown.json()["message"]  # the valid ones are named
    both = await client.put(
        "/config/s", json={"llmProfiles": ["openai-strict@2026-02", "gemini@2026-02"]}
    )
    assert (both.status_code, both.json()["error_code"]) == (422, 42253)
    assert "additionalProperties" in both.json()["message"]
    assert (await client.get("/config/s")).status_code == 404  # nothing was stored
    together = ["openai-strict@2026-02", "anthropic-tools@2026-02", "mcp-tools@2025-06"]
    assert await configure(client, "s", *together) == {"llmProfiles": together}


async def test_a_prompt_subject_profile_judges_its_variables(
    sqlite_client: httpx.AsyncClient,
) -> None:
    client = sqlite_client
    await configure(client, "tool-prompt", "openai-strict@2026-02")
    prompt = {
        "messages": [{"role": "user", "content": "{{ question }}"}],
        "variables": {"type": "object", "properties": {"question": {"type": "string"}}},
    }
    reply = await client.post(
        "/subjects/tool-prompt/versions",
        json={"schemaType": "PROMPT", "schema": json.dumps(prompt)},
    )
    assert reply.json()["error_code"] == 42252
    assert {(v["path"], v["rule"]) for v in reply.json()["violations"]} == {
        ("$.properties.question", "required")
    }
    prompt["variables"]["required"] = ["question"]  # type: ignore[index]
    reply = await client.post(
        "/subjects/tool-prompt/versions",
        json={"schemaType": "PROMPT", "schema": json.dumps(prompt)},
    )
    assert reply.status_code == 200, reply.text
