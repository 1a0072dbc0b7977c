"""`llm-schema render` (and registering a prompt file) as a subprocess against a real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from llm_schema_registry.client import RegistryClient
from support import ServerProcess

SCRIPT = str(Path(sys.executable).parent / "llm-schema")
OUTPUT = {"type": "object", "properties": {"answer": {"type": "string"}}, "required": ["answer"]}
PROMPT: dict[str, Any] = {
    "messages": [{"role": "user", "content": "{{ question }}"}],
    "variables": {
        "type": "object",
        "properties": {"question": {"type": "string"}},
        "required": ["question"],
    },
    "output_schema": {"$ref": "answer.json"},
}
REFERENCE = {"name": "answer.json", "subject": "answer-value", "version": 1}


@pytest.fixture(scope="module")
def url(live_server: ServerProcess) -> str:
    with RegistryClient(live_server.url) as sdk:
        sdk.register("answer-value", OUTPUT, "JSON")
        sdk.register("qa-prompt", PROMPT, "PROMPT", references=[REFERENCE])
    return live_server.url


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLM_SCHEMA_")}
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, env=env, timeout=60)


def test_cli_render_from_json_or_a_file(url: str, tmp_path: Path) -> None:
    inline = ("render", "qa-prompt", "--vars", '{"question": "A?"}')
    done = run("--url", url, "--output", "json", *inline)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["messages"] == [{"role": "user", "content": "A?"}]

    variables = tmp_path / "vars.json"
    variables.write_text(json.dumps({"question": "B?"}))
    args = ("render", "qa-prompt", "--version", "1", "--vars", str(variables), "--target", "gemini")
    done = run("--url", url, "--output", "json", *args)
    assert done.returncode == 0, done.stdout + done.stderr
    found = json.loads(done.stdout)
    assert found["output_schema"]["responseMimeType"] == "application/json"
    assert found["output_findings"] == []  # nothing Gemini would refuse

    text = run("--url", url, "render", "qa-prompt", "--vars", str(variables))
    assert text.returncode == 0 and "B?" in text.stdout


def test_cli_render_exits_1_naming_invalid_variables(url: str) -> None:
    done = run("--url", url, "--output", "json", "render", "qa-prompt", "--vars", "{}")
    assert done.returncode == 1
    assert json.loads(done.stdout)["error_code"] == 42262
    assert "question" in json.loads(done.stdout)["error"]


def test_cli_registers_a_prompt_file_as_prompt(url: str, tmp_path: Path) -> None:
    document = {key: value for key, value in PROMPT.items() if key != "output_schema"}
    path = tmp_path / "greet.json"
    path.write_text(json.dumps(document))
    done = run("--url", url, "--output", "json", "register", "greet-prompt", str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    got = run("--url", url, "--output", "json", "get", "greet-prompt")
    assert json.loads(got.stdout)["schemaType"] == "PROMPT"
