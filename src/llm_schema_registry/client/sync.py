"""`RegistryClient`: the synchronous SDK, the methods of `methods.py` run blocking."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import Any

import httpx
from httpx_sse import connect_sse
from tenacity import Retrying

from llm_schema_registry.client.driver import Blocking
from llm_schema_registry.client.events import STREAM_PATH, ChangeEvent, EventCursor
from llm_schema_registry.client.grpc_transport import GrpcTransport
from llm_schema_registry.client.methods import RegistryMethods
from llm_schema_registry.client.transport import Call, decode, reaching, request_kwargs


class RegistryClient(RegistryMethods[httpx.Client, GrpcTransport], Blocking):
    """The SDK, blocking: `with RegistryClient(url) as client: client.register(...)`.
    Caching, retries and auth as `RegistryMethods` says."""

    _http_class = httpx.Client
    _grpc_class = GrpcTransport

    def _answer(self, call: Call) -> Any:
        return Retrying(**self.options.retry_kwargs())(self._send, call)

    def _send(self, call: Call) -> Any:
        self.requests_sent += 1
        if self._grpc is not None:
            return self._grpc.answer(call)
        with reaching(self.options.url):
            response = self._http.request(call.method, call.path, **request_kwargs(call))
        return decode(call, response)

    def events(
        self,
        after: int | None = None,
        *,
        types: Iterable[str] | None = None,
        subjects: Iterable[str] | None = None,
    ) -> Iterator[ChangeEvent]:
        """The registry's change events after sequence `after` (None: from now on), then live
        ones, forever; `types` and `subjects` (globs) narrow them. A dropped connection is
        resumed where it stopped (`client/events.py`)."""
        cursor = EventCursor.of(self.options, after, types, subjects)
        while True:
            try:
                yield from self._follow(cursor)
            except Exception as error:
                time.sleep(cursor.dropped(error))

    def _follow(self, cursor: EventCursor) -> Iterator[ChangeEvent]:
        """One connection's events: over gRPC (`WatchEvents`) or SSE."""
        if self._grpc is not None:
            yield from self._grpc.watch(cursor)
            return
        with connect_sse(self._http, "GET", STREAM_PATH, **cursor.request()) as source:
            if source.response.is_error:
                source.response.read()
            cursor.opened(source.response)
            for frame in source.iter_sse():
                if (event := cursor.take(frame)) is not None:
                    yield event

    def close(self) -> None:
        if self._grpc is not None:
            self._grpc.close()
        self._http.close()

    def __enter__(self) -> RegistryClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
