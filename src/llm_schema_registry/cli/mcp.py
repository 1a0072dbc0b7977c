"""`llm-schema mcp`: the registry as an MCP server over stdio, for agents and IDEs that start
their tools as processes (the registry's own `/mcp` serves streamable HTTP)."""

from __future__ import annotations

import typer

from llm_schema_registry.cli.context import ctx_of
from llm_schema_registry.client import AsyncRegistryClient


def mcp(ctx: typer.Context) -> None:
    """Serve MCP over stdin/stdout: tools, schema resources and prompt templates of the
    registry at --url, asked with the usual credentials (--api-key, --basic-auth, --token)."""
    try:
        from llm_schema_registry.mcp_server import run_stdio
    except ImportError as exc:
        raise typer.BadParameter(
            f"the MCP server needs the `mcp` extra (pip install 'llm-schema-registry[mcp]'): {exc}"
        ) from exc
    cli = ctx_of(ctx)
    basic = None
    if cli.basic_auth:
        key_id, _, secret = cli.basic_auth.partition(":")
        basic = (key_id, secret)
    client = AsyncRegistryClient(
        cli.url, api_key=cli.api_key, basic_auth=basic, bearer_token=cli.token, retries=2
    )
    run_stdio(client)
