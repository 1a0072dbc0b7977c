"""The frameworks are extras: the core package neither installs nor imports them, and the
integrations, like the SDK they use, load no server code."""

from __future__ import annotations

import subprocess
import sys
import tomllib

from support import REPO

FRAMEWORKS = ("langchain", "llama_index", "llama-index")
SERVER = ("api", "registry", "storage", "security")


def _loaded(*modules: str) -> list[str]:
    """The modules a fresh interpreter holds after importing `modules`."""
    code = f"import sys\nimport {', '.join(modules)}\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_the_core_dependencies_name_no_framework() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = [dependency.lower() for dependency in project["dependencies"]]
    assert not [d for d in core if d.startswith(FRAMEWORKS)]
    extras = project["optional-dependencies"]
    assert extras["langchain"] == ["langchain-core>=1.0,<2"]
    assert extras["llamaindex"] == ["llama-index-core>=0.14,<0.15"]
    # the test extra pulls both in (with other extras, e.g. mcp), so CI runs these tests
    (own,) = [d for d in extras["test"] if d.startswith("llm-schema-registry[")]
    assert {"langchain", "llamaindex"} <= set(own.split("[")[1].rstrip("]").split(","))


def test_the_sdk_loads_no_framework_and_no_server_code() -> None:
    loaded = _loaded(
        "llm_schema_registry.client",
        "llm_schema_registry.integrations.contract",
        "llm_schema_registry.integrations.conversation",
    )
    assert [m for m in loaded if m.startswith(("langchain", "llama_index"))] == []
    server = [m for m in loaded if m.split(".")[:2] in [["llm_schema_registry", s] for s in SERVER]]
    assert server == []


def test_the_integrations_load_no_server_code() -> None:
    loaded = _loaded(
        "llm_schema_registry.integrations.langchain",
        "llm_schema_registry.integrations.langchain_prompts",
        "llm_schema_registry.integrations.llamaindex",
    )
    server = [m for m in loaded if m.split(".")[:2] in [["llm_schema_registry", s] for s in SERVER]]
    assert server == []


def test_a_missing_extra_names_the_extra_to_install() -> None:
    for module, blocked, extra in (
        ("langchain", "langchain_core", "[langchain]"),
        ("langchain_prompts", "langchain_core", "[langchain]"),
        ("llamaindex", "llama_index", "[llamaindex]"),
    ):
        code = (
            f"import sys; sys.modules[{blocked!r}] = None\n"
            f"import llm_schema_registry.integrations.{module}"
        )
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert run.returncode == 1
        assert f"pip install 'llm-schema-registry{extra}'" in run.stderr
