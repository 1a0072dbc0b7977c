"""CloudEvents 1.0, JSON structured mode: the one envelope every sink sends.

A dozen lines of orjson rather than the `cloudevents` SDK at run time: the SDK encodes with the
standard `json` module and asks for `time` as a datetime; the tests parse our output with the
SDK's own JSON format and validator, so the two cannot drift.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

import orjson

from llm_schema_registry.events.model import Event
from llm_schema_registry.registry.contexts import DEFAULT_CONTEXT, context_of

SPECVERSION = "1.0"
CONTENT_TYPE = "application/cloudevents+json"  # structured mode: the whole envelope is the body
DATA_CONTENT_TYPE = "application/json"
DEFAULT_SOURCE = "llm-schema-registry"  # a URI-reference; deployments set their public URL


def rfc3339(event: Event) -> str:
    """`time` in RFC 3339, UTC, to the millisecond, with a `Z`."""
    return event.time.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def to_cloudevent(event: Event, source: str = DEFAULT_SOURCE) -> dict[str, Any]:
    """The envelope as a dict; `subject`, `sequence` and `traceparent` only when set, and
    `context` when the subject is in a named context (`:.team-a:orders` → `.team-a`)."""
    envelope: dict[str, Any] = {
        "specversion": SPECVERSION,
        "id": event.id,
        "source": source,
        "type": str(event.type),
    }
    if event.subject is not None:
        envelope["subject"] = event.subject
        if (context := context_of(event.subject)) != DEFAULT_CONTEXT:
            envelope["context"] = context  # an extension attribute: the subject's context
    envelope["time"] = rfc3339(event)
    envelope["datacontenttype"] = DATA_CONTENT_TYPE
    if event.sequence is not None:
        envelope["sequence"] = event.sequence
    if event.traceparent is not None:
        envelope["traceparent"] = event.traceparent
    envelope["data"] = event.data
    return envelope


def encode(event: Event, source: str = DEFAULT_SOURCE) -> bytes:
    """The envelope as compact JSON bytes (one line, so it also fits an SSE `data:` field)."""
    return orjson.dumps(to_cloudevent(event, source))
