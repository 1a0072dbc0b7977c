"""The registry as an MCP server (the official `mcp` SDK's low-level `Server`): the tools of
`tools.py`, each subject's versions as resources (`schema://{subject}/{version}`), and the
registered prompt templates as prompts, rendered by the registry.

Every handler asks the registry through an SDK client that `Clients` hands out per request:
over stdio one client for the configured URL and credentials; over streamable HTTP a client
carrying the caller's own credentials, so REST's authentication, roles, scopes, rate limits
and audit trail apply to every call unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from typing import Any
from urllib.parse import quote, unquote

from mcp import types
from mcp.server.lowlevel import Server
from mcp.server.lowlevel.helper_types import ReadResourceContents
from pydantic import AnyUrl

from llm_schema_registry import __version__
from llm_schema_registry.client import AsyncRegistryClient, SchemaRegistryError
from llm_schema_registry.mcp_server.tools import BY_NAME, TOOLS

# A client for the request being handled, closed after it.
Clients = Callable[[], AbstractAsyncContextManager[AsyncRegistryClient]]

SCHEME = "schema://"
MAX_LISTED = 200  # subjects looked at when listing resources and prompts
INSTRUCTIONS = (
    "The LLM Schema Registry: find registered schemas and prompt templates, check a schema "
    "or a model's output before relying on it, export schemas for LLM providers, and (with "
    "a role that may) register or deprecate versions."
)


def resource_uri(subject: str, version: int | str) -> str:
    return f"{SCHEME}{quote(subject, safe='')}/{version}"


def parse_uri(uri: str) -> tuple[str, str]:
    """(subject, version) of `schema://{subject}/{version}`."""
    subject, _, version = uri.removeprefix(SCHEME).rpartition("/")
    if not uri.startswith(SCHEME) or not subject or not version:
        raise ValueError(f"Not a schema resource: {uri} (schema://{{subject}}/{{version}})")
    return unquote(subject), version


def build_server(clients: Clients) -> Server[Any, Any]:
    server: Server[Any, Any] = Server("llm-schema-registry", __version__, INSTRUCTIONS)

    @server.list_tools()  # type: ignore[untyped-decorator, no-untyped-call]
    async def list_tools() -> list[types.Tool]:
        return [spec.tool() for spec in TOOLS]

    @server.call_tool()  # type: ignore[untyped-decorator]
    async def call_tool(name: str, arguments: dict[str, Any]) -> dict[str, Any]:
        spec = BY_NAME.get(name)
        if spec is None:
            raise ValueError(f"Unknown tool: {name}")
        async with clients() as client:
            try:
                return await spec.run(client, arguments)
            except SchemaRegistryError as exc:  # the tool's error result names REST's code
                raise RuntimeError(f"error_code {exc.error_code}: {exc.message}") from exc

    @server.list_resource_templates()  # type: ignore[untyped-decorator, no-untyped-call]
    async def list_templates() -> list[types.ResourceTemplate]:
        return [
            types.ResourceTemplate(
                uriTemplate=SCHEME + "{subject}/{version}",
                name="schema",
                title="A subject's version",
                description="The schema text of a subject's version (`latest` works too)",
            )
        ]

    @server.list_resources()  # type: ignore[untyped-decorator, no-untyped-call]
    async def list_resources() -> list[types.Resource]:
        async with clients() as client:
            return [
                types.Resource(
                    uri=AnyUrl(resource_uri(subject, version)),
                    name=f"{subject} v{version}",
                    mimeType="text/plain",
                )
                for subject in (await client.subjects())[:MAX_LISTED]
                for version in await client.versions(subject)
            ]

    @server.read_resource()  # type: ignore[untyped-decorator, no-untyped-call]
    async def read_resource(uri: AnyUrl) -> Iterable[ReadResourceContents]:
        subject, version = parse_uri(str(uri))
        async with clients() as client:
            found = await client.get_version(subject, version)
        return [ReadResourceContents(content=found.schema, mime_type="text/plain")]

    @server.list_prompts()  # type: ignore[untyped-decorator, no-untyped-call]
    async def list_prompts() -> list[types.Prompt]:
        found = []
        async with clients() as client:
            for subject in (await client.subjects())[:MAX_LISTED]:
                variables = await client.prompt_variables(subject)
                if variables is not None:
                    found.append(prompt_of(subject, variables))
        return found

    @server.get_prompt()  # type: ignore[untyped-decorator, no-untyped-call]
    async def get_prompt(name: str, arguments: dict[str, str] | None) -> types.GetPromptResult:
        async with clients() as client:
            variables = await client.prompt_variables(name)
            if variables is None:
                raise ValueError(f"{name} is not a prompt template")
            given = typed_arguments(variables, arguments or {})
            rendered = await client.render(name, "latest", given)
        # MCP has no system role: a template's system message goes as the user's.
        messages = [
            types.PromptMessage(
                role="assistant" if m["role"] == "assistant" else "user",
                content=types.TextContent(type="text", text=m["content"]),
            )
            for m in rendered.messages
        ]
        return types.GetPromptResult(
            description=f"{name} version {rendered.version}", messages=messages
        )

    return server


def prompt_of(subject: str, variables: dict[str, Any]) -> types.Prompt:
    """A prompt template as MCP lists it: one argument per declared variable."""
    properties = variables.get("properties") or {}
    required = set(variables.get("required") or [])
    return types.Prompt(
        name=subject,
        title=subject,
        description=f"Prompt template {subject} (latest version), rendered by the registry",
        arguments=[
            types.PromptArgument(
                name=name,
                description=str((spec or {}).get("description") or f"variable {name}"),
                required=name in required,
            )
            for name, spec in properties.items()
        ],
    )


def typed_arguments(variables: dict[str, Any], arguments: dict[str, str]) -> dict[str, Any]:
    """MCP prompt arguments are strings: a variable declared as anything but a string is
    read as JSON (`3`, `true`, `["a"]`), and left a string when it is not JSON."""
    properties = variables.get("properties") or {}
    typed: dict[str, Any] = {}
    for name, text in arguments.items():
        declared = (properties.get(name) or {}).get("type")
        if declared == "string" or declared is None:
            typed[name] = text
            continue
        try:
            typed[name] = json.loads(text)
        except ValueError:
            typed[name] = text  # the registry names the variable and its path as invalid
    return typed
