"""The Node client @kafkajs/confluent-schema-registry against a real server.

`make test` installs it into tests/clients/node (npm); without Node the test is skipped.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from support import ServerProcess

NODE_DIR = Path(__file__).parent / "node"


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
def test_kafkajs_registers_encodes_and_decodes_all_three_formats(
    live_server: ServerProcess,
) -> None:
    if not (NODE_DIR / "node_modules").exists():
        pytest.fail("run `make test` (it installs the Node client with npm)")
    run = subprocess.run(
        ["node", str(NODE_DIR / "roundtrip.js"), live_server.url],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["againId"] == result["avroId"] == result["latestId"] == result["bySubject"]
    assert result["decoded"] == {"model": "m", "total_tokens": 7}
    assert result["jsonDecoded"] == {"prompt": "hi"}
    assert result["protoDecoded"] == {"reason": "stop"}
    assert result["refusedCode"] == 409
