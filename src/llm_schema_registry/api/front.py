"""A thin pure-ASGI layer in front of FastAPI.

It answers the hot read (`GET /schemas/ids/{id}`) from pre-encoded bodies without entering
the framework (a FastAPI route costs ~4x a raw ASGI callable here), and fixes up what the
framework would get wrong for Confluent clients: `%2F` inside subject names (routing must use
the raw path), trailing slashes, JSON bodies labelled `application/octet-stream`, content
negotiation as Jersey does it for Confluent (415 for a body type it does not read, 406 for an
`Accept` it cannot serve; see api/media.py) and the request size limit. Everything else
falls through to the framework unchanged.
"""

from __future__ import annotations

import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

from llm_schema_registry.api.errors import (
    BodyTooLargeError,
    NotAcceptableError,
    UnsupportedMediaTypeError,
    send_error,
)
from llm_schema_registry.api.media import V1_JSON, consumable, dumps, negotiate
from llm_schema_registry.asgi import ASGIApp, Message, Receive, Scope, Send, read_within, replay
from llm_schema_registry.observability import metrics
from llm_schema_registry.observability.context import request_id_for

# Stands in for an encoded slash inside a path segment until the route decodes it.
SLASH_PLACEHOLDER = "\ue000"
IDS_PREFIX = "/schemas/ids/"
HOT_ENDPOINT = "/schemas/ids/{id}"
# Not JSON: these answer their own media types (the live stream: `text/event-stream`).
_NEGOTIATION_EXEMPT = (
    "/metrics",
    "/health",
    "/docs",
    "/redoc",
    "/openapi.json",
    "/ui",
    "/events/stream",
)
CACHE_CONTROL = b"public, max-age=3600"
_CACHE_CONTROL_HEADER = (b"cache-control", CACHE_CONTROL)
_V1_JSON_BYTES = V1_JSON.encode()
BODY_METHODS = ("POST", "PUT", "PATCH")
MAX_ID = 2**31 - 1  # past it the route answers 404 without reading


def decode_segment(value: str) -> str:
    """A path parameter as the client meant it (`%2F` inside a subject is a slash)."""
    return value.replace(SLASH_PLACEHOLDER, "/")


class CachedBody:
    """A pre-encoded body and its etag. The response headers are built per request (a few
    tuples: far less than keeping them would cost a million entries in memory)."""

    __slots__ = ("body", "etag")

    def __init__(self, body: bytes, etag: bytes) -> None:
        self.body = body
        self.etag = etag


# What an entry costs beyond its body: the object, its etag, its key and the dict slot
# (measured with tracemalloc over 100,000 small schemas: ~280 bytes, was ~790 with the
# response headers kept in each entry),
# so tiny schemas are bounded too.
ENTRY_OVERHEAD_BYTES = 300
DEFAULT_BODY_CACHE_BYTES = 64 * 1024 * 1024


def encode_body(payload: dict[str, Any]) -> CachedBody:
    """`payload` as the cached body `GET /schemas/ids/{id}` answers."""
    # A copy: orjson's own result keeps a 4 KiB buffer (measured with tracemalloc),
    # which would make every small schema cost 4 KiB while cached.
    body = bytes(memoryview(dumps(payload)))
    return CachedBody(body, b'"' + hashlib.sha256(body).hexdigest()[:32].encode() + b'"')


class SchemaBodyCache:
    """Pre-encoded `GET /schemas/ids/{id}` bodies, least recently used first out once they
    take more than `max_bytes` (bodies plus a fixed overhead each), so a scan over every id
    cannot grow memory without limit. Content by id never changes, so an entry is otherwise
    only dropped by a permanent delete (`clear`)."""

    def __init__(self, max_bytes: int = DEFAULT_BODY_CACHE_BYTES) -> None:
        self.max_bytes = max_bytes
        self.size_bytes = 0
        self._entries: OrderedDict[int, CachedBody] = OrderedDict()
        self.clears = 0  # moves on every `clear`: what was read before must not enter after

    def get(self, schema_id: int) -> CachedBody | None:
        found = self._entries.get(schema_id)
        if found is not None:
            self._entries.move_to_end(schema_id)
        return found

    def put(self, schema_id: int, payload: dict[str, Any]) -> CachedBody:
        entry = encode_body(payload)
        cost = _cost(entry)
        if cost > self.max_bytes:
            return entry  # served, never kept: it would push everything else out
        self._forget(schema_id)
        self._entries[schema_id] = entry
        self.size_bytes += cost
        while self.size_bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.size_bytes -= _cost(evicted)
            metrics.BODY_CACHE_EVICTIONS.inc()
        self._measured()
        return entry

    def put_if_room(self, schema_id: int, payload: dict[str, Any]) -> bool:
        """Keep `payload`'s body unless that would evict anything (a warm-up never pushes out
        what clients read); False once the cache is full. An id already held stays as is."""
        if schema_id in self._entries:
            return True
        entry = encode_body(payload)
        cost = _cost(entry)
        if self.size_bytes + cost > self.max_bytes:
            return False
        self._entries[schema_id] = entry
        self._entries.move_to_end(schema_id, last=False)  # read ids stay the last to go
        self.size_bytes += cost
        self._measured()
        return True

    def _forget(self, schema_id: int) -> None:
        old = self._entries.pop(schema_id, None)
        if old is not None:
            self.size_bytes -= _cost(old)

    def clear(self) -> None:
        self.clears += 1
        self._entries.clear()
        self.size_bytes = 0
        self._measured()

    def _measured(self) -> None:
        metrics.BODY_CACHE_BYTES.set(self.size_bytes)
        metrics.BODY_CACHE_ENTRIES.set(len(self._entries))

    def __contains__(self, schema_id: int) -> bool:
        return schema_id in self._entries

    def __len__(self) -> int:
        return len(self._entries)


def _cost(entry: CachedBody) -> int:
    return len(entry.body) + ENTRY_OVERHEAD_BYTES


def _plain_subject_query(query: bytes) -> bool:
    """The hot path serves no parameters, or only `subject=` in the default context."""
    if not query:
        return True
    return all(
        part.startswith(b"subject=")
        and not part.startswith(b"subject=%3A")
        and not part.startswith(b"subject=:")
        for part in query.split(b"&")
    )


def _cached_id(segment: str) -> int | None:
    """The id of a `/schemas/ids/{id}` path the cache may hold: ASCII digits of an int32
    (`isdigit()` alone takes "²", which `int()` refuses). Anything else goes to the route."""
    if not (segment.isascii() and segment.isdigit()) or len(segment) > 10:
        return None
    return int(segment)


async def _respond(
    send: Send, status: int, body: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def _serve_cached(
    send: Send, cached: CachedBody, media: str, if_none_match: bytes | None, request_id: bytes
) -> int:
    etag = (b"etag", cached.etag)
    rid = (b"x-request-id", request_id)
    if if_none_match is not None and cached.etag in if_none_match:
        await _respond(send, 304, b"", [etag, _CACHE_CONTROL_HEADER, rid])
        return 304
    body = cached.body
    headers = [
        (b"content-type", _V1_JSON_BYTES if media == V1_JSON else media.encode()),
        (b"content-length", str(len(body)).encode()),
        etag,
        _CACHE_CONTROL_HEADER,
        rid,
    ]
    await _respond(send, 200, body, headers)
    return 200


class FrontLayer:
    """Wraps the FastAPI app (see the module docstring)."""

    def __init__(
        self,
        app: ASGIApp,
        cache: SchemaBodyCache,
        max_body_bytes: int,
        load: Callable[[int], Awaitable[CachedBody | None]] | None = None,
    ) -> None:
        self.app = app
        self.cache = cache
        self.max_body_bytes = max_body_bytes
        self.load = load  # a missed id's body, read with other misses (`api.cold_reads`)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers: dict[bytes, bytes] = dict(scope["headers"])
        media = negotiate(headers.get(b"accept", b"").decode("latin-1"))
        path: str = scope["path"]
        if (
            media is not None
            and scope["method"] == "GET"
            and path.startswith(IDS_PREFIX)
            and _plain_subject_query(scope["query_string"])
            and (schema_id := _cached_id(path[len(IDS_PREFIX) :])) is not None
        ):
            started = time.perf_counter()
            cached = self.cache.get(schema_id)
            if cached is not None:
                metrics.CACHES.hit("schema_bodies")
            else:
                metrics.CACHES.miss("schema_bodies")
                if self.load is not None and schema_id <= MAX_ID:
                    cached = await self.load(schema_id)
            if cached is not None:
                rid = request_id_for(headers.get(b"x-request-id")).encode("latin-1")
                status = await _serve_cached(
                    send, cached, media, headers.get(b"if-none-match"), rid
                )
                metrics.REQUEST_STATS.record(
                    "GET", HOT_ENDPOINT, status, time.perf_counter() - started
                )
                return
        await self._forward(scope, receive, send, headers, media)

    async def _forward(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        headers: dict[bytes, bytes],
        media: str | None,
    ) -> None:
        path: str = scope["path"]
        negotiated = not path.startswith(_NEGOTIATION_EXEMPT)
        label = headers.get(b"content-type")
        json_label = label is None or label.split(b";", 1)[0].strip().lower().endswith(b"json")
        if (
            negotiated
            and label is not None
            and scope["method"] in BODY_METHODS
            and not consumable(label.decode("latin-1"))
        ):
            # Jersey checks `@Consumes` before `@Produces`: 415 comes before 406.
            await send_error(send, UnsupportedMediaTypeError())
            return
        if media is None and negotiated:
            await send_error(send, NotAcceptableError())
            return
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await send_error(send, BodyTooLargeError(self.max_body_bytes))
            return
        # Route on the raw path: an encoded slash inside a subject stays part of the subject.
        raw: bytes = scope.get("raw_path") or b""
        if b"%2f" in raw.lower():
            encoded = raw.split(b"?", 1)[0].decode("latin-1")
            for spelling in ("%2F", "%2f"):
                encoded = encoded.replace(spelling, SLASH_PLACEHOLDER)
            path = unquote(encoded)
        if len(path) > 1 and path.endswith("/"):
            path = path.rstrip("/") or "/"
        scope["path"] = path
        if negotiated and not json_label:
            # Confluent reads JSON bodies labelled octet-stream (or a wildcard); the framework
            # would not.
            scope["headers"] = [
                (k, b"application/json" if k == b"content-type" else v) for k, v in scope["headers"]
            ]
        if declared is None and scope["method"] in ("POST", "PUT", "PATCH"):
            # No length given (chunked): read it here, so an oversized body is refused
            # before the framework sees it, then replay what was read.
            buffered = await read_within(receive, self.max_body_bytes)
            if buffered is None:
                await send_error(send, BodyTooLargeError(self.max_body_bytes))
                return
            receive = replay(buffered, receive)
        await self.app(scope, receive, self._relabel(send, media))

    @staticmethod
    def _relabel(send: Send, media: str | None) -> Send:
        if media in (None, V1_JSON):
            return send

        async def send_relabelled(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [
                    (k, media.encode() if k == b"content-type" and v == V1_JSON.encode() else v)
                    for k, v in message["headers"]
                ]
            await send(message)

        return send_relabelled
