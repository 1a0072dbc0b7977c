"""Turn `.proto` text (or a base64 `FileDescriptorProto`) into descriptors with real protoc.

protoc runs in-process through grpcio-tools. `_protoc_compiler.get_protos` is a private API:
it returns the generated `*_pb2.py` source of the file and all its imports, or raises
`ProtocErrors` carrying structured (file, 0-based line, 0-based column, message) errors. The
serialized `FileDescriptorProto` of each file is the bytes literal passed to
`AddSerializedFile(...)` in that source, which we read back with `ast` (never executing it).
tests/unit/formats/test_protobuf_parse.py pins this behaviour. Only for a schema carrying
options nobody defined (see undefined_options) does protoc also run as its command line
(`run_main`), for the source positions `get_protos` does not hand out.
"""

from __future__ import annotations

import ast
import base64
import binascii
import importlib.resources
import posixpath
import re
import tempfile
import threading
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import grpc_tools
from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.message import DecodeError
from grpc_tools import _protoc_compiler

from llm_schema_registry.formats.base import InvalidSchemaError
from llm_schema_registry.formats.protobuf import undefined_options

WELL_KNOWN_PREFIX = "google/protobuf/"
# The google/type files Confluent resolves without a reference, as its
# `ProtobufSchema.KNOWN_DEPENDENCIES` lists them (confluentinc/schema-registry,
# protobuf-provider io.confluent.kafka.schemaregistry.protobuf.ProtobufSchema). Our copies
# in formats/protos/google/type come from googleapis (Apache License 2.0, headers kept).
GOOGLE_TYPES = (
    "calendar_period",
    "color",
    "date",
    "datetime",
    "dayofweek",
    "decimal",
    "expr",
    "fraction",
    "interval",
    "latlng",
    "money",
    "month",
    "phone_number",
    "postal_address",
    "quaternion",
    "timeofday",
)
BUNDLED_FILES = frozenset(
    {
        "confluent/meta.proto",
        "confluent/type/decimal.proto",
        "confluent/type/variant.proto",
        *(f"google/type/{name}.proto" for name in GOOGLE_TYPES),
    }
)

# Where grpcio-tools keeps google/protobuf/*.proto, and where our bundled confluent/*.proto
# and google/type/*.proto live. Both go after the per-compile directory on the include path.
_WELL_KNOWN_DIR = Path(grpc_tools.__file__).parent / "_proto"
_BUNDLED_DIR = Path(str(importlib.resources.files("llm_schema_registry.formats") / "protos"))

# protoc's in-process compiler is C++ code with process-wide state (e.g. its error
# collector); one compile at a time keeps error reports from mixing between threads.
_PROTOC_LOCK = threading.Lock()
_BASE64 = re.compile(r"[A-Za-z0-9+/\s]+={0,2}\s*")
_SAFE_NAME = re.compile(r"[A-Za-z0-9_.\-/]+")
# Compile rounds while blanking undefined options: more undefined options than this on one
# element is not a schema anyone writes.
_MAX_ROUNDS = 32

Sources = tuple[tuple[str, str], ...]


def is_builtin(name: str) -> bool:
    """Files available without a reference: well-known types and our bundled Confluent files."""
    return name.startswith(WELL_KNOWN_PREFIX) or name in BUNDLED_FILES


def check_import_name(name: str) -> None:
    """Reject reference names that would escape the private compile directory."""
    normal = posixpath.normpath(name)
    if (
        not name
        or not _SAFE_NAME.fullmatch(name)
        or name.startswith("/")
        or normal != name
        or normal.startswith("..")
        or not name.endswith(".proto")
    ):
        raise InvalidSchemaError(
            f"Invalid Protobuf reference name '{name}': expected a relative import path "
            "such as 'other.proto' or 'dir/other.proto'."
        )


def _main_name(sources: Sources) -> str:
    taken = {name for name, _ in sources}
    name, counter = "schema.proto", 0
    while name in taken:
        counter += 1
        name = f"schema_{counter}.proto"
    return name


def _descriptors_in(generated: bytes) -> Iterable[bytes]:
    for node in ast.walk(ast.parse(generated)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "AddSerializedFile"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, bytes)
        ):
            yield node.args[0].value


def _error_text(errors: list[object], main: str) -> str:
    parts: list[str] = []
    for error in errors:
        filename = bytes(getattr(error, "filename", b"")).decode("utf-8", "replace")
        line = int(getattr(error, "line", -1))
        column = int(getattr(error, "column", -1))
        message = bytes(getattr(error, "message", b"")).decode("utf-8", "replace")
        if line < 0 and filename != main:
            # protoc reports a missing import against the missing file itself.
            parts.append(
                f"Import '{filename}' was not found: it is neither a schema reference nor a "
                "built-in (google/protobuf/*.proto, google/type/*.proto as Confluent lists "
                "them, confluent/meta.proto, confluent/type/decimal.proto, "
                "confluent/type/variant.proto)"
            )
            continue
        if filename != main and filename:
            where = f"{filename}: line {line + 1}, column {column + 1}"
        else:
            where = f"line {line + 1}, column {column + 1}"
        parts.append(f"{where}: {message}")
    return "Invalid Protobuf schema: " + "; ".join(parts)


def _write(root: Path, files: Mapping[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _include(root: Path) -> list[bytes]:
    return [str(root).encode(), str(_BUNDLED_DIR).encode(), str(_WELL_KNOWN_DIR).encode()]


def _compile(root: Path, main: str) -> list[bytes]:
    """Every serialized descriptor protoc builds for `main`, or ProtocErrors."""
    with _PROTOC_LOCK:
        # get_protos takes a virtual path, looked up on the include path only (never the
        # working directory), so the main file is named exactly `main`.
        generated = _protoc_compiler.get_protos(main.encode(), _include(root))
    return [raw for _, code in generated for raw in _descriptors_in(code)]


def _source_info(root: Path, main: str) -> dict[str, Any]:
    """The SourceCodeInfo of `main` and its imports, from protoc's own command line (the
    only way it hands out source positions)."""
    out = root / ".descriptor_set"
    args = [b"protoc", *(b"-I" + path for path in _include(root))]
    args += [b"--include_imports", b"--include_source_info", b"--descriptor_set_out=" + bytes(out)]
    with _PROTOC_LOCK:
        failed = _protoc_compiler.run_main([*args, bytes(root / main)])
    if failed:
        raise InvalidSchemaError("Invalid Protobuf schema: protoc could not locate its options.")
    files = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes()).file
    return {proto.name: proto.source_code_info for proto in files}


def _unknown_options(
    errors: list[object], files: Mapping[str, str]
) -> dict[str, list[tuple[int, int]]]:
    """(line, column) of every option protoc found no definition for, by file."""
    found: dict[str, list[tuple[int, int]]] = {}
    for error in errors:
        name = bytes(getattr(error, "filename", b"")).decode("utf-8", "replace")
        message = bytes(getattr(error, "message", b"")).decode("utf-8", "replace")
        if name in files and undefined_options.UNKNOWN_OPTION.match(message):
            position = (int(getattr(error, "line", -1)), int(getattr(error, "column", -1)))
            found.setdefault(name, []).append(position)
    return found


def _run_protoc(main_text: str, sources: Sources) -> tuple[str, list[bytes]]:
    main = _main_name(sources)
    files = {**dict(sources), main: main_text}
    with tempfile.TemporaryDirectory(prefix="proto-") as tmp:
        root = Path(tmp)
        _write(root, files)
        raws, removed = _compile_leniently(root, main, files)
        if not removed:
            return main, raws
        info = _source_info(root, main)
    return main, [_with_removed(raw, removed, info) for raw in raws]


def _compile_leniently(
    root: Path, main: str, files: Mapping[str, str]
) -> tuple[list[bytes], dict[str, list[undefined_options.Removed]]]:
    """Compiles `main`, blanking the options Confluent's parser accepts without a definition
    (see undefined_options) until protoc reports none: protoc stops at the first unknown
    option of an element, so an element with several takes several rounds."""
    texts = dict(files)
    removed: dict[str, list[undefined_options.Removed]] = {}
    for _ in range(_MAX_ROUNDS):
        try:
            return _compile(root, main), removed
        except _protoc_compiler.ProtocErrors as exc:
            errors = list(exc.errors())
        unknown = _unknown_options(errors, texts)
        for name, positions in unknown.items():
            result = undefined_options.blank(texts[name], positions)
            if result is None:
                unknown = {}
                break
            texts[name] = result[0]
            removed.setdefault(name, []).extend(result[1])
        if not unknown:
            raise InvalidSchemaError(_error_text(errors, main))
        _write(root, {name: texts[name] for name in unknown})
    raise InvalidSchemaError(
        f"Invalid Protobuf schema: more than {_MAX_ROUNDS} undefined options on one element."
    )


def _with_removed(
    raw: bytes, removed: Mapping[str, list[undefined_options.Removed]], info: Mapping[str, Any]
) -> bytes:
    """`raw` with the options blanked out of its file recorded on their elements."""
    proto = descriptor_pb2.FileDescriptorProto.FromString(raw)
    if proto.name not in removed:
        return raw
    undefined_options.attach(proto, info[proto.name], removed[proto.name])
    return bytes(proto.SerializeToString())


@lru_cache(maxsize=256)
def compile_text(main_text: str, sources: Sources) -> tuple[bytes, tuple[bytes, ...]]:
    """Compile `main_text` with `sources` (import name, text) importable.

    Returns the serialized main `FileDescriptorProto` and those of every file it imports,
    dependencies first. Raises InvalidSchemaError with protoc's 1-based line and column.
    """
    if not main_text.strip():
        raise InvalidSchemaError("Invalid Protobuf schema: the schema text is empty.")
    main, files = _run_protoc(main_text, sources)
    by_name = {descriptor_pb2.FileDescriptorProto.FromString(raw).name: raw for raw in files}
    if main not in by_name:
        raise InvalidSchemaError("Invalid Protobuf schema: protoc produced no descriptor.")
    main_raw = by_name.pop(main)
    return main_raw, tuple(by_name.values())


def compile_imports(imports: tuple[str, ...], sources: Sources) -> tuple[bytes, ...]:
    """The serialized descriptors of `imports` and everything they import."""
    if not imports:
        return ()
    stub = 'syntax = "proto3";\n' + "".join(f'import "{name}";\n' for name in imports)
    _, files = compile_text(stub, sources)
    return files


def decode_descriptor(text: str) -> descriptor_pb2.FileDescriptorProto | None:
    """A base64 serialized FileDescriptorProto (as confluent-kafka's serializer registers), or
    None when `text` is not one (then it is treated as .proto source)."""
    if not _BASE64.fullmatch(text):
        return None
    try:
        raw = base64.b64decode("".join(text.split()), validate=True)
        proto = descriptor_pb2.FileDescriptorProto.FromString(raw)
    except (binascii.Error, ValueError, DecodeError):
        return None
    if not proto.name and not proto.message_type and not proto.enum_type:
        return None
    return proto


def build_pool(
    main: descriptor_pb2.FileDescriptorProto,
    dependencies: Mapping[str, descriptor_pb2.FileDescriptorProto],
) -> descriptor_pool.DescriptorPool:
    """A private pool holding descriptor.proto, the dependencies and `main`, linked."""
    pool = descriptor_pool.DescriptorPool()
    files = dict(dependencies)
    files.setdefault(
        "google/protobuf/descriptor.proto",
        descriptor_pb2.FileDescriptorProto.FromString(descriptor_pb2.DESCRIPTOR.serialized_pb),
    )
    added: set[str] = set()

    def add(name: str, trail: tuple[str, ...]) -> None:
        if name in added:
            return
        if name in trail:
            raise InvalidSchemaError(f"Invalid Protobuf schema: import cycle through '{name}'.")
        proto = main if name == main.name and name not in files else files.get(name)
        if proto is None:
            raise InvalidSchemaError(
                f"Invalid Protobuf schema: import '{name}' was not found: it is neither a "
                "schema reference nor a built-in."
            )
        for dep in proto.dependency:
            add(dep, (*trail, name))
        try:
            pool.AddSerializedFile(proto.SerializeToString())
        except Exception as exc:  # upb raises TypeError/ValueError/KeyError on bad descriptors
            raise InvalidSchemaError(f"Invalid Protobuf schema descriptor: {exc}") from None
        added.add(name)

    for name in files:
        add(name, ())
    if main.name in files:
        raise InvalidSchemaError(
            f"Invalid Protobuf schema: its file name '{main.name}' clashes with an import."
        )
    add(main.name, ())
    return pool
