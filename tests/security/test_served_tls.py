"""TLS and mTLS on the served process (`serve --tls-cert/--tls-key/--tls-client-ca`), with a
test CA made here: confluent-kafka's SchemaRegistryClient (`ssl.ca.location`, and its client
certificate settings) and our SDK connect; with client certificates required, a client
without one, or with one from another CA, is refused."""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import httpx2  # what confluent-kafka's registry client speaks HTTP with
import pytest
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError
from pki import make_pki
from secsupport import AVRO_V1

from llm_schema_registry.client import RegistryClient, RegistryUnavailableError
from support import free_port

SERVE = [sys.executable, "-m", "llm_schema_registry.cli.main", "serve"]
# How a refused TLS handshake reaches confluent-kafka's client.
REFUSED = (SchemaRegistryError, httpx2.HTTPError, OSError)


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_pki(tmp_path_factory.mktemp("pki"))


def _context(pki: Path, client: str | None) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(pki / "ca.pem"))
    if client is not None:
        context.load_cert_chain(str(pki / f"{client}.pem"), str(pki / f"{client}.key"))
    return context


@contextmanager
def served(pki: Path, workdir: Path, *, client_ca: bool) -> Iterator[str]:
    """`llm-schema serve` on TLS (client certificates required with `client_ca`): its URL."""
    port = free_port()
    tls = ["--tls-cert", str(pki / "server.pem"), "--tls-key", str(pki / "server.key")]
    if client_ca:
        tls += ["--tls-client-ca", str(pki / "ca.pem")]
    env = {**os.environ, "REGISTRY_DATABASE_URL": f"sqlite:///{workdir}/r.db"}
    env["REGISTRY_GRPC_PORT"] = "0"
    log = workdir / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [*SERVE, "--port", str(port), *tls],
            env=env,
            cwd=workdir,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        url = f"https://127.0.0.1:{port}"
        try:
            _wait(url, _context(pki, "client" if client_ca else None), process, log)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=15)


def _wait(url: str, context: ssl.SSLContext, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text())
        try:
            if httpx.get(url + "/", verify=context, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(log.read_text())


def test_tls_confluent_kafka_and_the_sdk_connect(pki: Path, tmp_path: Path) -> None:
    with served(pki, tmp_path, client_ca=False) as url:
        confluent = SchemaRegistryClient({"url": url, "ssl.ca.location": str(pki / "ca.pem")})
        schema_id = confluent.register_schema("tls-value", Schema(AVRO_V1, "AVRO"))
        assert confluent.get_schema(schema_id).schema_str == AVRO_V1
        with RegistryClient(url, verify=str(pki / "ca.pem")) as sdk:
            assert sdk.get_schema(schema_id).schema == AVRO_V1
            assert sdk.register("tls-sdk", AVRO_V1) == schema_id
        # Not trusting the test CA (the system's CAs only): the server is not believed.
        with RegistryClient(url, retries=0) as untrusting, pytest.raises(RegistryUnavailableError):
            untrusting.get_schema(schema_id)
        with pytest.raises(httpx.ConnectError):
            httpx.get(url + "/subjects")
        # Plain HTTP on the TLS port gets no answer from the registry.
        with pytest.raises(httpx.HTTPError):
            httpx.get(url.replace("https", "http") + "/subjects", timeout=5)


def test_mtls_refuses_clients_without_a_certificate_from_the_ca(pki: Path, tmp_path: Path) -> None:
    ca = str(pki / "ca.pem")
    with served(pki, tmp_path, client_ca=True) as url:
        confluent = SchemaRegistryClient(
            {
                "url": url,
                "ssl.ca.location": ca,
                "ssl.certificate.location": str(pki / "client.pem"),
                "ssl.key.location": str(pki / "client.key"),
            }
        )
        schema_id = confluent.register_schema("mtls-value", Schema(AVRO_V1, "AVRO"))
        assert confluent.get_subjects() == ["mtls-value"]
        with RegistryClient(url, verify=_context(pki, "client")) as sdk:
            assert sdk.get_schema(schema_id).schema == AVRO_V1

        anonymous = SchemaRegistryClient({"url": url, "ssl.ca.location": ca, "max.retries": 0})
        with pytest.raises(REFUSED):
            anonymous.get_subjects()
        stranger = SchemaRegistryClient(
            {
                "url": url,
                "ssl.ca.location": ca,
                "ssl.certificate.location": str(pki / "stranger.pem"),
                "ssl.key.location": str(pki / "stranger.key"),
                "max.retries": 0,
            }
        )
        with pytest.raises(REFUSED):
            stranger.get_subjects()
        for context in (_context(pki, None), _context(pki, "stranger")):
            with (
                RegistryClient(url, verify=context, retries=0) as refused,
                pytest.raises(RegistryUnavailableError),
            ):
                refused.get_schema(schema_id)
