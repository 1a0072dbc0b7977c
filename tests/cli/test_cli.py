"""The installed `llm-schema` console script as a subprocess against a real server: each
command's exit status and `--output json` shape."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from support import ServerProcess, free_port

SCRIPT = str(Path(sys.executable).parent / "llm-schema")
TICKET: dict[str, Any] = {
    "type": "object",
    "properties": {"title": {"type": "string"}, "priority": {"enum": ["low", "high"]}},
    "required": ["title", "priority"],
    "additionalProperties": False,
}
TICKET_V2 = {**TICKET, "properties": {**TICKET["properties"], "due": {"type": "string"}}}
NARROWER = {**TICKET, "properties": {**TICKET["properties"], "priority": {"enum": ["low"]}}}


def run(*args: str, url: str | None = None, env: dict[str, str] | None = None) -> Any:
    base = {k: v for k, v in os.environ.items() if not k.startswith("LLM_SCHEMA_")}
    command = [SCRIPT, *(["--url", url] if url else []), *args]
    return subprocess.run(
        command, capture_output=True, text=True, env={**base, **(env or {})}, timeout=60
    )


def run_json(*args: str, url: str, status: int = 0) -> Any:
    done = run("--output", "json", *args, url=url)
    assert done.returncode == status, done.stdout + done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("files")
    for name, document in (("v1", TICKET), ("v2", TICKET_V2), ("narrow", NARROWER)):
        (folder / f"{name}.json").write_text(json.dumps(document))
    records = [
        {"title": "a", "priority": "low"},
        {"title": "b", "priority": "urgent"},
        {"title": "c", "priority": "high"},
    ]
    (folder / "records.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    (folder / "good.json").write_text(json.dumps([records[0], records[2]]))
    return folder


@pytest.fixture(scope="module")
def url(live_server: ServerProcess, files: Path) -> str:
    run_json("register", "tickets-value", str(files / "v1.json"), url=live_server.url)
    run_json("register", "tickets-value", str(files / "v2.json"), url=live_server.url)
    return live_server.url


def test_register_get_list_versions(url: str, files: Path) -> None:
    created = run_json("register", "other-value", str(files / "v1.json"), url=url)
    assert set(created) == {"subject", "id", "version"} and created["version"] == 1
    again = run_json("register", "tickets-value", str(files / "v1.json"), url=url)
    assert again["version"] == 1  # already registered: its own version, not the latest
    got = run_json("get", "tickets-value", "--version", "1", url=url)
    assert json.loads(got["schema"]) == TICKET and got["schemaType"] == "JSON"
    by_id = run_json("get", "--id", str(created["id"]), url=url)
    assert by_id["id"] == created["id"]
    assert "tickets-value" in run_json("list", url=url)
    assert run_json("versions", "tickets-value", url=url) == [1, 2]
    text = run("versions", "tickets-value", url=url)
    assert (text.returncode, text.stdout.strip()) == (0, "1 2")


def test_compat_exit_status_for_ci(url: str, files: Path) -> None:
    run_json("config", "tickets-value", "--set", "BACKWARD", url=url)
    ok = run_json("compat", "tickets-value", str(files / "v2.json"), url=url)
    assert ok == {"is_compatible": True, "messages": []}
    bad = run_json(
        "compat", "tickets-value", str(files / "narrow.json"), "--schema-type", "JSON",
        url=url, status=1,
    )  # fmt: skip
    assert bad["is_compatible"] is False and bad["messages"]
    text = run("compat", "tickets-value", str(files / "narrow.json"), url=url)
    assert text.returncode == 1 and "incompatible" in text.stdout
    assert all(m[:40] in text.stdout for m in bad["messages"])


def test_validate_file_summary_and_exit(url: str, files: Path) -> None:
    summary = run_json("validate", "tickets-value", str(files / "records.jsonl"), url=url, status=1)
    assert {k: summary[k] for k in ("total", "valid", "invalid")} == {
        "total": 3,
        "valid": 2,
        "invalid": 1,
    }
    assert summary["failures"][0]["index"] == 1
    assert summary["failures"][0]["errors"][0]["path"] == "$.priority"
    good = run("validate", "tickets-value", str(files / "good.json"), url=url)
    assert good.returncode == 0 and "records" in good.stdout
    local = run_json(
        "validate", "tickets-value", str(files / "records.jsonl"), "--local", url=url, status=1
    )
    assert local == summary
    bundle = files / "tickets-bundle.json"
    run_json("bundle", "export", "tickets-value", "--out", str(bundle), url=url)
    down = f"http://127.0.0.1:{free_port()}"  # no registry needed with a bundle
    offline = run_json(
        "validate", "tickets-value", str(files / "records.jsonl"), "--bundle", str(bundle),
        url=down, status=1,
    )  # fmt: skip
    assert offline == summary


def test_diff_names_each_change_and_judges_it_both_ways(url: str) -> None:
    [change] = run_json("diff", "tickets-value", "2", "1", url=url)["changes"]
    assert change["name"] == "due" and "$.properties.due" in change["description"]
    assert {"breaking", "breaking_backward", "breaking_forward", "compatibility_level"} <= set(
        change
    )
    table = run("diff", "tickets-value", "2", "1", url=url, env={"COLUMNS": "400"})
    assert table.returncode == 0, table.stderr
    assert "'$.properties.due' was added where the old schema allowed no others" in table.stdout
    for column in ("breaks backward", "breaks forward", "breaking (BACKWARD)"):
        assert column in table.stdout


def test_diff_deprecate_rollback(url: str) -> None:
    changes = run_json("diff", "tickets-value", "2", "1", url=url)
    assert {"version", "against", "changes", "semver_bump"} <= set(changes)
    state = run_json(
        "deprecate", "tickets-value", "2", "--reason", "use v1", "--sunset-date", "2099-01-01",
        url=url,
    )  # fmt: skip
    assert state["state"] == "DEPRECATED"
    back = run_json("rollback", "tickets-value", "1", url=url)
    assert back["latest"] == 1


def test_config_and_export(url: str) -> None:
    level = run_json("config", url=url)
    assert "compatibilityLevel" in level or "compatibility" in level
    exported = run_json("export", "tickets-value", "--target", "openai", "--fix", url=url)
    assert set(exported) == {"payload", "findings", "fixes"} and exported["findings"] == []
    raw = run_json("export", "tickets-value", "--target", "openai", "--version", "2", url=url)
    assert [(f["path"], f["rule"]) for f in raw["findings"]] == [("$.properties.due", "required")]
    text = run("export", "tickets-value", "--target", "gemini", url=url)
    assert text.returncode == 0 and json.loads(text.stdout)["responseMimeType"]


def test_bundle_export(url: str, tmp_path: Path) -> None:
    out = tmp_path / "bundle.json"
    made = run_json("bundle", "export", "tickets-value:all", "--out", str(out), url=url)
    assert made == {"path": str(out), "schemas": 2, "signed": 0}
    assert json.loads(out.read_text())["format"] == "llm-schema-bundle/1"


def test_exit_statuses_usage_and_unreachable(url: str, files: Path) -> None:
    assert run("compat", url=url).returncode == 2  # missing arguments
    assert run("register", "x", str(files / "missing.json"), url=url).returncode == 2
    assert run("--output", "yaml", "list", url=url).returncode == 2
    missing = run("--output", "json", "get", "no-such-subject", url=url)
    assert missing.returncode == 2 and json.loads(missing.stdout)["error_code"] == 40401
    down = f"http://127.0.0.1:{free_port()}"
    unreachable = run("--output", "json", "compat", "t", str(files / "v1.json"), url=down)
    assert unreachable.returncode == 3 and "unreachable" in json.loads(unreachable.stdout)["error"]
    invalid = run("register", "bad-value", str(files / "records.jsonl"), "-t", "JSON", url=url)
    assert invalid.returncode == 1


def test_url_from_environment_and_config_file(url: str, tmp_path: Path) -> None:
    from_env = run("--output", "json", "versions", "tickets-value", env={"LLM_SCHEMA_URL": url})
    assert from_env.returncode == 0 and json.loads(from_env.stdout) == [1, 2]
    config = tmp_path / "config.toml"
    config.write_text(f'url = "{url}"\noutput = "json"\n')
    from_file = run("versions", "tickets-value", env={"LLM_SCHEMA_CONFIG": str(config)})
    assert from_file.returncode == 0 and json.loads(from_file.stdout) == [1, 2]
