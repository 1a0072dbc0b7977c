"""The gRPC server beside REST: `llm_schema_registry.v1.SchemaRegistry`, `grpc.health.v1` and
server reflection on `REGISTRY_GRPC_PORT`, in the registry's own event loop (grpc.aio), with
REST's TLS settings. The composition root starts it once the app's storage is open and stops
it, gracefully, before storage closes (the app's lifespan)."""

from __future__ import annotations

from typing import Any

import grpc
from grpc_reflection.v1alpha import reflection

from llm_schema_registry.grpc_api.errors import CodeFor
from llm_schema_registry.grpc_api.gate import Gate
from llm_schema_registry.grpc_api.handlers import Handlers
from llm_schema_registry.grpc_api.health import HEALTH_SERVICE, Probe, ReadinessHealth
from llm_schema_registry.grpc_api.service import RegistryServices, SchemaRegistryService
from llm_schema_registry.rpc import SERVICE
from llm_schema_registry.security.setup import SecurityGuards
from llm_schema_registry.security.transport import tls_options
from llm_schema_registry.settings import Settings

GRACE_SECONDS = 10.0  # calls in flight at shutdown may finish within this (as REST's)


def server_credentials(settings: Settings) -> grpc.ServerCredentials | None:
    """REST's TLS settings as gRPC credentials (None: plaintext); with a client CA, client
    certificates are required (mTLS)."""
    given = [settings.tls_cert, settings.tls_key, settings.tls_client_ca]
    options = tls_options(*(str(path) if path is not None else None for path in given))
    if not options:
        return None
    with open(options["ssl_keyfile"], "rb") as key, open(options["ssl_certfile"], "rb") as cert:
        pair = (key.read(), cert.read())
    client_ca = options.get("ssl_ca_certs")
    roots = None
    if client_ca is not None:
        with open(client_ca, "rb") as handle:
            roots = handle.read()
    return grpc.ssl_server_credentials(
        [pair], root_certificates=roots, require_client_auth=roots is not None
    )


def address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"


class GrpcServer:
    """One gRPC server over the app's services, security guards and readiness probe."""

    def __init__(
        self,
        services: RegistryServices,
        guards: SecurityGuards,
        probe: Probe,
        settings: Settings,
        code_for: CodeFor,
    ) -> None:
        """`code_for`: the Confluent code of an error (the one table), None if unexpected."""
        self.settings = settings
        self.servicer = SchemaRegistryService(services)
        self._handlers = Handlers(Gate(guards), code_for)
        self.health = ReadinessHealth(probe, [SERVICE])
        self._server: grpc.aio.Server | None = None

    def forget_schemas(self) -> None:
        """Permanent deletes may have removed ids: drop the encoded replies by id."""
        self.servicer.forget_schemas()

    def _options(self) -> list[tuple[str, Any]]:
        return [
            # Workers of one `serve` share the port; otherwise a port in use is an error.
            ("grpc.so_reuseport", 1 if self.settings.grpc_reuse_port else 0),
            # The request size limit of REST's bodies (stream larger validation batches).
            ("grpc.max_receive_message_length", self.settings.max_body_bytes),
        ]

    async def start(self) -> None:
        server = grpc.aio.server(options=self._options())
        server.add_generic_rpc_handlers(
            (self._handlers.service(self.servicer), self.health.handler())
        )
        reflection.enable_server_reflection(
            (SERVICE, HEALTH_SERVICE, reflection.SERVICE_NAME), server
        )
        where = address(self.settings.host, self.settings.grpc_port)
        credentials = server_credentials(self.settings)
        if credentials is None:
            server.add_insecure_port(where)
        else:
            server.add_secure_port(where, credentials)
        await server.start()
        self._server = server
        await self.health.refresh()
        self.health.start()

    async def stop(self) -> None:
        """NOT_SERVING at once; calls in flight get `GRACE_SECONDS` to finish."""
        if self._server is None:
            return
        await self.health.shutdown()
        await self._server.stop(GRACE_SECONDS)
        self._server = None
