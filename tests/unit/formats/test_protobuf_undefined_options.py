"""Options without a definition (accepted as Confluent's Wire parser accepts them) and the
google/type built-ins, at the format level: positions, separators, values, round trips."""

from __future__ import annotations

import pytest

from llm_schema_registry.formats.base import InvalidSchemaError
from llm_schema_registry.formats.protobuf import ProtobufFormat, compiler
from llm_schema_registry.formats.protobuf.undefined_options import offset_of

FMT = ProtobufFormat()
P2 = 'syntax = "proto2";\n'
P3 = 'syntax = "proto3";\n'


def canonical(text: str) -> str:
    """The canonical text, checked to be a fixed point (it parses to itself)."""
    printed = FMT.canonical(FMT.parse(text))
    assert FMT.canonical(FMT.parse(printed)) == printed
    return printed


def test_protoc_positions_count_tabs_to_the_next_multiple_of_eight() -> None:
    text = "a\n\tb\n  é(c)"
    assert text[offset_of(text, 1, 8)] == "b"
    assert text[offset_of(text, 2, 4)] == "("  # é is two bytes
    assert offset_of(text, 1, 3) == -1  # inside the tab


def test_several_undefined_options_in_one_list_and_after_a_tab() -> None:
    text = P3 + "message M {\n\tint32 a = 1 [(x) = 1, (y) = 2, deprecated = true, (z) = 3];\n}\n"
    assert "  int32 a = 1 [\n    deprecated = true,\n    (x) = 1,\n    (y) = 2,\n" in (
        canonical(text)
    )


def test_a_list_of_undefined_options_only() -> None:
    text = P3 + "message M {\n  int32 a = 1 [(x) = 1, (y) = 'two'];\n}\n"
    assert '  int32 a = 1 [\n    (x) = 1,\n    (y) = "two"\n  ];\n' in canonical(text)


@pytest.mark.parametrize(
    ("written", "printed"),
    [
        ("-7", "-7"),
        ("0x10", "16"),
        ("2.5", "2.5"),
        ("-inf", "-inf"),
        ("RED", "RED"),
        ('"a" "b\\n"', '"ab\\n"'),
        ('"caf\\303\\251"', '"café"'),
        (
            "{ a: [1, 2] b { c: -3 } }",
            "{\n    a: [\n      1,\n      2\n    ],\n    b: {\n      c: -3\n    }\n  }",
        ),
    ],
)
def test_values_of_undefined_options(written: str, printed: str) -> None:
    text = P3 + f"message M {{\n  option (v) = {written};\n}}\n"
    assert f"  option (v) = {printed};\n" in canonical(text)


def test_options_in_comments_and_strings_are_left_alone() -> None:
    text = (
        P2 + "// option (x) = 1;\n"
        "message M {\n"
        '  optional string s = 1 [default = "(y) = 2", (z) = true];\n'
        "  /* option (w) = 3; */\n"
        "}\n"
    )
    assert '  optional string s = 1 [\n    (z) = true,\n    default = "(y) = 2"\n  ];\n' in (
        canonical(text)
    )


def test_sub_fields_of_undefined_options_and_service_options() -> None:
    text = (
        P3 + "message Q {}\n"
        "service S {\n"
        "  option (api).version = 2;\n"
        "  rpc Get (Q) returns (Q) { option (http).(get) = '/q'; }\n"
        "}\n"
    )
    printed = canonical(text)
    assert "  option (api).version = 2;\n" in printed
    assert '    option (http).(get) = "/q";\n' in printed


def test_normalize_sorts_undefined_options_and_their_entries() -> None:
    text = P3 + "message M {\n  option (b) = { z: 1 a: 2 };\n  option (a) = 1;\n}\n"
    normalized = FMT.normalized(FMT.parse(text))
    assert "  option (a) = 1;\n  option (b) = {\n    a: 2,\n    z: 1\n  };\n" in normalized


def test_a_defined_option_resolves_and_an_undefined_one_is_kept() -> None:
    text = (
        P3 + 'import "confluent/meta.proto";\n'
        "message M {\n"
        '  int32 a = 1 [(confluent.field_meta) = { doc: "count" }, (x) = 1];\n'
        "}\n"
    )
    printed = canonical(text)
    assert '(confluent.field_meta) = {\n      doc: "count"\n    },\n    (x) = 1\n' in printed


def test_other_errors_are_reported_with_undefined_options_present() -> None:
    text = P3 + "message M {\n  option (x) = 1;\n  Missing m = 1;\n}\n"
    with pytest.raises(InvalidSchemaError, match=r"line 4, column 3: .*Missing"):
        FMT.parse(text)


def test_built_ins_are_confluents_known_dependencies() -> None:
    assert {name for name in compiler.BUNDLED_FILES if name.startswith("google/type/")} == {
        f"google/type/{name}.proto" for name in compiler.GOOGLE_TYPES
    }
    assert len(compiler.GOOGLE_TYPES) == 16
    assert compiler.is_builtin("confluent/type/variant.proto")
    assert not compiler.is_builtin("google/type/localized_text.proto")
    for name in compiler.BUNDLED_FILES:
        assert FMT.parse(P3 + f'import "{name}";\n').file.dependency == [name]
