"""Samples through the SDK (`add_samples`, `list_samples`, `delete_samples`,
`check_compatibility(samples=True)`) and `llm-schema compat --samples`, against a real server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from llm_schema_registry.client import RegistryClient
from support import ServerProcess

SCRIPT = str(Path(sys.executable).parent / "llm-schema")


def answer(required: list[str]) -> dict[str, Any]:
    properties = {"answer": {"type": "string"}, "note": {"type": "string"}}
    return {"type": "object", "properties": properties, "required": required}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LLM_SCHEMA_")}
    return subprocess.run([SCRIPT, *args], capture_output=True, text=True, env=env, timeout=60)


def test_samples_through_the_sdk_and_the_cli(live_server: ServerProcess, tmp_path: Path) -> None:
    with RegistryClient(live_server.url) as sdk:
        sdk.register("sampled", answer(["answer"]), "JSON")
        sdk.set_config("NONE", "sampled")
        ids = sdk.add_samples("sampled", [{"answer": "a", "note": "n"}, {"answer": "b"}])
        listed = sdk.list_samples("sampled")
        assert [s["record"] for s in listed["samples"]] == [
            {"answer": "a", "note": "n"},
            {"answer": "b"},
        ]
        verdict = sdk.check_compatibility(
            "sampled", answer(["answer", "note"]), "JSON", samples=True
        )
        assert verdict.is_compatible and verdict.samples is not None
        assert (verdict.samples["checked"], verdict.samples["rejected"]) == (2, 1)
        assert sdk.check_compatibility("sampled", answer(["answer"]), "JSON").samples is None

    stricter = tmp_path / "stricter.json"
    stricter.write_text(json.dumps(answer(["answer", "note"])))
    plain = run("--url", live_server.url, "--output", "json", "compat", "sampled", str(stricter))
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "samples" not in json.loads(plain.stdout)
    args = ("compat", "sampled", str(stricter), "--samples")
    replayed = run("--url", live_server.url, "--output", "json", *args)
    assert replayed.returncode == 1, replayed.stdout + replayed.stderr  # a sample is rejected
    report = json.loads(replayed.stdout)["samples"]
    assert (report["rejected"], report["examples"][0]["record"]) == (1, {"answer": "b"})
    text = run("--url", live_server.url, *args)
    assert "1 of 2 rejected" in text.stdout and f"sample {ids[1]}" in text.stdout

    with RegistryClient(live_server.url) as sdk:
        assert sdk.delete_samples("sampled", ids=[ids[1]]) == 1
        assert sdk.delete_samples("sampled") == 1
        assert sdk.list_samples("sampled", "all")["counts"] == {"recent": 0, "curated": 0}
    done = run("--url", live_server.url, "compat", "sampled", str(stricter), "--samples")
    assert done.returncode == 0, done.stdout + done.stderr
