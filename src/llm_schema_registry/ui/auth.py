"""Signing in and out, and the dashboard's static files.

Sign in with an API key secret or a bearer token (the same credentials as the API); the
reply sets the session cookie (HttpOnly, SameSite=Strict, Path=/ui, Secure under TLS), and
the session replaces the guest one the sign-in form was posted with. With authentication off
there is no sign-in: every page is open, as `anonymous`.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from llm_schema_registry.api.access import PUBLIC, requires
from llm_schema_registry.security.audit import AuditLog
from llm_schema_registry.security.authentication import Authenticator
from llm_schema_registry.security.errors import LoginThrottledError, UnauthenticatedError
from llm_schema_registry.ui.forms import form, local_target, service
from llm_schema_registry.ui.render import (
    PREFIX,
    SECURITY_HEADERS,
    PageRoute,
    clear_session,
    page,
    redirect,
    sessions_of,
    set_session,
)

STATIC = Path(__file__).parent / "static"
STATIC_TYPES = {
    "ui.css": "text/css",
    "ui.js": "text/javascript",
    "lineage.js": "text/javascript",
}

router = APIRouter(prefix=PREFIX, route_class=PageRoute)


@router.get("/static/{name}", dependencies=[requires(PUBLIC)], response_model=None)
async def static(name: str) -> Response:
    media = STATIC_TYPES.get(name)
    if media is None:  # only the files named above: no path reaches the file system
        return Response("Not Found", status_code=404, headers=SECURITY_HEADERS)
    headers = {**SECURITY_HEADERS, "cache-control": "public, max-age=300"}
    return FileResponse(STATIC / name, media_type=media, headers=headers)


@router.get("/sign-in", dependencies=[requires(PUBLIC, session=True)], response_model=None)
async def sign_in_form(request: Request, next: str = PREFIX + "/") -> Response:
    if request.app.state.authenticator is None:
        return redirect(PREFIX + "/")
    return page(request, "sign_in.html", next=local_target(next), error=None)


@router.post("/sign-in", dependencies=[requires(PUBLIC, session=True)], response_model=None)
async def sign_in(request: Request) -> Response:
    authenticator: Authenticator | None = request.app.state.authenticator
    fields = await form(request)
    target = local_target(fields.get("next"))
    if authenticator is None:
        return redirect(target)
    audit = _audit(request)
    try:
        signed = await authenticator.sign_in(
            api_key=fields.get("api_key", ""),
            token=fields.get("token", ""),
            client=request.client.host if request.client else None,
        )
    except LoginThrottledError as refusal:
        if audit is not None:
            await audit.record(
                actor="anonymous",
                action="auth.throttled",
                resource=f"POST {PREFIX}/sign-in",
                result="denied",
                client=request.client.host if request.client else None,
                after={"retry_after": refusal.retry_after_seconds, "via": "dashboard"},
            )
        return page(request, "sign_in.html", 429, next=target, error=str(refusal))
    except UnauthenticatedError as refusal:
        if audit is not None:
            await audit.record(
                actor="anonymous",
                action="auth.login",
                resource=f"POST {PREFIX}/sign-in",
                result="denied",
                client=request.client.host if request.client else None,
                after={"reason": refusal.reason, "via": "dashboard"},
            )
        message = "Sign-in failed: the API key or token was not accepted."
        return page(request, "sign_in.html", 401, next=target, error=message)
    session = sessions_of(request).signed_in(signed.principal, signed.key_id, signed.expires)
    if audit is not None:
        await audit.record(
            actor=signed.principal.actor,
            action="ui.sign_in",
            resource=f"POST {PREFIX}/sign-in",
            result="success",
            client=request.client.host if request.client else None,
        )
    response = redirect(target)
    set_session(request, response, session)
    return response


@router.post("/sign-out", dependencies=[requires(PUBLIC, session=True)], response_model=None)
async def sign_out(request: Request) -> Response:
    response = redirect(PREFIX + "/sign-in" if request.app.state.authenticator else PREFIX + "/")
    clear_session(request, response)
    return response


def _audit(request: Request) -> AuditLog | None:
    return service(request, "audit") if request.app.state.settings.audit_enabled else None
