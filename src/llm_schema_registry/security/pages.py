"""The security layer's part for dashboard pages (routes declaring `session=True`).

Per request: the session cookie → the session (`sessions`) → CSRF for state changes
(`csrf`) → the principal it stands for, as of now (authentication on: an API key session's
key re-checked; off: `anonymous`) → rate limit and authorization like any route. The
principal and session are left on the request's `state` for the page; refusals are answered
as pages (`refuse`: a sign-in redirect for 401, an HTML error otherwise).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie

from llm_schema_registry.asgi import Receive, Scope, Send
from llm_schema_registry.security import csrf
from llm_schema_registry.security.authentication import Authenticator
from llm_schema_registry.security.errors import UnauthenticatedError
from llm_schema_registry.security.principals import ANONYMOUS, Principal
from llm_schema_registry.security.route_table import MUTATING, Match
from llm_schema_registry.security.sessions import SESSION_COOKIE, Session, Sessions

# Answers a refusal as a page: (scope, send, the refusal, the request id).
RefusePage = Callable[[Scope, Send, Exception, str], Awaitable[None]]
# Reads a request body within the size limit: (scope, receive) → (body, replaying receive).
ReadBody = Callable[[Scope, Receive], Awaitable[tuple[bytes, Receive]]]


def cookie(headers: dict[bytes, bytes], name: str) -> str | None:
    raw = headers.get(b"cookie")
    if raw is None:
        return None
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(raw.decode("latin-1"))
    except CookieError:
        return None
    found = jar.get(name)
    return found.value if found is not None else None


@dataclass(frozen=True)
class PageGuard:
    """What the security layer needs for pages: their path prefix, the sessions, how to
    refuse as a page."""

    prefix: str
    sessions: Sessions
    refuse: RefusePage

    def claims(self, scope: Scope) -> bool:
        """Whether this request may be a page's (matched against the routes afterwards)."""
        path: str = scope["path"]
        return path == self.prefix or path.startswith(self.prefix + "/")

    async def admit(
        self,
        scope: Scope,
        receive: Receive,
        headers: dict[bytes, bytes],
        found: Match,
        authenticator: Authenticator | None,
        read_body: ReadBody,
    ) -> tuple[Principal | None, Receive]:
        """The page's principal (None: nobody signed in, on a public page); raises a
        `SecurityError` to refuse. Leaves principal and session on `scope["state"]`.
        `read_body`: the body within the size limit (the security layer's)."""
        session = self.sessions.decode(cookie(headers, SESSION_COOKIE))
        if scope["method"] in MUTATING:
            body, receive = await read_body(scope, receive)
            csrf.check(self.sessions, session, headers, body)
        principal = await _principal(session, authenticator, found.rule.public)
        state = scope.setdefault("state", {})
        state["principal"], state["session"] = principal, session
        return principal, receive


async def _principal(
    session: Session | None, authenticator: Authenticator | None, public: bool
) -> Principal | None:
    if authenticator is None:
        return ANONYMOUS  # authentication off: no sign-in
    if session is None or not session.signed_in:
        if public:
            return None
        raise UnauthenticatedError("no dashboard session")
    try:
        return await authenticator.session_principal(session)
    except UnauthenticatedError:
        if public:
            return None
        raise
