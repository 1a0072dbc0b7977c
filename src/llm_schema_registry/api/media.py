"""Confluent's media types and the JSON response class every route uses."""

from __future__ import annotations

from typing import Any

import orjson
from starlette.responses import JSONResponse

V1_JSON = "application/vnd.schemaregistry.v1+json"
VENDOR_JSON = "application/vnd.schemaregistry+json"
PLAIN_JSON = "application/json"
PREFERENCE = (V1_JSON, VENDOR_JSON, PLAIN_JSON)
ACCEPTABLE = (*PREFERENCE, "application/*", "*/*")


class RegistryJSONResponse(JSONResponse):
    """orjson-encoded body with Confluent's default content type."""

    media_type = V1_JSON

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def negotiate(accept: str) -> str | None:
    """The response media type for an Accept header, or None when nothing we serve fits.

    Highest quality wins; among equals, Confluent's own preference (v1, vendor, plain JSON).
    """
    if not accept.strip():
        return V1_JSON
    options: list[tuple[float, int, str]] = []
    for item in accept.split(","):
        kind, *params = (part.strip().lower() for part in item.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if kind in ACCEPTABLE and quality > 0:
            chosen = kind if kind in PREFERENCE else V1_JSON
            options.append((-quality, PREFERENCE.index(chosen), chosen))
    return min(options)[2] if options else None
