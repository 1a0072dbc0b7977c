"""The official `mcp` client against a running registry (authentication on), over stdio
(`llm-schema mcp`) and over streamable HTTP (`/mcp`): every tool listed with its schemas and
called, schema resources read, prompt templates listed and rendered; a consumer's key reads
but cannot register or deprecate, and nothing is stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client
from mcp.client.streamable_http import streamable_http_client
from pydantic import AnyUrl

from llm_schema_registry.client import NotFoundError, RegistryClient
from support import ServerProcess

TOOLS = {
    "search_subjects",
    "get_schema",
    "list_versions",
    "diff_versions",
    "check_compatibility",
    "validate",
    "export_for_provider",
    "register_schema",
    "deprecate_version",
}
CLOSED: dict[str, Any] = {"type": "object", "additionalProperties": False}
ANSWER_V1 = {**CLOSED, "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
ANSWER_V2 = {
    **CLOSED,
    "properties": {"answer": {"type": "string"}, "score": {"type": "number"}},
    "required": ["answer"],
}
GREETING = {
    "messages": [
        {"role": "system", "content": "You greet people."},
        {"role": "user", "content": "Greet {{ name }} {{ times }} times."},
    ],
    "variables": {
        "type": "object",
        "properties": {"name": {"type": "string"}, "times": {"type": "integer"}},
        "required": ["name"],
    },
}


def create_key(database_url: str, role: str) -> str:
    env = {**os.environ, "REGISTRY_DATABASE_URL": database_url}
    command = ["-m", "llm_schema_registry.cli.main", "--output", "json"]
    done = subprocess.run(
        [sys.executable, *command, "keys", "create", "--role", role],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return str(json.loads(done.stdout)["secret"])


@dataclass(frozen=True)
class Live:
    server: ServerProcess
    admin: str
    consumer: str


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("mcp")
    database_url = f"sqlite:///{folder}/registry.db"
    admin, consumer = create_key(database_url, "admin"), create_key(database_url, "consumer")
    server = ServerProcess(database_url, folder, env={"REGISTRY_AUTH_ENABLED": "true"})
    with RegistryClient(server.url, api_key=admin) as client:
        client.register("answers", ANSWER_V1, "JSON")
        client.register("answers", ANSWER_V2, "JSON")
        client.register("greeting", GREETING, "PROMPT")
    yield Live(server, admin, consumer)
    server.stop()


@asynccontextmanager
async def session(live: Live, transport: str, secret: str) -> AsyncIterator[ClientSession]:
    """An initialized MCP session, over stdio (`llm-schema mcp`) or streamable HTTP."""
    if transport == "stdio":
        command = ["-m", "llm_schema_registry.cli.main", "--url", live.server.url]
        params = StdioServerParameters(
            command=sys.executable,
            args=[*command, "--api-key", secret, "mcp"],
            env=dict(os.environ),
        )
        async with stdio_client(params) as (read, write), ClientSession(read, write) as opened:
            await opened.initialize()
            yield opened
        return
    async with (
        httpx.AsyncClient(headers={"X-API-Key": secret}, timeout=30) as http,
        streamable_http_client(f"{live.server.url}/mcp", http_client=http) as (read, write, _),
        ClientSession(read, write) as opened,
    ):
        await opened.initialize()
        yield opened


async def call(opened: ClientSession, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await opened.call_tool(tool, arguments)
    assert not result.isError, result.content
    assert result.structuredContent is not None
    return result.structuredContent


def state_of(live: Live, subject: str, version: int) -> str:
    """A version's lifecycle state, as the admin reads it over REST."""
    headers = {"X-API-Key": live.admin, "confluent-accept-unknown-properties": "true"}
    reply = httpx.get(f"{live.server.url}/subjects/{subject}/versions/{version}", headers=headers)
    assert reply.status_code == 200, reply.text
    return str(reply.json()["state"])


TRANSPORTS = ["stdio", "http"]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_every_tool_is_listed_with_its_schemas(live: Live, transport: str) -> None:
    async with session(live, transport, live.admin) as opened:
        tools = {tool.name: tool for tool in (await opened.list_tools()).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.inputSchema["type"] == "object" and tool.outputSchema is not None
        assert tool.annotations is not None
        writes = tool.name in ("register_schema", "deprecate_version")
        assert tool.annotations.readOnlyHint is not writes


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_every_tool_answers_against_the_registry(live: Live, transport: str) -> None:
    mine = f"mcp-{transport}"
    async with session(live, transport, live.admin) as opened:
        assert "answers" in (await call(opened, "search_subjects", query="answ"))["subjects"]
        latest = await call(opened, "get_schema", subject="answers")
        assert (latest["version"], latest["schemaType"]) == (2, "JSON")
        by_id = await call(opened, "get_schema", id=latest["id"])
        assert json.loads(by_id["schema"]) == json.loads(latest["schema"])
        assert (await call(opened, "list_versions", subject="answers"))["versions"] == [1, 2]
        diff = await call(opened, "diff_versions", subject="answers", version=2, against=1)
        assert "score" in json.dumps(diff["diff"])

        same = await call(opened, "check_compatibility", subject="answers", schema=ANSWER_V2)
        assert same == {"is_compatible": True, "messages": []}
        narrowed = {**ANSWER_V2, "properties": {"answer": {"type": "integer"}}}
        refused = await call(opened, "check_compatibility", subject="answers", schema=narrowed)
        assert refused["is_compatible"] is False and refused["messages"]

        valid = await call(opened, "validate", subject="answers", data={"answer": "yes"})
        assert valid["valid"] is True and valid["errors"] == []
        reply = 'Sure! ```json\n{"answer": 42}\n```'
        invalid = await call(opened, "validate", subject="answers", llm_output=reply)
        assert invalid["valid"] is False and invalid["extracted"] == {"answer": 42}
        assert invalid["errors"][0]["path"] == "$.answer" and invalid["repair_prompt"]

        exported = await call(opened, "export_for_provider", subject="answers", target="openai")
        assert exported["payload"] and isinstance(exported["findings"], list)

        made = await call(opened, "register_schema", subject=mine, schema=ANSWER_V1)
        assert made["version"] == 1 and made["id"] > 0
        deprecated = await call(
            opened,
            "deprecate_version",
            subject=mine,
            version=1,
            reason="replaced",
            sunset_date="2999-01-01",
        )
        assert deprecated["state"] == "DEPRECATED"

        templates = (await opened.list_resource_templates()).resourceTemplates
        assert [t.uriTemplate for t in templates] == ["schema://{subject}/{version}"]
        listed = {str(r.uri) for r in (await opened.list_resources()).resources}
        assert {"schema://answers/1", "schema://answers/2", "schema://greeting/1"} <= listed
        read = await opened.read_resource(AnyUrl("schema://answers/1"))
        [content] = read.contents
        assert isinstance(content, types.TextResourceContents)
        assert json.loads(content.text) == ANSWER_V1
    assert state_of(live, mine, 1) == "DEPRECATED"


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_prompt_templates_are_listed_and_rendered(live: Live, transport: str) -> None:
    async with session(live, transport, live.consumer) as opened:
        prompts = {p.name: p for p in (await opened.list_prompts()).prompts}
        assert set(prompts) == {"greeting"}  # the JSON Schema subjects are not prompts
        arguments = {a.name: a.required for a in prompts["greeting"].arguments or []}
        assert arguments == {"name": True, "times": False}
        rendered = await opened.get_prompt("greeting", {"name": "Ada", "times": "3"})
    texts = [(m.role, m.content.text) for m in rendered.messages if m.content.type == "text"]
    assert texts == [("user", "You greet people."), ("user", "Greet Ada 3 times.")]


@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_a_consumer_reads_but_cannot_register_or_deprecate(
    live: Live, transport: str
) -> None:
    subject = f"consumer-{transport}"
    async with session(live, transport, live.consumer) as opened:
        assert (await call(opened, "list_versions", subject="answers"))["versions"] == [1, 2]
        refused = await opened.call_tool(
            "register_schema", {"subject": subject, "schema": ANSWER_V1}
        )
        assert refused.isError
        assert "40301" in json.dumps([c.model_dump() for c in refused.content])
        deprecation = {"reason": "no", "sunset_date": "2999-01-01"}
        refused = await opened.call_tool(
            "deprecate_version", {"subject": "answers", "version": 1, **deprecation}
        )
        assert refused.isError
    with (
        RegistryClient(live.server.url, api_key=live.admin) as client,
        pytest.raises(NotFoundError),
    ):
        client.versions(subject)  # nothing was stored
    assert state_of(live, "answers", 1) == "ACTIVE"


async def test_the_http_endpoint_needs_credentials(live: Live) -> None:
    initialize = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"},
        },
    }
    headers = {"Accept": "application/json, text/event-stream"}
    async with httpx.AsyncClient() as http:
        reply = await http.post(f"{live.server.url}/mcp", json=initialize, headers=headers)
        assert (reply.status_code, reply.json()["error_code"]) == (401, 40101)
        wrong = await http.post(
            f"{live.server.url}/mcp", json=initialize, headers={**headers, "X-API-Key": "nope"}
        )
        assert wrong.status_code == 401
