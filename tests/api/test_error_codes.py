"""Every error code in one table (`api/errors.py`), every error body from one function."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import llm_schema_registry
from llm_schema_registry.api.errors import ERROR_CODES, HANDLED, status_of

SRC = Path(llm_schema_registry.__file__).parent
# Read by alembic itself, which must be running to import it.
NOT_IMPORTABLE = {"llm_schema_registry.storage.migrations.env"}


def _every_module() -> None:
    """Imports every server and SDK module, so every error class defined anywhere exists."""
    for found in pkgutil.walk_packages([str(SRC)], "llm_schema_registry."):
        if found.name not in NOT_IMPORTABLE:
            importlib.import_module(found.name)


def _subclasses(kind: type[Exception]) -> set[type[Exception]]:
    direct = set(kind.__subclasses__())
    return direct.union(*(_subclasses(sub) for sub in direct))


def test_every_error_the_edge_answers_has_a_code() -> None:
    _every_module()
    errors = set(HANDLED).union(*(_subclasses(kind) for kind in HANDLED))
    concrete = errors - {kind for kind in HANDLED if kind not in ERROR_CODES}
    missing = sorted(
        f"{kind.__module__}.{kind.__qualname__}"
        for kind in concrete
        if not any(base in ERROR_CODES for base in kind.__mro__)
    )
    assert missing == []


def test_every_code_starts_with_an_http_error_status() -> None:
    assert all(400 <= status_of(code) < 600 for code in ERROR_CODES.values())


def _string_constants(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }


def test_error_bodies_are_built_in_one_place() -> None:
    writers = sorted(
        str(path.relative_to(SRC))
        for package in ("api", "security")
        for path in (SRC / package).rglob("*.py")
        if "error_code" in _string_constants(path)
    )
    assert writers == ["api/errors.py"]


def test_the_error_table_imports_no_route() -> None:
    tree = ast.parse((SRC / "api" / "errors.py").read_text(encoding="utf-8"))
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert [name for name in imported if name.startswith("llm_schema_registry.api.routes")] == []
