"""Confluent's media types and the JSON response class every route uses."""

from __future__ import annotations

import json
from typing import Any

import orjson
from starlette.responses import JSONResponse

V1_JSON = "application/vnd.schemaregistry.v1+json"
VENDOR_JSON = "application/vnd.schemaregistry+json"
PLAIN_JSON = "application/json"
OCTET_STREAM = "application/octet-stream"
PREFERENCE = (V1_JSON, VENDOR_JSON, PLAIN_JSON)
# What request bodies may be labelled: Confluent's resources `@Consumes` these four.
CONSUMED = (*PREFERENCE, OCTET_STREAM)


def dumps(content: Any) -> bytes:
    """JSON bytes by orjson, which refuses integers beyond 64 bits: those (free-form JSON a
    client stored, e.g. in metadata) are written by the standard library instead of a 500."""
    try:
        return orjson.dumps(content)
    except TypeError:  # orjson.JSONEncodeError
        return json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode()


class RegistryJSONResponse(JSONResponse):
    """orjson-encoded body with Confluent's default content type."""

    media_type = V1_JSON

    def render(self, content: Any) -> bytes:
        return dumps(content)


def _wildcard(kind: str) -> bool:
    """Whether Jersey matches `kind` (type/subtype, lowercase) with application/json: its
    `MediaType.isCompatible` takes any `*` type (whatever the subtype) and `application/*`."""
    main, _, _sub = kind.partition("/")
    return main == "*" or kind == "application/*"


def _media_type(item: str) -> str:
    """An Accept item's type/subtype, lowercase. A bare type means type/* (Jersey's
    `AcceptableMediaType.valueOf`: "Some HTTP implements use "*" to mean "*/*""), so "*" and
    "application" are wildcards too."""
    kind = item.strip().lower()
    return kind if "/" in kind else f"{kind}/*"


def consumable(content_type: str) -> bool:
    """Whether a request body labelled `content_type` is read: what Confluent's resources
    `@Consumes`, or a type Jersey finds compatible with them (a wildcard)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    return kind in CONSUMED or ("/" in kind and _wildcard(kind))


def negotiate(accept: str) -> str | None:
    """The response media type for an Accept header, or None when nothing we serve fits.

    As Jersey negotiates for Confluent's resources (`@Produces` v1, vendor and plain JSON,
    weighted in that order; Confluent's `SchemaRegistryRestApplication` runs on Jersey):
    highest quality wins, wildcards take Confluent's preferred type, and among equals
    Confluent's own preference (v1, vendor, plain JSON) decides.
    """
    if not accept.strip():
        return V1_JSON
    options: list[tuple[float, int, str]] = []
    for item in accept.split(","):
        raw, *params = item.split(";")
        kind = _media_type(raw)
        quality = 1.0
        for param in params:
            name, _, value = param.strip().lower().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if (kind in PREFERENCE or _wildcard(kind)) and quality > 0:
            chosen = kind if kind in PREFERENCE else V1_JSON
            options.append((-quality, PREFERENCE.index(chosen), chosen))
    return min(options)[2] if options else None
