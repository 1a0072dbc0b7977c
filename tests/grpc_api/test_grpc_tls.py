"""TLS and mTLS: `serve --tls-cert/--tls-key/--tls-client-ca` cover the gRPC port as they cover
REST's; with a client CA a caller without a certificate from it is refused."""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from grpcsupport import AVRO_V1, register_request

from llm_schema_registry.rpc.v1 import registry_pb2 as pb
from llm_schema_registry.rpc.v1 import registry_pb2_grpc as pb_grpc
from support import free_port


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _issue(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None = None,
    *,
    ca: bool = False,
    server: bool = False,
) -> x509.Certificate:
    now = dt.datetime.now(dt.UTC)
    issuer_name, signer = issuer or (_name(subject), key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if server:
        names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    return builder.sign(signer, hashes.SHA256())


def _write(
    folder: Path, name: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey
) -> None:
    (folder / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / f"{name}.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, as PEM files."""
    folder = tmp_path_factory.mktemp("pki")
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _issue("test CA", ca_key, ca=True)
    _write(folder, "ca", ca, ca_key)
    for name, server in (("server", True), ("client", False)):
        key = ec.generate_private_key(ec.SECP256R1())
        _write(folder, name, _issue(name, key, (ca.subject, ca_key), server=server), key)
    return folder


@pytest.fixture(scope="module")
def mtls_server(pki: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    """`serve` with TLS and required client certificates: (REST port, gRPC port)."""
    workdir = tmp_path_factory.mktemp("tls-server")
    port, grpc_port = free_port(), free_port()
    tls = [
        *("--tls-cert", str(pki / "server.pem"), "--tls-key", str(pki / "server.key")),
        *("--tls-client-ca", str(pki / "ca.pem")),
    ]
    env = {
        **os.environ,
        "REGISTRY_DATABASE_URL": f"sqlite:///{workdir}/r.db",
        "REGISTRY_GRPC_PORT": str(grpc_port),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "llm_schema_registry.cli.main", "serve", "--port", str(port), *tls],
        env=env,
        cwd=workdir,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        with grpc.secure_channel(f"127.0.0.1:{grpc_port}", _credentials(pki)) as channel:
            grpc.channel_ready_future(channel).result(timeout=30)
        yield port, grpc_port
    finally:
        process.terminate()
        process.wait(timeout=15)


def _credentials(pki: Path, *, client_cert: bool = True) -> grpc.ChannelCredentials:
    roots = (pki / "ca.pem").read_bytes()
    if not client_cert:
        return grpc.ssl_channel_credentials(root_certificates=roots)
    return grpc.ssl_channel_credentials(
        root_certificates=roots,
        private_key=(pki / "client.key").read_bytes(),
        certificate_chain=(pki / "client.pem").read_bytes(),
    )


def test_grpc_over_mtls_with_the_rest_settings(pki: Path, mtls_server: tuple[int, int]) -> None:
    port, grpc_port = mtls_server
    with grpc.secure_channel(f"127.0.0.1:{grpc_port}", _credentials(pki)) as channel:
        stub = pb_grpc.SchemaRegistryStub(channel)
        made = stub.RegisterSchema(register_request("tls"), timeout=10)
    context = ssl.create_default_context(cafile=str(pki / "ca.pem"))
    context.load_cert_chain(str(pki / "client.pem"), str(pki / "client.key"))
    with httpx.Client(verify=context) as rest:
        found = rest.get(f"https://127.0.0.1:{port}/schemas/ids/{made.id}")
    assert found.json()["schema"] == AVRO_V1


def test_a_caller_without_a_client_certificate_is_refused(
    pki: Path, mtls_server: tuple[int, int]
) -> None:
    _, grpc_port = mtls_server
    credentials = _credentials(pki, client_cert=False)
    with grpc.secure_channel(f"127.0.0.1:{grpc_port}", credentials) as channel:
        stub = pb_grpc.SchemaRegistryStub(channel)
        with pytest.raises(grpc.RpcError) as refused:
            stub.ListSubjects(pb.ListSubjectsRequest(), timeout=10)
    assert refused.value.code() == grpc.StatusCode.UNAVAILABLE  # type: ignore[attr-defined]
    with grpc.insecure_channel(f"127.0.0.1:{grpc_port}") as plain, pytest.raises(grpc.RpcError):
        pb_grpc.SchemaRegistryStub(plain).ListSubjects(pb.ListSubjectsRequest(), timeout=5)
