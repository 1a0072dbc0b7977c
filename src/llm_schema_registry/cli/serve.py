"""`llm-schema serve`: run the registry on uvicorn.

uvicorn (httptools + uvloop) was chosen by measurement (shared/reference/performance.md and
bench/RESULTS.md): with the hot read answered by our pure-ASGI front layer it reaches the
raw-ASGI ceiling of the server, and it offers programmatic start-up, worker processes,
graceful shutdown and TLS in one maintained package. The gRPC API (docs/grpc.md) runs in the
same event loop, started and stopped with the app.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import typer

from llm_schema_registry.security.transport import (
    INSECURE_WARNING,
    is_loopback,
    refusal,
    tls_options,
)
from llm_schema_registry.settings import Settings

if TYPE_CHECKING:
    from llm_schema_registry.asgi import ASGIApp


def app_from_environment() -> ASGIApp:
    """The factory each worker process calls: settings from the environment, JSON logs."""
    # The server stack is imported here, not at module level, so client commands of the
    # CLI start in a fraction of the time (they never load FastAPI, SQLAlchemy or alembic).
    from llm_schema_registry.api.app import create_app
    from llm_schema_registry.observability.logging import configure_logging

    settings = Settings()
    configure_logging(settings.log_level)
    return create_app(settings, serve_grpc=True)


def serve(
    host: str | None = typer.Option(None, help="Address to listen on [REGISTRY_HOST, 127.0.0.1]"),
    port: int | None = typer.Option(None, help="Port to listen on [REGISTRY_PORT, 8081]"),
    workers: int = typer.Option(
        1, min=1, help="Worker processes; each is a stateless node (use PostgreSQL when > 1)"
    ),
    insecure: bool = typer.Option(
        False, help="Allow a non-loopback address without authentication (warns each start)"
    ),
    tls_cert: str | None = typer.Option(None, help="TLS certificate (PEM) [REGISTRY_TLS_CERT]"),
    tls_key: str | None = typer.Option(None, help="TLS private key (PEM) [REGISTRY_TLS_KEY]"),
    tls_client_ca: str | None = typer.Option(
        None, help="Require client certificates from this CA [REGISTRY_TLS_CLIENT_CA]"
    ),
) -> None:
    """Serve the registry (SQLite under ./data by default; REGISTRY_DATABASE_URL for others),
    REST on --port and gRPC on REGISTRY_GRPC_PORT (9090; 0 turns it off), both with the TLS
    options."""
    import uvicorn

    from llm_schema_registry.api.app import create_app
    from llm_schema_registry.observability.logging import configure_logging

    # Workers are separate processes that read settings from the environment.
    if host is not None:
        os.environ["REGISTRY_HOST"] = host
    if port is not None:
        os.environ["REGISTRY_PORT"] = str(port)
    for name, given in (("CERT", tls_cert), ("KEY", tls_key), ("CLIENT_CA", tls_client_ca)):
        if given is not None:  # the gRPC server reads them from the settings
            os.environ[f"REGISTRY_TLS_{name}"] = given
    if workers > 1:  # every worker serves gRPC on the one port; the kernel spreads connections
        os.environ["REGISTRY_GRPC_REUSE_PORT"] = "true"
    settings = Settings()
    configure_logging(settings.log_level)
    reason = refusal(settings.host, settings.auth_enabled, insecure)
    if reason is not None:
        typer.echo(reason, err=True)
        raise typer.Exit(2)
    if insecure and not settings.auth_enabled and not is_loopback(settings.host):
        typer.echo(INSECURE_WARNING, err=True)
    files = (settings.tls_cert, settings.tls_key, settings.tls_client_ca)
    try:
        tls = tls_options(*(str(path) if path is not None else None for path in files))
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    common = {
        **tls,
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level.lower(),
        "log_config": None,  # keep our JSON handlers
        # On SIGTERM: stop accepting, let in-flight requests finish (up to 10 s), then exit.
        "timeout_graceful_shutdown": 10,
        "access_log": False,
    }
    if workers == 1:
        uvicorn.run(create_app(settings, serve_grpc=True), **common)
    else:
        uvicorn.run(
            "llm_schema_registry.cli.serve:app_from_environment",
            factory=True,
            workers=workers,
            **common,
        )
