"""The security layer's route table: method + raw path → the rule of the route it reaches.

Built at start-up from the rules the routes declare themselves (`api/access.py`), so there is
one route table. Matched on path segments decoded one by one, so `%2F` inside a subject stays
in the subject (the front layer routes the same way). Deny by default: a path no route
declares is admin-only, and hidden from everyone else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl, unquote

from llm_schema_registry.security.authorization import ADMIN_ONLY, Rule

UNMATCHED = "unmatched"
UNKNOWN = Rule(ADMIN_ONLY, hidden=True)
UNKNOWN_MUTATION = Rule(ADMIN_ONLY, mutation=True, hidden=True)  # audited like any mutation
MUTATING = frozenset({"POST", "PUT", "DELETE", "PATCH"})


@dataclass(frozen=True, slots=True)
class Match:
    rule: Rule
    template: str  # the route's path template, or UNMATCHED
    params: dict[str, str]

    @property
    def subject(self) -> str | None:
        return self.params.get(self.rule.subject_param) if self.rule.subject_param else None


_Template = tuple[str, ...]


class RouteTable:
    """(method, path template, rule) triples, matched in the order given."""

    def __init__(self, routes: Iterable[tuple[str, str, Rule]]) -> None:
        self._by_shape: dict[tuple[str, int], list[tuple[_Template, Rule]]] = {}
        for method, template, rule in routes:
            parts = tuple(template.strip("/").split("/")) if template != "/" else ()
            self._by_shape.setdefault((method, len(parts)), []).append((parts, rule))

    def match(self, method: str, raw_path: bytes) -> Match:
        parts = segments(raw_path)
        for template, rule in self._by_shape.get((method, len(parts)), ()):
            params: dict[str, str] = {}
            for want, got in zip(template, parts, strict=True):
                if want.startswith("{"):
                    params[want[1:-1]] = got
                elif want != got:
                    break
            else:
                return Match(rule, "/" + "/".join(template), params)
        return Match(UNKNOWN_MUTATION if method in MUTATING else UNKNOWN, UNMATCHED, {})


def segments(raw_path: bytes) -> tuple[str, ...]:
    """Path segments, each percent-decoded on its own (an encoded slash stays inside)."""
    path = raw_path.split(b"?", 1)[0].decode("latin-1").strip("/")
    return tuple(unquote(part) for part in path.split("/")) if path else ()


def query_subject(query: bytes) -> str | None:
    """`?subject=` names a subject too (e.g. `GET /schemas/ids/{id}?subject=…`)."""
    if b"subject=" not in query:
        return None
    for key, value in parse_qsl(query.decode("latin-1")):
        if key == "subject" and value:
            return value
    return None
