"""A bounded property-based run over our own OpenAPI document (schemathesis on hypothesis)
against a real server process: no input may get a 5xx, and the server answers afterwards.

Every operation gets `REGISTRY_FUZZ_EXAMPLES` valid-shaped and as many malformed requests
(default 15 each: about a minute on a loaded 2-core machine; CI may raise it, a few hundred
at most). Failures are collected over every operation and reported together.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import schemathesis
from avro_samples import USER_V1, USER_V2
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from support import ServerProcess

EXAMPLES = int(os.environ.get("REGISTRY_FUZZ_EXAMPLES", "15"))
TIMEOUT = 30.0  # seconds per request: a hang is a failure too, not a stalled suite
# Streams that never end on a well-formed request (a heartbeat every 15 s keeps the read
# timeout from firing): their parameters are checked by tests/events/test_live_stream.py.
ENDLESS = {"/events/stream"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    workdir = tmp_path_factory.mktemp("fuzz")
    process = ServerProcess(f"sqlite:///{workdir}/registry.db", Path(workdir))
    try:
        for schema in (USER_V1, USER_V2):  # something real for the generated requests to find
            made = httpx.post(f"{process.url}/subjects/s/versions", json={"schema": schema})
            assert made.status_code == 200, made.text
        yield process
    finally:
        process.stop()


def _strategy(operation: schemathesis.APIOperation) -> st.SearchStrategy[schemathesis.Case]:
    modes = [operation.as_strategy(GenerationMode.POSITIVE)]
    with contextlib.suppress(Exception):  # an operation with nothing to negate
        modes.append(operation.as_strategy(GenerationMode.NEGATIVE))
    return st.one_of(modes)


def _fuzz(operation: schemathesis.APIOperation, base_url: str) -> list[str]:
    """The 5xx answers (and errors) of one operation's generated requests, reduced."""
    found: list[str] = []

    @settings(
        max_examples=EXAMPLES * 2,
        deadline=None,
        database=None,  # nothing written to .hypothesis/
        derandomize=bool(os.environ.get("CI")),  # the same cases on every CI run
        phases=[Phase.explicit, Phase.generate],  # no shrinking: bounded time, raw cases kept
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_strategy(operation))
    def run(case: schemathesis.Case) -> None:
        try:
            response = case.call(base_url=base_url, timeout=TIMEOUT)
        except Exception as error:  # a dropped connection or a hang
            found.append(f"{operation.label}: {type(error).__name__} for {case.as_curl_command()}")
            return
        if response.status_code >= 500:
            found.append(
                f"{operation.label}: {response.status_code} {response.text[:200]} for "
                f"{case.as_curl_command()}"
            )

    run()
    return found


def test_no_generated_request_gets_a_5xx(server: ServerProcess) -> None:
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        if operation.path in ENDLESS:
            continue
        failures += _fuzz(operation, server.url)
    assert operations >= 50  # the whole document was read
    assert failures == [], "\n".join(dict.fromkeys(failures))
    # The server is alive and still answers (what it holds the run may have deleted).
    assert server.process.poll() is None
    assert httpx.get(f"{server.url}/", timeout=TIMEOUT).status_code == 200
    assert httpx.get(f"{server.url}/schemas/types", timeout=TIMEOUT).json()[0] == "JSON"
