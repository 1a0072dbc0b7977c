"""Regenerates the Python modules of `registry.proto` with grpcio-tools' protoc:
`python -m llm_schema_registry.rpc.codegen` writes them beside the .proto."""

from __future__ import annotations

import sys
from pathlib import Path

from grpc_tools import protoc

from llm_schema_registry.rpc import PROTO

# The folder holding the `llm_schema_registry` package: the .proto's import root, so the
# generated modules import each other as `llm_schema_registry.rpc.v1.…`.
ROOT = PROTO.parents[3]
GENERATED = ("registry_pb2.py", "registry_pb2.pyi", "registry_pb2_grpc.py")


def generate(out: Path) -> list[Path]:
    """Writes the generated modules under `out` (as a package tree); returns their paths."""
    status = protoc.main(
        [
            "grpc_tools.protoc",
            f"-I{ROOT}",
            f"--python_out={out}",
            f"--pyi_out={out}",
            f"--grpc_python_out={out}",
            str(PROTO),
        ]
    )
    if status != 0:
        raise RuntimeError(f"protoc failed on {PROTO} (exit {status})")
    folder = out / PROTO.parent.relative_to(ROOT)
    return [folder / name for name in GENERATED]


if __name__ == "__main__":
    for path in generate(ROOT):
        sys.stdout.write(f"wrote {path}\n")
