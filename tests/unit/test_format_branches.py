"""Only `formats/` branches on the schema type; everything else asks the format protocol.

Walks the syntax tree of every module under `src/` outside `formats/` and fails on a
comparison (`==`, `!=`, `is`, `is not`, `in`, `not in`, `match` cases) with "AVRO",
"PROTOBUF" or "JSON", and on any use of a `SchemaType.<member>`. The few places where
Confluent's wire format itself differs by type are listed in ALLOWED, each with its reason.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from llm_schema_registry.formats.base import SchemaType

SRC = Path(__file__).resolve().parents[2] / "src" / "llm_schema_registry"
NAMES = frozenset(SchemaType.__members__)

# (module under src/llm_schema_registry, the offending source line stripped): why it may stay.
ALLOWED: dict[tuple[str, str], str] = {
    ("api/deps.py", "if schema.schema_type is not SchemaType.AVRO:"): (
        "Confluent omits schemaType from schema replies when it is AVRO"
    ),
    ("registry/model.py", "schema_type: SchemaType = SchemaType.AVRO"): (
        "a registration without schemaType is AVRO (Confluent's default)"
    ),
}


def _is_name(node: ast.AST) -> bool:
    """A schema-type name literal, or a tuple/list/set of them (`x in ("AVRO", "JSON")`)."""
    if isinstance(node, ast.Constant):
        return node.value in NAMES
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return any(_is_name(element) for element in node.elts)
    return False


def _is_member(node: ast.AST) -> bool:
    """`SchemaType.AVRO` (also spelled `base.SchemaType.AVRO`)."""
    if not isinstance(node, ast.Attribute) or node.attr not in NAMES:
        return False
    owner = node.value
    name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
    return name == "SchemaType"


def _is_branch(node: ast.AST) -> bool:
    if isinstance(node, ast.Compare):
        return any(_is_name(side) for side in (node.left, *node.comparators))
    if isinstance(node, ast.MatchValue):
        return _is_name(node.value)
    return _is_member(node)


def branches(tree: ast.AST) -> Iterator[int]:
    """Line numbers of every schema-type branch in a module."""
    for node in ast.walk(tree):
        if _is_branch(node):
            yield getattr(node, "lineno", 0)


def found_branches(root: Path = SRC) -> dict[tuple[str, str], int]:
    """(module, line text) -> line number, for every branch outside `formats/`."""
    found: dict[tuple[str, str], int] = {}
    for path in sorted(root.rglob("*.py")):
        module = path.relative_to(root).as_posix()
        if module.startswith("formats/"):
            continue
        text = path.read_text()
        lines = text.splitlines()
        for line in branches(ast.parse(text, filename=str(path))):
            found[(module, lines[line - 1].strip())] = line
    return found


def test_no_module_outside_formats_branches_on_the_schema_type() -> None:
    found = found_branches()
    unexplained = [
        f"{module}:{line}: {text}"
        for (module, text), line in found.items()
        if (module, text) not in ALLOWED
    ]
    assert not unexplained, (
        "Branches on the schema type outside formats/: add a SchemaFormat capability instead "
        "(or, where Confluent's wire format itself differs, an ALLOWED entry with its reason):\n"
        + "\n".join(unexplained)
    )


def test_every_allowed_branch_still_exists() -> None:
    """A stale allowance would let a new branch on the same line text in unnoticed."""
    assert sorted(set(ALLOWED) - set(found_branches())) == []


def test_the_walk_sees_every_spelling_of_a_branch(tmp_path: Path) -> None:
    module = tmp_path / "pkg" / "mod.py"
    module.parent.mkdir()
    module.write_text(
        "from x import SchemaType\n"
        "def f(kind, schema):\n"
        '    if kind == "JSON":\n'
        "        return 1\n"
        '    if kind in ("AVRO", "PROTOBUF"):\n'
        "        return 2\n"
        "    if schema.schema_type is SchemaType.PROTOBUF:\n"
        "        return 3\n"
        "    match kind:\n"
        '        case "AVRO":\n'
        "            return 4\n"
        '    return {"kind": "JSON"}\n'  # naming a type is fine, comparing with it is not
    )
    (tmp_path / "formats").mkdir()
    (tmp_path / "formats" / "ok.py").write_text('x = 1 if y == "AVRO" else 2\n')
    assert sorted(found_branches(tmp_path).values()) == [3, 5, 7, 10]
