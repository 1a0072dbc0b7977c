"""Parsing Protobuf schemas: protoc errors, imports, built-ins and descriptor input."""

from __future__ import annotations

import base64
from pathlib import Path

import grpc_tools
import pytest
from google.protobuf import descriptor_pb2
from grpc_tools import _protoc_compiler

from llm_schema_registry.formats.base import (
    InvalidSchemaError,
    ResolvedReference,
    SchemaFormat,
    SchemaType,
)
from llm_schema_registry.formats.protobuf import ProtobufFormat, ProtobufSchema, compiler

FMT = ProtobufFormat()
P3 = 'syntax = "proto3";\n'


def ref(name: str, text: str, *refs: ResolvedReference) -> ResolvedReference:
    return ResolvedReference(name, f"subject-{name}", 1, SchemaType.PROTOBUF, text, refs)


def test_get_protos_private_api_reports_zero_based_positions(tmp_path: Path) -> None:
    """Pins grpcio-tools' private API we rely on: structured errors, 0-based line/column."""
    (tmp_path / "bad.proto").write_text(P3 + "message A { int32 a = 1 }\n")
    include = [str(tmp_path).encode(), str(Path(grpc_tools.__file__).parent / "_proto").encode()]
    with pytest.raises(_protoc_compiler.ProtocErrors) as caught:
        _protoc_compiler.get_protos(b"bad.proto", include)
    [error] = caught.value.errors()
    assert (error.filename, error.line, error.column) == (b"bad.proto", 1, 24)
    assert error.message == b'Expected ";".'
    (tmp_path / "good.proto").write_text(P3 + "message A { int32 a = 1; }\n")
    [(module, source)] = _protoc_compiler.get_protos(b"good.proto", include)
    assert module == b"good_pb2.py" and b"AddSerializedFile(" in source


def test_syntax_error_reports_one_based_line_and_column() -> None:
    with pytest.raises(InvalidSchemaError, match=r'line 4, column 1: Expected ";"'):
        FMT.parse(P3 + "message A {\n  int32 a = 1\n}\n")


def test_truncated_text_is_invalid() -> None:
    with pytest.raises(InvalidSchemaError, match=r"line 2, column \d+: .*end of input"):
        FMT.parse(P3 + "message A { int32 a = 1;")


def test_empty_text_is_invalid() -> None:
    with pytest.raises(InvalidSchemaError, match="empty"):
        FMT.parse("   ")


def test_duplicate_field_number() -> None:
    with pytest.raises(InvalidSchemaError, match=r"line 2, .*Field number 1 has already been used"):
        FMT.parse(P3 + "message A { int32 a = 1; string b = 1; }")


def test_unknown_type() -> None:
    with pytest.raises(InvalidSchemaError, match='"Missing" is not defined'):
        FMT.parse(P3 + "message A { Missing a = 1; }")


def test_missing_import_is_named() -> None:
    with pytest.raises(InvalidSchemaError, match=r"Import 'other\.proto' was not found"):
        FMT.parse(P3 + 'import "other.proto";\nmessage A { int32 a = 1; }')


def test_reference_name_cannot_escape_the_compile_directory() -> None:
    with pytest.raises(InvalidSchemaError, match="Invalid Protobuf reference name"):
        FMT.parse(P3 + 'import "../x.proto";\nmessage A {}', [ref("../x.proto", P3)])


def test_error_in_a_referenced_file_names_the_file() -> None:
    with pytest.raises(InvalidSchemaError, match=r"other.proto: line 2"):
        FMT.parse(P3 + 'import "other.proto";\nmessage A {}', [ref("other.proto", P3 + "oops")])


def test_imports_resolve_through_references_transitively() -> None:
    leaf = ref("leaf.proto", P3 + "package leaf;\nmessage L { int32 x = 1; }\n")
    mid = ref(
        "dir/mid.proto",
        P3 + 'package mid;\nimport "leaf.proto";\nmessage Mid { leaf.L l = 1; }\n',
        leaf,
    )
    schema = FMT.parse(P3 + 'import "dir/mid.proto";\nmessage A { mid.Mid m = 1; }', [mid])
    assert set(schema.dependencies) == {"dir/mid.proto", "leaf.proto"}
    assert schema.reference_versions == {"dir/mid.proto": ("subject-dir/mid.proto", 1)}
    assert "  .mid.Mid m = 1;\n" in FMT.canonical(schema)


def test_well_known_types_need_no_reference() -> None:
    schema = FMT.parse(
        P3
        + 'import "google/protobuf/timestamp.proto";\nimport "google/protobuf/any.proto";\n'
        + "message A { google.protobuf.Timestamp t = 1; google.protobuf.Any any = 2; }"
    )
    assert "  .google.protobuf.Timestamp t = 1;\n" in FMT.canonical(schema)


def test_empty_well_known_reference_is_ignored() -> None:
    text = P3 + 'import "google/protobuf/descriptor.proto";\nmessage A {}'
    schema = FMT.parse(text, [ref("google/protobuf/descriptor.proto", "")])
    assert "google/protobuf/descriptor.proto" in schema.dependencies


def test_confluent_meta_and_decimal_are_built_in() -> None:
    text = (
        P3
        + 'package p;\nimport "confluent/meta.proto";\nimport "confluent/type/decimal.proto";\n'
        + "message A {\n"
        + '  option (confluent.message_meta) = { doc: "a message", tags: ["PII"] };\n'
        + "  confluent.type.Decimal amount = 1 [(confluent.field_meta) = {\n"
        + '    params: [{key: "precision", value: "8"}] }];\n'
        + "}\n"
    )
    canonical = FMT.canonical(FMT.parse(text))
    assert "  option (confluent.message_meta) = {\n" in canonical
    assert '    doc: "a message",\n' in canonical
    assert "  .confluent.type.Decimal amount = 1 [(confluent.field_meta) = {\n" in canonical
    assert FMT.canonical(FMT.parse(canonical)) == canonical


def test_proto2_schema() -> None:
    text = (
        'syntax = "proto2";\npackage p2;\nmessage A {\n'
        '  required int32 id = 1;\n  optional string name = 2 [default = "x\\"y"];\n'
        "  repeated int64 values = 3 [packed = true];\n  extensions 100 to max;\n}\n"
        "extend A { optional int32 more = 100; }\n"
    )
    canonical = FMT.canonical(FMT.parse(text))
    assert canonical == (
        'syntax = "proto2";\npackage p2;\n\nmessage A {\n'
        "  required int32 id = 1;\n"
        '  optional string name = 2 [default = "x\\"y"];\n'
        "  repeated int64 values = 3 [packed = true];\n"
        "\n  extensions 100 to max;\n}\n"
        "\nextend .p2.A {\n  optional int32 more = 100;\n}\n"
    )


def test_proto3_canonical_layout() -> None:
    text = (
        P3 + "package shop;\n"
        "message Order { string id = 1; map<string, Item> items = 2; oneof pay { string card = 3; "
        "string iban = 4; } optional int32 qty = 5; message Item { int64 sku = 1; } "
        'enum State { NEW = 0; DONE = 1; } reserved 8, 10 to 12; reserved "old"; }\n'
        "enum Kind { K0 = 0; }\nservice Shop { rpc Get (Order) returns (stream Order); }\n"
    )
    assert FMT.canonical(FMT.parse(text)) == (
        'syntax = "proto3";\npackage shop;\n\n'
        "message Order {\n"
        "  reserved 8, 10 to 12;\n"
        '  reserved "old";\n'
        "\n"
        "  string id = 1;\n"
        "  map<string, .shop.Order.Item> items = 2;\n"
        "  optional int32 qty = 5;\n"
        "\n"
        "  oneof pay {\n    string card = 3;\n    string iban = 4;\n  }\n"
        "\n"
        "  message Item {\n    int64 sku = 1;\n  }\n"
        "  enum State {\n    NEW = 0;\n    DONE = 1;\n  }\n"
        "}\n"
        "enum Kind {\n  K0 = 0;\n}\n"
        "\n"
        "service Shop {\n  rpc Get (.shop.Order) returns (stream .shop.Order);\n}\n"
    )


def test_equivalent_spellings_share_canonical_text() -> None:
    relative = P3 + "package a;\nmessage B {}\nmessage A { B b = 1; }\n"
    absolute = P3 + "package a;\n\nmessage B {\n}\nmessage A {\n  .a.B b = 1;\n}\n"
    assert FMT.identity(FMT.parse(relative)) == FMT.identity(FMT.parse(absolute))


RICH = """
syntax = "proto2";
package rich.v1;

import "google/protobuf/descriptor.proto";
import "google/protobuf/timestamp.proto";
import "confluent/meta.proto";

option java_package = "com.example.rich";
option optimize_for = SPEED;
option (confluent.file_meta) = { doc: "rich file", tags: ["a", "b"] };

extend google.protobuf.FieldOptions {
  optional string label = 50001;
  repeated int32 weights = 50002;
}

message Envelope {
  option deprecated = true;
  reserved 5, 9 to 11, 1000 to max;
  reserved "gone", "older";

  required string id = 1 [(label) = "identifier", json_name = "ID"];
  optional double ratio = 2 [default = 0.5];
  optional bytes raw = 3 [default = "\\001\\002"];
  repeated sint64 deltas = 4 [packed = true, (weights) = 1, (weights) = 2];
  optional Color color = 6 [default = GREEN];
  map<string, Inner> inners = 7;
  optional google.protobuf.Timestamp at = 8;
  optional group Extra = 12 {
    optional int32 level = 1;
  }
  oneof body {
    string text = 13;
    Inner inner = 14;
  }
  extensions 100 to 199;

  message Inner {
    enum Mode {
      option allow_alias = true;
      MODE_UNKNOWN = 0;
      MODE_ON = 1;
      MODE_ENABLED = 1 [deprecated = true];
    }
    optional Mode mode = 1;
    repeated Inner children = 2;
  }

  extend Envelope {
    optional string note = 100;
  }
}

enum Color {
  reserved 10 to 20;
  reserved "PURPLE";
  RED = 0;
  GREEN = 1 [(confluent.enum_value_meta) = { doc: "go" }];
}

service Mailer {
  option deprecated = true;
  rpc Send (stream Envelope) returns (Envelope) {
    option idempotency_level = IDEMPOTENT;
  }
  rpc Watch (Envelope) returns (stream Envelope);
}
"""


def test_rich_schema_canonical_is_idempotent() -> None:
    canonical = FMT.canonical(FMT.parse(RICH))
    assert FMT.canonical(FMT.parse(canonical)) == canonical
    normalized = FMT.normalized(FMT.parse(RICH))
    assert FMT.normalized(FMT.parse(normalized)) == normalized
    for fragment in (
        'required string id = 1 [\n    (rich.v1.label) = "identifier",\n    json_name = "ID"\n  ];',
        '  optional bytes raw = 3 [default = "\\001\\002"];',
        "  optional .rich.v1.Color color = 6 [default = GREEN];",
        "  optional group Extra = 12 {\n    optional int32 level = 1;\n  }",
        "  reserved 5, 9 to 11, 1000 to max;",
        "  extend .rich.v1.Envelope {\n    optional string note = 100;\n  }",
        "      MODE_ENABLED = 1 [deprecated = true];",
        "  rpc Send (stream .rich.v1.Envelope) returns (.rich.v1.Envelope) {\n"
        "    option idempotency_level = IDEMPOTENT;\n  };",
        "  reserved 10 to 20;",
    ):
        assert fragment in canonical


def test_base64_descriptor_is_the_same_schema_as_text() -> None:
    from_text = FMT.parse(RICH)
    encoded = FMT.render(from_text, "serialized")
    from_descriptor = FMT.parse(encoded)
    assert FMT.canonical(from_descriptor) == FMT.canonical(from_text)
    assert FMT.identity(from_descriptor) == FMT.identity(from_text)
    assert FMT.normalized(from_descriptor) == FMT.normalized(from_text)


def test_descriptor_with_default_json_names_is_the_same_schema() -> None:
    """Java toolchains fill json_name on every field; the default spelling is not a change."""
    schema = FMT.parse(P3 + "message A { int32 user_id = 1; string name = 2; }")
    proto = descriptor_pb2.FileDescriptorProto()
    proto.CopyFrom(schema.file)
    proto.name = "client/side.proto"
    proto.message_type[0].field[0].json_name = "userId"
    proto.message_type[0].field[1].json_name = "name"
    encoded = base64.b64encode(proto.SerializeToString()).decode()
    assert FMT.canonical(FMT.parse(encoded)) == FMT.canonical(schema)


def test_serialized_render_round_trips_to_the_same_descriptor() -> None:
    schema = FMT.parse(RICH)
    raw = base64.b64decode(FMT.render(schema, "serialized"))
    assert descriptor_pb2.FileDescriptorProto.FromString(raw) == schema.file


def test_base64_descriptor_with_unresolved_type_is_invalid() -> None:
    proto = descriptor_pb2.FileDescriptorProto(name="x.proto", syntax="proto3")
    message = proto.message_type.add(name="A")
    message.field.add(
        name="b",
        number=1,
        type=descriptor_pb2.FieldDescriptorProto.TYPE_MESSAGE,
        label=descriptor_pb2.FieldDescriptorProto.LABEL_OPTIONAL,
        type_name=".nope.B",
    )
    with pytest.raises(InvalidSchemaError):
        FMT.parse(base64.b64encode(proto.SerializeToString()).decode())


def test_base64_descriptor_imports_resolve_through_references() -> None:
    dep = ref("dep.proto", P3 + "package dep;\nmessage D { int32 x = 1; }\n")
    text = P3 + 'import "dep.proto";\nmessage A { dep.D d = 1; }\n'
    from_text = FMT.parse(text, [dep])
    from_descriptor = FMT.parse(FMT.render(from_text, "serialized"), [dep])
    assert FMT.canonical(from_descriptor) == FMT.canonical(from_text)
    with pytest.raises(InvalidSchemaError, match=r"dep\.proto"):
        FMT.parse(FMT.render(from_text, "serialized"))


def test_render_ignore_extensions_drops_custom_options_only() -> None:
    rendered = FMT.render(FMT.parse(RICH), "ignore_extensions")
    assert "(rich.v1.label)" not in rendered and "(rich.v1.weights)" not in rendered
    assert "extend " not in rendered and "extensions 100" not in rendered
    assert "option (confluent.file_meta) = {" in rendered
    assert 'option java_package = "com.example.rich";' in rendered


def test_render_unknown_or_missing_format_is_canonical() -> None:
    schema = FMT.parse(RICH)
    assert FMT.render(schema, None) == FMT.render(schema, "bogus") == FMT.canonical(schema)


def test_normalized_sorts_imports_options_fields_and_values() -> None:
    text = (
        'syntax = "proto2";\n'
        'import "google/protobuf/timestamp.proto";\nimport "google/protobuf/duration.proto";\n'
        'option java_package = "x";\noption java_multiple_files = true;\n'
        "message A {\n  reserved 9, 3;\n  optional int32 b = 2;\n  optional int32 a = 1;\n"
        "  oneof z { int32 z2 = 8; int32 z1 = 7; }\n  oneof y { int32 y1 = 5; }\n}\n"
        "enum E { option allow_alias = true; EX = 1; EA = 0; EB = 1; }\n"
    )
    # proto2 loses its syntax line when normalized, as in Confluent's normalize().
    assert FMT.normalized(FMT.parse(text)) == (
        "\n"
        'import "google/protobuf/duration.proto";\nimport "google/protobuf/timestamp.proto";\n'
        "\n"
        'option java_multiple_files = true;\noption java_package = "x";\n'
        "\n"
        "message A {\n  reserved 3;\n  reserved 9;\n"
        "\n  optional int32 a = 1;\n  optional int32 b = 2;\n"
        "\n  oneof y {\n    int32 y1 = 5;\n  }\n"
        "  oneof z {\n    int32 z1 = 7;\n    int32 z2 = 8;\n  }\n"
        "}\n"
        "enum E {\n  option allow_alias = true;\n  EA = 0;\n  EB = 1;\n  EX = 1;\n}\n"
    )


def test_compiles_are_cached() -> None:
    text = P3 + "message Cached { int32 a = 1; }\n"
    FMT.parse(text)
    before = compiler.compile_text.cache_info().hits
    FMT.parse(text)
    assert compiler.compile_text.cache_info().hits == before + 1


def test_confluent_kafka_serializer_registration_matches_text() -> None:
    """confluent-kafka's ProtobufSerializer registers base64(FileDescriptor.serialized_pb)."""
    protobuf_common = pytest.importorskip("confluent_kafka.schema_registry.common.protobuf")
    decimal_pb2 = pytest.importorskip("confluent_kafka.schema_registry.confluent.type.decimal_pb2")
    registered = protobuf_common._schema_to_str(decimal_pb2.DESCRIPTOR)
    text = (
        P3 + "package confluent.type;\n"
        "message Decimal { bytes value = 1; uint32 precision = 2; int32 scale = 3; }\n"
    )
    assert FMT.canonical(FMT.parse(registered)) == FMT.canonical(FMT.parse(text))


def test_confluent_kafka_meta_descriptor_prints_maps_and_extends() -> None:
    protobuf_common = pytest.importorskip("confluent_kafka.schema_registry.common.protobuf")
    meta_pb2 = pytest.importorskip("confluent_kafka.schema_registry.confluent.meta_pb2")
    canonical = FMT.canonical(FMT.parse(protobuf_common._schema_to_str(meta_pb2.DESCRIPTOR)))
    assert "  map<string, string> params = 2;\n" in canonical
    assert "extend .google.protobuf.FieldOptions {\n  .confluent.Meta field_meta = 1088;\n}\n" in (
        canonical
    )
    assert FMT.canonical(FMT.parse(canonical)) == canonical


def test_editions_file() -> None:
    text = 'edition = "2023";\npackage e;\nmessage A { int32 a = 1; repeated string b = 2; }\n'
    canonical = FMT.canonical(FMT.parse(text))
    assert canonical.startswith('edition = "2023";\npackage e;\n')
    assert FMT.canonical(FMT.parse(canonical)) == canonical


@pytest.mark.parametrize("path", ["/etc/passwd", "../../etc/passwd", "google/protobuf/../../x"])
def test_imports_never_reach_the_file_system(path: str) -> None:
    with pytest.raises(InvalidSchemaError, match="was not found"):
        FMT.parse(P3 + f'import "{path}";\nmessage A {{}}')


def test_protobuf_format_fulfils_the_format_protocol() -> None:
    fmt: SchemaFormat[ProtobufSchema] = ProtobufFormat()
    assert fmt.schema_type is SchemaType.PROTOBUF
