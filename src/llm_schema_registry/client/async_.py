"""`AsyncRegistryClient`: the asyncio SDK, the methods of `methods.py` run awaiting."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from types import TracebackType
from typing import Any

import httpx
from httpx_sse import aconnect_sse
from tenacity import AsyncRetrying

from llm_schema_registry.client.driver import Awaiting
from llm_schema_registry.client.events import STREAM_PATH, ChangeEvent, EventCursor
from llm_schema_registry.client.grpc_transport import AsyncGrpcTransport
from llm_schema_registry.client.methods import RegistryMethods
from llm_schema_registry.client.transport import Call, decode, reaching, request_kwargs


class AsyncRegistryClient(RegistryMethods[httpx.AsyncClient, AsyncGrpcTransport], Awaiting):
    """The SDK, awaiting: `async with AsyncRegistryClient(url) as client: await ...`.
    Caching, retries and auth as `RegistryMethods` says."""

    _http_class = httpx.AsyncClient
    _grpc_class = AsyncGrpcTransport

    async def _answer(self, call: Call) -> Any:
        return await AsyncRetrying(**self.options.retry_kwargs())(self._send, call)

    async def _send(self, call: Call) -> Any:
        self.requests_sent += 1
        if self._grpc is not None:
            return await self._grpc.answer(call)
        with reaching(self.options.url):
            response = await self._http.request(call.method, call.path, **request_kwargs(call))
        return decode(call, response)

    async def events(
        self,
        after: int | None = None,
        *,
        types: Iterable[str] | None = None,
        subjects: Iterable[str] | None = None,
    ) -> AsyncIterator[ChangeEvent]:
        """The registry's change events after sequence `after` (None: from now on), then live
        ones, forever; `types` and `subjects` (globs) narrow them. A dropped connection is
        resumed where it stopped (`client/events.py`)."""
        cursor = EventCursor.of(self.options, after, types, subjects)
        while True:
            try:
                async for event in self._follow(cursor):
                    yield event
            except Exception as error:
                await asyncio.sleep(cursor.dropped(error))

    async def _follow(self, cursor: EventCursor) -> AsyncIterator[ChangeEvent]:
        """One connection's events: over gRPC (`WatchEvents`) or SSE."""
        if self._grpc is not None:
            async for watched in self._grpc.watch(cursor):
                yield watched
            return
        async with aconnect_sse(self._http, "GET", STREAM_PATH, **cursor.request()) as source:
            if source.response.is_error:
                await source.response.aread()
            cursor.opened(source.response)
            async for frame in source.aiter_sse():
                if (event := cursor.take(frame)) is not None:
                    yield event

    async def close(self) -> None:
        if self._grpc is not None:
            await self._grpc.close()
        await self._http.aclose()

    async def __aenter__(self) -> AsyncRegistryClient:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()
