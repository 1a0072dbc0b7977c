"""A bare grpc.aio server answering `GetSchemaById` with fixed bytes: grpcio's own ceiling on
this machine, for `grpc_vs_rest.py` (as `raw_asgi.py` is uvicorn's for REST).

    python bench/raw_grpc.py PORT BODY_FILE
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import grpc
import uvloop


async def serve(port: int, body: bytes) -> None:
    async def answer(request: bytes, context: Any) -> bytes:
        return body

    server = grpc.aio.server()
    handler = grpc.unary_unary_rpc_method_handler(answer)
    service = "llm_schema_registry.v1.SchemaRegistry"
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(service, {"GetSchemaById": handler}),)
    )
    server.add_insecure_port(f"127.0.0.1:{port}")
    await server.start()
    await server.wait_for_termination()


if __name__ == "__main__":
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    asyncio.run(serve(int(sys.argv[1]), Path(sys.argv[2]).read_bytes()))
