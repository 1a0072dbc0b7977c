"""Reading what pages are sent: url-encoded form posts (parsed here: no multipart parser is
needed for text fields), the services on the app, and safe redirect targets."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request

from llm_schema_registry.ui.render import PREFIX


async def form(request: Request) -> dict[str, str]:
    """The post's fields (the last value of a repeated field wins)."""
    body = (await request.body()).decode("utf-8", "replace")
    return dict(parse_qsl(body, keep_blank_values=True))


def service(request: Request, name: str) -> Any:
    """A service the composition root put on the app (`registry`, `governance`, …)."""
    return getattr(request.app.state, name)


def local_target(wanted: str | None) -> str:
    """Where to go after signing in: a dashboard path, never another site."""
    if wanted and wanted.startswith(PREFIX) and not wanted.startswith("//") and "\\" not in wanted:
        return wanted
    return PREFIX + "/"
