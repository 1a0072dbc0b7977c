"""Refusals of the security layer, answered as pages: no session (or an expired one) goes to
the sign-in page, anything else is an error page with the status the API would answer."""

from __future__ import annotations

from urllib.parse import quote

from llm_schema_registry.api.errors import code_for, status_of
from llm_schema_registry.asgi import Scope, Send
from llm_schema_registry.security.errors import UnauthenticatedError
from llm_schema_registry.ui.render import PREFIX, SECURITY_HEADERS, render_error


async def refuse_page(scope: Scope, send: Send, refusal: Exception, request_id: str) -> None:
    headers = [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    headers.append((b"x-request-id", request_id.encode("latin-1")))
    if isinstance(refusal, UnauthenticatedError):
        raw: bytes = scope.get("raw_path") or scope["path"].encode()
        wanted = raw.decode("latin-1") if scope["method"] == "GET" else PREFIX
        location = f"{PREFIX}/sign-in?next={quote(wanted, safe='')}"
        headers.append((b"location", location.encode("latin-1")))
        await send({"type": "http.response.start", "status": 303, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    status = status_of(code_for(refusal))
    body = render_error(status, str(refusal))
    headers += [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
