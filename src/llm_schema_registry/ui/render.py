"""Rendering pages: the Jinja2 environment (autoescaped: every name, doc, description, tag,
owner and schema text is escaped), the viewer (who is signed in, what they may do, the CSRF
token of their session), the response headers every page carries (a strict
Content-Security-Policy: scripts and styles from the registry only, nothing inline), and
domain errors answered as pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from jinja2 import Environment, PackageLoader, StrictUndefined

from llm_schema_registry.api.errors import HANDLED, code_for, status_of
from llm_schema_registry.registry.contexts import public_id
from llm_schema_registry.security.authorization import allowed
from llm_schema_registry.security.principals import Principal
from llm_schema_registry.security.sessions import SESSION_COOKIE, Session, Sessions

PREFIX = "/ui"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}


def segment(value: object) -> str:
    """A value as one URL path segment (a subject's `/` included)."""
    return quote(str(value), safe="")


def when(ms: int | None) -> str:
    if not ms:
        return ""
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


ENV = Environment(
    loader=PackageLoader("llm_schema_registry.ui", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters["seg"] = segment
ENV.filters["when"] = when
ENV.filters["public_id"] = public_id  # a schema's id in its context (registry/contexts.py)
ENV.globals["prefix"] = PREFIX
ENV.globals["nav"] = ""  # the main navigation entry a page belongs to


@dataclass(frozen=True)
class Viewer:
    """Who is looking at a page, and the session their forms post with."""

    principal: Principal | None
    session: Session
    csrf: str
    auth: bool  # authentication is on: there is a sign-in
    fresh: bool  # this request issued the session: its cookie is set on the reply

    def can(self, permissions: str | Iterable[str], subject: str | None = None) -> bool:
        """Whether the security layer would let this viewer do it (controls are shown only
        then; the layer decides again on the post itself)."""
        if self.principal is None:
            return False
        wanted = (permissions,) if isinstance(permissions, str) else tuple(permissions)
        return allowed(self.principal, wanted, subject)

    @property
    def actor(self) -> str:
        return self.principal.actor if self.principal is not None else ""


def sessions_of(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.sessions
    return sessions


def viewer(request: Request) -> Viewer:
    """The viewer the security layer admitted (a guest session is issued when none came)."""
    state = request.scope.get("state", {})
    sessions = sessions_of(request)
    session: Session | None = state.get("session")
    if session is None:  # the first visit (or an expired session): a guest session
        session = state["session"] = sessions.guest()
        state["session_issued"] = True
    auth = request.app.state.authenticator is not None
    fresh = bool(state.get("session_issued"))
    return Viewer(state.get("principal"), session, sessions.csrf_token(session), auth, fresh)


def set_session(request: Request, response: Response, session: Session) -> None:
    sessions = sessions_of(request)
    response.set_cookie(
        SESSION_COOKIE,
        sessions.encode(session),
        max_age=max(0, int(session.expires - dt.datetime.now(dt.UTC).timestamp())),
        path=PREFIX,
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )


def clear_session(request: Request, response: Response) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path=PREFIX,
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """`template` rendered for the request's viewer (`status` is in its context too), with
    the security headers."""
    seen = viewer(request)
    html = ENV.get_template(template).render(viewer=seen, status=status, **context)
    response = HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
    if seen.fresh:
        set_session(request, response, seen.session)
    return response


def redirect(url: str) -> RedirectResponse:
    """After a form post: see the result with a GET (303)."""
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)


def render_error(status: int, message: str) -> bytes:
    """An error page without a viewer (answered before the framework, by the refusals)."""
    return (
        ENV.get_template("error.html").render(viewer=None, status=status, message=message).encode()
    )


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class PageRoute(APIRoute):
    """A page route: the registry's domain errors and bad parameters become error pages
    (with the status the API would answer) instead of JSON bodies."""

    def get_route_handler(self) -> Handler:
        handle = super().get_route_handler()

        async def handle_as_page(request: Request) -> Response:
            try:
                return await handle(request)
            except HANDLED as error:
                return page(request, "error.html", status_of(code_for(error)), message=str(error))
            except RequestValidationError as error:
                problems = "; ".join(str(p.get("msg", "")) for p in error.errors())
                return page(request, "error.html", 400, message=f"Invalid request: {problems}")

        return handle_as_page
