"""`llm-schema grpc …`: the gRPC API's contract, for code generators in other languages."""

from __future__ import annotations

import sys

import typer

grpc_app = typer.Typer(help="The gRPC API (docs/grpc.md).", no_args_is_help=True)


@grpc_app.command("proto")
def proto() -> None:
    """Print the .proto of llm_schema_registry.v1.SchemaRegistry (feed it to protoc)."""
    from llm_schema_registry.rpc import proto_text

    sys.stdout.write(proto_text())
