"""The gRPC contract, `llm_schema_registry.v1`: `v1/registry.proto` and the code protoc makes
from it (`v1/registry_pb2.py`, `.pyi`, `registry_pb2_grpc.py`), committed and regenerated with
`python -m llm_schema_registry.rpc.codegen` (a test checks they match the .proto).

Neutral ground: the server's gRPC edge (`grpc_api`) and the SDK's gRPC transport both import
it, and `shapes` converts between its messages and the REST API's JSON objects for both.
"""

from __future__ import annotations

from pathlib import Path

PROTO = Path(__file__).parent / "v1" / "registry.proto"
SERVICE = "llm_schema_registry.v1.SchemaRegistry"


def proto_text() -> str:
    """The service's .proto, as shipped (what `llm-schema grpc proto` prints)."""
    return PROTO.read_text(encoding="utf-8")


def method_path(name: str) -> str:
    """The HTTP/2 path of one RPC, e.g. `/llm_schema_registry.v1.SchemaRegistry/GetVersion`."""
    return f"/{SERVICE}/{name}"
