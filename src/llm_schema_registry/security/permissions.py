"""Route + method → the permission a request needs and the subject it names.

Matched on path segments decoded one by one, so `%2F` inside a subject stays in the subject
(the same rule the front layer applies). A route not in the table needs the admin role:
deny by default.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

PUBLIC = frozenset({"public"})
READ = frozenset({"schema.read"})
VALIDATE = frozenset({"schema.validate"})
ADMIN_ONLY = frozenset({"admin.only"})  # held by no role but admin ("*")


@dataclass(frozen=True, slots=True)
class Rule:
    permissions: frozenset[str]
    subject_param: str | None = None  # the path parameter naming a subject
    mutation: bool = False  # audited with before/after
    listing: str | None = None  # "subjects" | "versions" | "schemas": filtered to the scope
    body_subject: bool = False  # the JSON body's "subject" names the subject


_S = "subject"
_TABLE: list[tuple[str, str, Rule]] = [
    ("GET", "/", Rule(PUBLIC)),
    ("POST", "/", Rule(PUBLIC)),
    ("GET", "/health/live", Rule(PUBLIC)),
    ("GET", "/health/ready", Rule(PUBLIC)),
    ("GET", "/keys", Rule(PUBLIC)),
    ("GET", "/schemas/types", Rule(PUBLIC)),
    ("GET", "/v1/metadata/id", Rule(PUBLIC)),
    ("GET", "/v1/metadata/version", Rule(PUBLIC)),
    ("GET", "/docs", Rule(PUBLIC)),
    ("GET", "/redoc", Rule(PUBLIC)),
    ("GET", "/openapi.json", Rule(PUBLIC)),
    ("GET", "/metrics", Rule(ADMIN_ONLY)),
    ("GET", "/contexts", Rule(READ)),
    ("GET", "/schemas", Rule(READ, listing="schemas")),
    ("GET", "/schemas/ids/{id}", Rule(READ)),
    ("GET", "/schemas/ids/{id}/schema", Rule(READ)),
    ("GET", "/schemas/ids/{id}/subjects", Rule(READ, listing="subjects")),
    ("GET", "/schemas/ids/{id}/versions", Rule(READ, listing="versions")),
    ("GET", "/schemas/ids/{id}/signature", Rule(READ)),
    ("GET", "/schemas/guids/{guid}", Rule(READ)),
    ("GET", "/schemas/guids/{guid}/ids", Rule(READ)),
    ("POST", "/schemas/bulk", Rule(READ)),
    ("GET", "/subjects", Rule(READ, listing="subjects")),
    ("POST", "/subjects/{subject}", Rule(READ, _S)),
    ("DELETE", "/subjects/{subject}", Rule(frozenset({"schema.delete"}), _S, mutation=True)),
    ("GET", "/subjects/{subject}/metadata", Rule(READ, _S)),
    ("GET", "/subjects/{subject}/versions", Rule(READ, _S)),
    (
        "POST",
        "/subjects/{subject}/versions",
        Rule(frozenset({"schema.create"}), _S, mutation=True),
    ),
    ("GET", "/subjects/{subject}/versions/{version}", Rule(READ, _S)),
    (
        "PUT",
        "/subjects/{subject}/versions/{version}",
        Rule(frozenset({"schema.update", "schema.approve"}), _S, mutation=True),
    ),
    (
        "DELETE",
        "/subjects/{subject}/versions/{version}",
        Rule(frozenset({"schema.delete"}), _S, mutation=True),
    ),
    ("GET", "/subjects/{subject}/versions/{version}/schema", Rule(READ, _S)),
    ("GET", "/subjects/{subject}/versions/{version}/referencedby", Rule(READ, _S)),
    ("GET", "/subjects/{subject}/versions/{version}/export", Rule(READ, _S)),
    ("POST", "/subjects/{subject}/versions/{version}/render", Rule(READ, _S)),
    ("GET", "/subjects/{subject}/versions/{version}/diff", Rule(READ, _S)),
    ("POST", "/subjects/{subject}/rollback", Rule(frozenset({"schema.update"}), _S, mutation=True)),
    ("POST", "/subjects/{subject}/consumers", Rule(READ, _S, mutation=True)),
    ("GET", "/subjects/{subject}/consumers", Rule(READ, _S)),
    ("GET", "/subjects/{subject}/overview", Rule(READ, _S)),
    ("POST", "/compatibility/subjects/{subject}/versions", Rule(VALIDATE, _S)),
    ("POST", "/compatibility/subjects/{subject}/versions/{version}", Rule(VALIDATE, _S)),
    ("POST", "/validate", Rule(VALIDATE, body_subject=True)),
    ("GET", "/audit", Rule(frozenset({"audit.read"}))),
    ("GET", "/admin/keys", Rule(ADMIN_ONLY)),
    ("POST", "/admin/keys", Rule(ADMIN_ONLY, mutation=True)),
    ("DELETE", "/admin/keys/{key_id}", Rule(ADMIN_ONLY, mutation=True)),
]
for _method in ("GET", "PUT", "DELETE"):
    for _family in ("config", "mode"):
        _TABLE.append((_method, f"/{_family}", Rule(ADMIN_ONLY, mutation=_method != "GET")))
        _TABLE.append(
            (_method, f"/{_family}/{{subject}}", Rule(ADMIN_ONLY, _S, mutation=_method != "GET"))
        )

UNMATCHED = "unmatched"
# Unknown routes: admins pass (and get the framework's 404/405); everyone else is refused.
UNKNOWN = Rule(ADMIN_ONLY)
# What an unknown mutation is audited as.
UNKNOWN_MUTATION = Rule(ADMIN_ONLY, mutation=True)

_ROUTES: dict[tuple[str, int], list[tuple[tuple[str, ...], Rule]]] = {}
for _method, _template, _rule in _TABLE:
    _parts = tuple(_template.strip("/").split("/")) if _template != "/" else ()
    _ROUTES.setdefault((_method, len(_parts)), []).append((_parts, _rule))


@dataclass(frozen=True, slots=True)
class Match:
    rule: Rule
    template: str
    params: dict[str, str]

    @property
    def subject(self) -> str | None:
        return self.params.get(self.rule.subject_param) if self.rule.subject_param else None


def segments(raw_path: bytes) -> tuple[str, ...]:
    """Path segments, each percent-decoded on its own (an encoded slash stays inside)."""
    path = raw_path.split(b"?", 1)[0].decode("latin-1").strip("/")
    return tuple(unquote(part) for part in path.split("/")) if path else ()


def match(method: str, parts: tuple[str, ...]) -> Match:
    for template, rule in _ROUTES.get((method, len(parts)), ()):
        params: dict[str, str] = {}
        for want, got in zip(template, parts, strict=True):
            if want.startswith("{"):
                params[want[1:-1]] = got
            elif want != got:
                break
        else:
            return Match(rule, "/" + "/".join(template), params)
    unknown = UNKNOWN_MUTATION if method in ("POST", "PUT", "DELETE", "PATCH") else UNKNOWN
    return Match(unknown, UNMATCHED, {})


def query_subject(query: bytes) -> str | None:
    """`?subject=` names a subject too (e.g. `GET /schemas/ids/{id}?subject=…`)."""
    if b"subject=" not in query:
        return None
    for key, value in parse_qsl(query.decode("latin-1")):
        if key == "subject" and value:
            return value
    return None
