"""The registry as an MCP server (Model Context Protocol, the official `mcp` SDK): tools,
schema resources and prompt templates over stdio (`llm-schema mcp`) or streamable HTTP at
`/mcp`. An edge over the Python SDK: every call is a REST call with the caller's
credentials (docs/mcp.md)."""

from llm_schema_registry.mcp_server.server import build_server
from llm_schema_registry.mcp_server.transports import PATH, McpEndpoint, run_stdio

__all__ = ["PATH", "McpEndpoint", "build_server", "run_stdio"]
