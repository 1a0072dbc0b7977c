"""The MCP server's two transports: stdio (`llm-schema mcp`, a registry URL and credentials)
and streamable HTTP, mounted by the registry at `/mcp`.

Over HTTP the server holds no session state (`stateless`), so any node of a cluster answers
any request. The `/mcp` route itself is declared like every route (authenticated, `READ`),
and each tool call is a REST call into the very app, in-process, carrying the credential the
caller sent (`Authorization`, `X-API-Key`): a role that may not register gets REST's 403 as
the tool's error, and the audit trail records what it tried.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager

import anyio
import httpx
from mcp.server.stdio import stdio_server
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

from llm_schema_registry.asgi import ASGIApp, Receive, Scope, Send
from llm_schema_registry.client import AsyncRegistryClient
from llm_schema_registry.mcp_server.server import build_server

PATH = "/mcp"
PASSED_ON = ("authorization", "x-api-key")  # the caller's credential, as it came
IN_PROCESS = "http://registry"


def run_stdio(client: AsyncRegistryClient) -> None:
    """Serve MCP over stdin/stdout until the other side hangs up; every request asks the
    registry through `client` (closed at the end)."""

    async def serve() -> None:
        async with client:

            @asynccontextmanager
            async def clients() -> AsyncIterator[AsyncRegistryClient]:
                yield client

            server = build_server(clients)
            async with stdio_server() as (read, write):
                await server.run(read, write, server.create_initialization_options())

    anyio.run(serve)


class McpEndpoint:
    """The streamable-HTTP endpoint (an ASGI app for the `/mcp` route). `bind` names the
    whole app, security layer included, which the tool calls go through; `start`/`stop`
    run the session manager with the registry."""

    def __init__(self) -> None:
        self._app: ASGIApp | None = None
        self._server = build_server(self._clients)
        self._manager: StreamableHTTPSessionManager | None = None
        self._running = AsyncExitStack()

    def bind(self, app: ASGIApp) -> None:
        self._app = app

    async def start(self) -> None:
        # a manager runs once: a new one per start (tests start apps again)
        self._manager = StreamableHTTPSessionManager(self._server, stateless=True)
        await self._running.enter_async_context(self._manager.run())

    async def stop(self) -> None:
        await self._running.aclose()
        self._manager = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._manager is None:
            raise RuntimeError("the MCP endpoint is not started")
        await self._manager.handle_request(scope, receive, send)

    @asynccontextmanager
    async def _clients(self) -> AsyncIterator[AsyncRegistryClient]:
        if self._app is None:
            raise RuntimeError("the MCP endpoint is not bound to the registry app")
        request = self._server.request_context.request
        sent = getattr(request, "headers", {})
        headers = {name: sent[name] for name in PASSED_ON if name in sent}
        client = AsyncRegistryClient(
            IN_PROCESS,
            headers=headers,
            retries=0,
            transport=httpx.ASGITransport(app=self._app),
        )
        try:
            yield client
        finally:
            await client.close()
