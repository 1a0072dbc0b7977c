"""gRPC as the SDK's transport: `RegistryClient("grpc://host:9090")` (`grpcs://` for TLS).

The clients hand each `Call` here instead of to httpx; `rpc_calls.translate` turns it into an
RPC and its reply back into REST's JSON. Credentials go in the metadata (`x-api-key`,
`authorization`), and a failed RPC becomes the SDK error REST's reply would have: the
registry puts the Confluent code and message in the status details, from which the HTTP
status follows; an unreachable registry is `RegistryUnavailableError` (retried).
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import grpc
from google.rpc import status_pb2

from llm_schema_registry.client.errors import (
    RegistryUnavailableError,
    SchemaRegistryError,
    error_for,
)
from llm_schema_registry.client.events import RESUME_HEADER, ChangeEvent, EventCursor
from llm_schema_registry.client.rpc_calls import Translation, translate
from llm_schema_registry.client.transport import Call, ClientOptions
from llm_schema_registry.rpc import method_path
from llm_schema_registry.rpc.v1 import registry_pb2 as pb

SCHEMES = ("grpc://", "grpcs://")
DETAILS_KEY = "grpc-status-details-bin"
# What a status without the registry's details stands for, as an HTTP status.
_HTTP_BY_STATUS = {
    grpc.StatusCode.INVALID_ARGUMENT: 400,
    grpc.StatusCode.UNAUTHENTICATED: 401,
    grpc.StatusCode.PERMISSION_DENIED: 403,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 429,
    grpc.StatusCode.UNIMPLEMENTED: 501,
}
_UNREACHABLE = (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)


def is_grpc(url: str) -> bool:
    return url.startswith(SCHEMES)


def _target(url: str) -> tuple[str, bool]:
    """`grpcs://host:port/` -> ("host:port", TLS?)."""
    scheme, _, rest = url.partition("://")
    return rest.rstrip("/"), scheme == "grpcs"


def call_metadata(options: ClientOptions) -> tuple[tuple[str, str], ...]:
    found = [(name.lower(), value) for name, value in options.headers.items()]
    if options.api_key:
        found.append(("x-api-key", options.api_key))
    if options.bearer_token:
        found.append(("authorization", f"Bearer {options.bearer_token}"))
    elif options.basic_auth:
        token = base64.b64encode(":".join(options.basic_auth).encode()).decode()
        found.append(("authorization", f"Basic {token}"))
    return tuple(found)


def sdk_error(
    url: str, code: grpc.StatusCode, details: str | None, trailers: Any
) -> SchemaRegistryError:
    """The SDK error a failed RPC stands for (see the module docstring)."""
    for key, value in trailers or ():
        if key == DETAILS_KEY and isinstance(value, bytes):
            for packed in status_pb2.Status.FromString(value).details:
                found = pb.ErrorDetail()
                if packed.Unpack(found):
                    body = {"error_code": found.error_code, "message": found.message}
                    return error_for(int(str(found.error_code)[:3]), body)
    if code in _UNREACHABLE:
        return RegistryUnavailableError(f"registry at {url} unreachable: {details}")
    status = _HTTP_BY_STATUS.get(code, 500)
    return error_for(status, {"error_code": status, "message": details or code.name})


WATCH = method_path("WatchEvents")


def watch_request(cursor: EventCursor) -> pb.WatchEventsRequest:
    request = pb.WatchEventsRequest(types=cursor.types, subjects=cursor.subjects)
    if cursor.after is not None:
        request.after_sequence = cursor.after
    return request


def change_event(message: pb.ChangeEvent) -> ChangeEvent:
    """The event as REST streams it: its CloudEvent rebuilt from the message's fields."""
    envelope: dict[str, Any] = {
        "specversion": "1.0",
        "id": message.id,
        "source": message.source,
        "type": message.type,
    }
    if message.HasField("subject"):
        envelope["subject"] = message.subject
    envelope.update(time=message.time, datacontenttype="application/json")
    envelope["sequence"] = message.sequence
    if message.HasField("traceparent"):
        envelope["traceparent"] = message.traceparent
    envelope["data"] = json.loads(message.data or "{}")
    return ChangeEvent.from_cloudevent(envelope)


def _resume_after(metadata: Any) -> str | None:
    found = dict(metadata or ()).get(RESUME_HEADER)
    return found if isinstance(found, str) else None


class _Channel:
    """What both transports share: the target, credentials and the call's translation."""

    def __init__(self, options: ClientOptions) -> None:
        self.url = options.url
        self.target, self.secure = _target(options.url)
        self.metadata = call_metadata(options)
        self.timeout = options.timeout


class GrpcTransport(_Channel):
    """Answers calls over a blocking gRPC channel."""

    def __init__(self, options: ClientOptions) -> None:
        super().__init__(options)
        self._channel = (
            grpc.secure_channel(self.target, grpc.ssl_channel_credentials())
            if self.secure
            else grpc.insecure_channel(self.target)
        )

    def answer(self, call: Call) -> Any:
        rpc = translate(call)
        method = self._channel.unary_unary(
            method_path(rpc.rpc),
            request_serializer=_encode,
            response_deserializer=rpc.reply.FromString,
        )
        try:
            reply = method(rpc.request, metadata=self.metadata, timeout=self.timeout)
        except grpc.RpcError as failed:
            if not isinstance(failed, grpc.Call):
                raise
            error = sdk_error(self.url, failed.code(), failed.details(), failed.trailing_metadata())
            raise error from None
        return rpc.decode(reply)

    def watch(self, cursor: EventCursor) -> Iterator[ChangeEvent]:
        """`WatchEvents` from where `cursor` is (no deadline: a stream lasts)."""
        method = self._channel.unary_stream(
            WATCH, request_serializer=_encode, response_deserializer=pb.ChangeEvent.FromString
        )
        call = method(watch_request(cursor), metadata=self.metadata)
        try:
            cursor.started(_resume_after(call.initial_metadata()))
            for message in call:
                yield cursor.delivered(change_event(message))
        except grpc.RpcError as failed:
            if not isinstance(failed, grpc.Call):
                raise
            error = sdk_error(self.url, failed.code(), failed.details(), failed.trailing_metadata())
            raise error from None
        finally:
            call.cancel()

    def close(self) -> None:
        self._channel.close()


class AsyncGrpcTransport(_Channel):
    """Answers calls over a grpc.aio channel, opened on the first call (inside the loop)."""

    def __init__(self, options: ClientOptions) -> None:
        super().__init__(options)
        self._channel: grpc.aio.Channel | None = None

    def _open(self) -> grpc.aio.Channel:
        if self._channel is None:
            self._channel = (
                grpc.aio.secure_channel(self.target, grpc.ssl_channel_credentials())
                if self.secure
                else grpc.aio.insecure_channel(self.target)
            )
        return self._channel

    async def answer(self, call: Call) -> Any:
        rpc: Translation = translate(call)
        method = self._open().unary_unary(
            method_path(rpc.rpc),
            request_serializer=_encode,
            response_deserializer=rpc.reply.FromString,
        )
        try:
            reply = await method(rpc.request, metadata=self.metadata, timeout=self.timeout)
        except grpc.aio.AioRpcError as failed:
            error = sdk_error(self.url, failed.code(), failed.details(), failed.trailing_metadata())
            raise error from None
        return rpc.decode(reply)

    async def watch(self, cursor: EventCursor) -> AsyncIterator[ChangeEvent]:
        """`WatchEvents` from where `cursor` is (no deadline: a stream lasts)."""
        method = self._open().unary_stream(
            WATCH, request_serializer=_encode, response_deserializer=pb.ChangeEvent.FromString
        )
        call = method(watch_request(cursor), metadata=self.metadata)
        try:
            cursor.started(_resume_after(await call.initial_metadata()))
            async for message in call:
                yield cursor.delivered(change_event(message))
        except grpc.aio.AioRpcError as failed:
            error = sdk_error(self.url, failed.code(), failed.details(), failed.trailing_metadata())
            raise error from None
        finally:
            call.cancel()

    async def close(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel = None


def _encode(message: Any) -> bytes:
    encoded: bytes = message.SerializeToString()
    return encoded
