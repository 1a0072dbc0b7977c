"""CSRF: a state-changing request authenticated by the session cookie must come from one of
our own pages. Two checks, both required to pass: the `Origin` (else `Referer`) header, when
the browser sends one, names this very host; and the request carries the session's CSRF token
(the `csrf_token` form field, or an `X-CSRF-Token` header for scripts). SameSite=Strict on the
cookie is a third, browser-side layer. Requests authenticated by headers (API keys, bearer
tokens) cannot be forged by another site and are not checked."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from llm_schema_registry.security.errors import CsrfError
from llm_schema_registry.security.sessions import CSRF_FIELD, CSRF_HEADER, Session, Sessions

FORM = b"application/x-www-form-urlencoded"


def check(
    sessions: Sessions, session: Session | None, headers: dict[bytes, bytes], body: bytes
) -> None:
    """Raises `CsrfError` unless the request passes both checks (see the module docstring)."""
    source = headers.get(b"origin") or headers.get(b"referer")
    if source is not None:
        origin = urlsplit(source.decode("latin-1"))
        if not origin.netloc or origin.netloc != headers.get(b"host", b"").decode("latin-1"):
            raise CsrfError("the request comes from another site")
    if not sessions.csrf_valid(session, token_of(headers, body)):
        raise CsrfError("missing or invalid CSRF token")


def token_of(headers: dict[bytes, bytes], body: bytes) -> str | None:
    header = headers.get(CSRF_HEADER)
    if header is not None:
        return header.decode("latin-1")
    if headers.get(b"content-type", b"").split(b";")[0].strip() != FORM:
        return None
    for name, value in parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True):
        if name == CSRF_FIELD:
            return value
    return None
