"""The `/contexts/{context}/…` URL prefix, as Confluent's clients use it.

A client configured with `url=http://host/contexts/.team-a` sends every request under that
prefix. This outermost ASGI layer maps such a request onto the plain route with the context
carried in the subject, as Confluent's `ContextFilter` does, so every layer inside (security,
audit, routes) sees one request shape:

- `…/subjects/{s}/…` (anywhere in the path) → the subject qualified: `:.team-a:{s}`;
- `…/config` and `…/mode` at the root → `/config/:.team-a:` (the context's own settings),
  `/config/{s}` → `/config/:.team-a:{s}`;
- `…/schemas/ids/{id}…` → `?subject=` qualified (`:.team-a:` when absent), which is how the
  schema's context is named;
- `…/subjects` and `…/schemas` listings → `?subjectPrefix=` qualified.

Subjects that already name a context (`:.other:s`, `:*:s`) are left as they are. `GET
/contexts` and `DELETE /contexts/{context}` (nothing after the context) are routes of their own.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode

from llm_schema_registry.api.errors import send_error
from llm_schema_registry.asgi import ASGIApp, Receive, Scope, Send
from llm_schema_registry.registry.contexts import normalize_context, qualify
from llm_schema_registry.registry.errors import RegistryError

PREFIX = b"/contexts/"
SUBJECT_PARENTS = ("subjects",)
ROOT_SETTINGS = ("config", "mode")


class ContextLayer:
    """Rewrites `/contexts/{context}/X` to `X` with the context carried (module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # Every request passes here: one string test for those without the prefix.
        if scope["type"] == "http" and scope["path"].startswith("/contexts/"):
            raw: bytes = scope.get("raw_path") or scope["path"].encode()
            if raw.startswith(PREFIX) and raw.count(b"/") > 2:
                try:
                    rewritten = rewrite(raw.decode("latin-1"), scope["query_string"])
                except RegistryError as error:
                    await send_error(send, error)
                    return
                if rewritten is not None:
                    path, query = rewritten
                    scope = {
                        **scope,
                        "raw_path": path.encode("latin-1"),
                        "path": unquote(path),
                        "query_string": query,
                    }
        await self.app(scope, receive, send)


def rewrite(raw_path: str, query: bytes) -> tuple[str, bytes] | None:
    """The plain (still percent-encoded) path and the query string for a request under
    `/contexts/{context}/`; None when nothing follows the context (a route of its own)."""
    segments = raw_path.split("/")  # "", "contexts", "{context}", rest…
    rest = segments[3:]
    if not rest or rest == [""]:
        return None
    context = normalize_context(unquote(segments[2]))
    out: list[str] = []
    qualify_next = False
    for index, segment in enumerate(rest):
        if qualify_next:
            segment = quote(qualify(context, unquote(segment)), safe="")
            qualify_next = False
        elif segment in SUBJECT_PARENTS or (index == 0 and segment in ROOT_SETTINGS):
            qualify_next = True
        out.append(segment)
    if qualify_next and rest[0] in ROOT_SETTINGS and len(out) == 1:
        own = qualify(context, "")
        if own:  # the context's own config or mode
            out.append(quote(own, safe=""))
    path = "/" + "/".join(out)
    return path, _query(path, context, query)


def _query(path: str, context: str, query: bytes) -> bytes:
    params = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
    if path.startswith("/schemas/ids"):
        given = next((value for key, value in params if key == "subject"), "")
        params = [(k, v) for k, v in params if k != "subject"]
        if qualified := qualify(context, given):
            params.append(("subject", qualified))
    elif path.rstrip("/") in ("/schemas", "/subjects"):
        prefixes = [value for key, value in params if key == "subjectPrefix"] or [""]
        params = [(k, v) for k, v in params if k != "subjectPrefix"]
        params += [("subjectPrefix", qualify(context, prefix)) for prefix in prefixes]
    return urlencode(params, quote_via=quote).encode("latin-1")
