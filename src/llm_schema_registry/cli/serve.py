"""`llm-schema serve`: run the registry on uvicorn.

uvicorn (httptools + uvloop) was chosen by measurement (shared/reference/performance.md):
with the hot read answered by our pure-ASGI front layer it reaches the raw-ASGI ceiling
(32k req/s on one pinned core) — 3x the 10k req/s target — and it offers programmatic
start-up, graceful shutdown and TLS with client certificates in one maintained package.
"""

from __future__ import annotations

import typer
import uvicorn

from llm_schema_registry.api.app import create_app
from llm_schema_registry.observability.logging import configure_logging
from llm_schema_registry.settings import Settings


def serve(
    host: str | None = typer.Option(None, help="Address to listen on [REGISTRY_HOST, 127.0.0.1]"),
    port: int | None = typer.Option(None, help="Port to listen on [REGISTRY_PORT, 8081]"),
) -> None:
    """Serve the registry (SQLite under ./data by default; REGISTRY_DATABASE_URL for others)."""
    overrides = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    settings = Settings(**overrides)  # type: ignore[arg-type]
    configure_logging(settings.log_level)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        log_config=None,  # keep our JSON handlers
        # On SIGTERM: stop accepting, let in-flight requests finish (up to 10 s), then exit.
        timeout_graceful_shutdown=10,
        access_log=False,
    )
