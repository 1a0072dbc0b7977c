"""Imports run one way: the allowed layer graph, held here as data, against every import in src/.

Read `LAYERS` top-down: each package may import itself and the packages listed. Edges first
(they translate requests and commands), then the services, the registry (the rules), and the
neutral ground at the bottom. Storage implements protocols owned by the layers that use them
and may import only those modules (`MODULES`), never the services above. Every import counts:
inside functions and `TYPE_CHECKING` blocks too. Print the graph with
`python tests/unit/test_layers.py`.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = "llm_schema_registry"
SRC = Path(__file__).resolve().parents[2] / "src" / ROOT

# The package root ("": its `__version__`) and the modules any layer may lean on.
NEUTRAL = {
    "",
    "formats",
    "compatibility",
    "validation",
    "observability",
    "settings",
    "asgi",
    "signatures",
    "webhooks",
    "tasks",
}

LAYERS: dict[str, set[str]] = {
    # edges: api/app.py is the composition root; the CLI drives the SDK and opens stores itself
    "api": {"security", "governance", "events", "llm", "genai", "registry", *NEUTRAL},
    "cli": {"api", "client", "security", "governance", "llm", "genai", "registry", "storage"}
    | {"rpc", "mcp_server"}
    | NEUTRAL,
    # the MCP server: an edge over the SDK (each call a REST call with the caller's credential)
    "mcp_server": {"client", "llm", "", "asgi"},
    # the gRPC API beside REST: the same services, the contract from rpc
    "grpc_api": {"security", "governance", "events", "llm", "registry", "rpc", *NEUTRAL},
    # the dashboard: an edge beside the API (served by its app), over the same services
    "ui": {"security", "governance", "events", "llm", "registry", *NEUTRAL},
    # services above the registry, side by side
    "security": {"registry", *NEUTRAL},
    "governance": {"registry", *NEUTRAL},
    "events": {"registry", "webhooks", *NEUTRAL},
    "genai": {"registry", "llm", *NEUTRAL},
    # the SDK imports llm, so llm stays on the SDK's ground
    "llm": {"formats", "validation"},
    # the rules: no HTTP, no SQL, no service above
    "registry": NEUTRAL,
    # storage implementations: neutral ground, plus the protocol modules in MODULES
    "storage": NEUTRAL,
    # the SDK imports no server code
    "client": {"formats", "validation", "llm", "signatures", "webhooks", "rpc"},
    # framework integrations: drive the SDK (no server code)
    "integrations": {"client", "llm", "formats", "validation"},
    # neutral ground
    "compatibility": {"formats"},
    "validation": {"formats"},
    "observability": {"", "settings"},
    "formats": set(),
    "settings": set(),
    "asgi": set(),
    # signature primitives shared by the server and the SDK: schema signatures (signatures)
    # and Standard Webhooks (webhooks)
    "signatures": set(),
    "webhooks": set(),
    # background tasks' ends (cancel and wait), shared by every long-lived loop
    "tasks": set(),
    # the gRPC contract (registry.proto, its generated code), shared by grpc_api and the SDK
    "rpc": set(),
    "": set(),
}

# Module-level arrows beyond the package graph: importer (package or module) -> importable
# modules (a module, or everything under a package).
MODULES: dict[str, set[str]] = {
    # protocols and records owned by the layer that uses the store
    # (and the errors the store protocol names, e.g. StorageUnavailableError)
    "storage": {
        "registry.store",
        "registry.model",
        "registry.errors",
        "security.store",
        "security.model",
        "registry.usage",
        # the change-event outbox: its records and protocols (events.store)
        "events.model",
        "events.store",
        "events.filters",
        "registry.samples",
    },
    # the composition root builds the stores, the gRPC edge beside the HTTP API, and mounts
    # the dashboard
    "api.app": {"storage", "grpc_api", "ui", "mcp_server"},
    # the dashboard declares its routes' permissions, reads subject path parameters and
    # maps errors to statuses exactly as the API does
    "ui": {"api.access", "api.deps", "api.errors"},
}


def package_of(module: str) -> str:
    return module.split(".")[0]


def _is_module(dotted: str) -> bool:
    path = SRC.joinpath(*dotted.split(".")) if dotted else SRC
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def modules() -> Iterator[tuple[str, Path]]:
    """Every module of src/ by dotted name below the root ("" for the root itself)."""
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


def _from_base(node: ast.ImportFrom, importer: str, is_package: bool) -> str:
    """The absolute module an `import from` names, relative imports resolved."""
    if node.level == 0:
        return node.module or ""
    here = [ROOT, *importer.split(".")] if importer else [ROOT]
    package = here if is_package else here[:-1]
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def imports(importer: str, path: Path) -> Iterator[tuple[int, str]]:
    """(line, imported module below the root) for every import of our own code in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):  # every level: functions and TYPE_CHECKING blocks too
        if isinstance(node, ast.Import):
            named = [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(node, importer, path.name == "__init__.py")
            named = [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
            named = [(line, name if _own_module(name) else base) for line, name in named]
        else:
            continue
        for line, name in named:
            if name == ROOT or name.startswith(ROOT + "."):
                yield line, name.removeprefix(ROOT).removeprefix(".")


def _own_module(absolute: str) -> bool:
    inner = absolute.removeprefix(ROOT).removeprefix(".")
    return absolute.startswith(ROOT) and _is_module(inner)


def _under(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def allowed(importer: str, imported: str) -> bool:
    """Whether the graph (packages, then module exceptions) allows this arrow."""
    source, target = package_of(importer), package_of(imported)
    if source == target or target in LAYERS.get(source, set()):
        return True
    return any(
        _under(importer, holder) and any(_under(imported, ok) for ok in targets)
        for holder, targets in MODULES.items()
    )


def arrows() -> Iterator[tuple[str, str, str]]:
    """(where, importer, imported) for every import of our own code in src/."""
    for importer, path in modules():
        for line, imported in imports(importer, path):
            yield f"{path.relative_to(SRC.parent)}:{line}", importer, imported


def test_every_import_follows_the_layer_graph() -> None:
    wrong = sorted(
        {
            f"{where}: {importer or ROOT} -> {imported} "
            f"({package_of(importer) or ROOT} may import {sorted(LAYERS[package_of(importer)])})"
            for where, importer, imported in arrows()
            if not allowed(importer, imported)
        }
    )
    assert wrong == [], "imports against the layer graph:\n" + "\n".join(wrong)


def test_no_package_imports_private_names_of_another() -> None:
    """Across packages only public names: governance asks the registry, not its internals."""
    private = [
        f"{path.relative_to(SRC.parent)}:{node.lineno}: {alias.name} from {node.module}"
        for importer, path in modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(ROOT + ".")
        for alias in node.names
        if alias.name.startswith("_")
        and not alias.name.startswith("__")
        and package_of(node.module.removeprefix(ROOT + ".")) != package_of(importer)
    ]
    assert private == [], "private names imported across packages:\n" + "\n".join(private)


def test_every_package_has_a_place_in_the_graph() -> None:
    packages = {package_of(module) for module, _ in modules()}
    assert packages - LAYERS.keys() == set()


def test_relative_imports_are_resolved() -> None:
    node = ast.parse("from ..model import SubjectVersion").body[0]
    assert isinstance(node, ast.ImportFrom)
    assert _from_base(node, "registry.service", False) == f"{ROOT}.model"
    assert _from_base(node, "registry", True) == f"{ROOT}.model"


if __name__ == "__main__":
    for package, targets in LAYERS.items():
        print(f"{package or ROOT:14} -> {', '.join(sorted(t or ROOT for t in targets)) or '-'}")
    for holder, targets in MODULES.items():
        print(f"{holder:14} -> {', '.join(sorted(targets))} (modules)")
