"""The servicer's methods as grpc.aio method handlers, one per method of the contract's service
descriptor: per call the gate (security), then the method; an error ends the call with its
status (`errors.py`). Requests and replies are the generated messages; a method may answer
bytes it encoded before (the cached `GetSchemaById`)."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from functools import partial
from typing import Any

import grpc
from google.protobuf.message import Message

from llm_schema_registry.grpc_api.access import Declared, declared
from llm_schema_registry.grpc_api.errors import UNEXPECTED, CodeFor, error_status, http_status
from llm_schema_registry.grpc_api.gate import CallInfo, Gate
from llm_schema_registry.observability import metrics
from llm_schema_registry.rpc import SERVICE, method_path
from llm_schema_registry.rpc.v1 import registry_pb2 as pb
from llm_schema_registry.security.principals import Principal

_log = logging.getLogger("llm_schema_registry.grpc")
Context = grpc.aio.ServicerContext[Any, Any]
Unary = Callable[[Any], Awaitable[Any]]
Streaming = Callable[[Any, AsyncIterator[Any]], Awaitable[Any]]
# A reply stream for one caller: set up (its initial metadata and replies), then iterated.
Watching = Callable[
    [Any, Principal], Awaitable[tuple[tuple[tuple[str, str], ...], AsyncIterator[Any]]]
]


class RpcDeclarationError(Exception):
    """A method of the contract the servicer lacks, or one declaring no permission (a
    programming error, found at start-up)."""


def encode(reply: Message | bytes) -> bytes:
    return reply if isinstance(reply, bytes) else reply.SerializeToString()


class Handlers:
    """Builds the handler of each RPC around the gate and the error table."""

    def __init__(self, gate: Gate, code_for: CodeFor) -> None:
        self.gate = gate
        self.code_for = code_for

    def service(self, servicer: object) -> grpc.GenericRpcHandler:
        """`servicer`'s methods as the contract's service (see the module docstring)."""
        handlers: dict[str, grpc.RpcMethodHandler[Any, Any]] = {}
        missing: list[str] = []
        for method in pb.DESCRIPTOR.services_by_name[SERVICE.rsplit(".", 1)[1]].methods:
            implementation = getattr(servicer, method.name, None)
            rule = declared(implementation)
            if implementation is None or rule is None:
                missing.append(method.name)
                continue
            request_class = getattr(pb, method.input_type.name)
            parse = request_class.FromString
            if method.server_streaming:
                watching = self._watching(method.name, rule, implementation)
                handlers[method.name] = grpc.unary_stream_rpc_method_handler(
                    watching, request_deserializer=parse, response_serializer=encode
                )
            elif method.client_streaming:
                behaviour = self._streaming(method.name, rule, implementation, request_class)
                handlers[method.name] = grpc.stream_unary_rpc_method_handler(
                    behaviour, request_deserializer=parse, response_serializer=encode
                )
            else:
                behaviour = self._unary(method.name, rule, implementation)
                handlers[method.name] = grpc.unary_unary_rpc_method_handler(
                    behaviour, request_deserializer=parse, response_serializer=encode
                )
        if missing:
            raise RpcDeclarationError(
                "RPCs without an implementation declaring a permission (@rpc): "
                + ", ".join(missing)
            )
        return grpc.method_handlers_generic_handler(SERVICE, handlers)

    def _unary(self, name: str, rule: Declared, method: Unary) -> Callable[..., Awaitable[Any]]:
        path = method_path(name)
        open_call = self.gate.open_for(rule)  # nothing to check: the method straight away

        async def handle(request: Any, context: Context) -> Any:
            started = time.perf_counter()
            try:
                if open_call:
                    reply = await method(request)
                else:
                    body = partial(method, request)
                    reply = await self._run(rule, path, request, context, body)
            except Exception as error:
                status = self._failed(path, error, started)
                await context.abort(status.code, status.details, status.trailing_metadata)
            metrics.REQUEST_STATS.record("GRPC", path, 200, time.perf_counter() - started)
            return reply

        return handle

    def _streaming(
        self, name: str, rule: Declared, method: Streaming, request_class: type[Message]
    ) -> Callable[..., Awaitable[Any]]:
        """The gate judges the first message (it names the schema); the rest stream on."""
        path = method_path(name)

        async def handle(requests: AsyncIterator[Any], context: Context) -> Any:
            started = time.perf_counter()
            try:
                first = await anext(aiter(requests), None)
                if first is None:  # nothing sent: as one empty message
                    first = request_class()
                body = partial(method, first, requests)
                reply = await self._run(rule, path, first, context, body)
            except Exception as error:
                status = self._failed(path, error, started)
                await context.abort(status.code, status.details, status.trailing_metadata)
            metrics.REQUEST_STATS.record("GRPC", path, 200, time.perf_counter() - started)
            return reply

        return handle

    def _watching(
        self, name: str, rule: Declared, method: Watching
    ) -> Callable[..., AsyncIterator[Any]]:
        """A reply stream: the gate admits the caller, whom the method serves as it goes. The
        initial metadata goes out once the method has set the stream up, so a client awaiting
        it knows that whatever happens from then on reaches it."""
        path = method_path(name)

        async def handle(request: Any, context: Context) -> AsyncIterator[Any]:
            started = time.perf_counter()
            try:
                call = CallInfo.of(path, tuple(context.invocation_metadata() or ()), context.peer())
                principal = await self.gate.admit(rule, request, call)
                metadata, replies = await method(request, principal)
                await context.send_initial_metadata(metadata)
                async for reply in replies:
                    yield reply
            except Exception as error:
                status = self._failed(path, error, started)
                await context.abort(status.code, status.details, status.trailing_metadata)
            metrics.REQUEST_STATS.record("GRPC", path, 200, time.perf_counter() - started)

        return handle

    async def _run(
        self,
        rule: Declared,
        path: str,
        request: Any,
        context: Context,
        body: Callable[[], Awaitable[Any]],
    ) -> Any:
        if self.gate.open_for(rule):
            return await body()
        call = CallInfo.of(path, tuple(context.invocation_metadata() or ()), context.peer())
        return await self.gate.run(rule, request, call, body)

    def _failed(self, path: str, error: Exception, started: float) -> grpc.Status:
        code = self.code_for(error)
        if code is None:
            _log.error("unexpected error in %s", path, exc_info=error)
        http = http_status(code) if code is not None else UNEXPECTED
        metrics.REQUEST_STATS.record("GRPC", path, http, time.perf_counter() - started)
        return error_status(error, code)
