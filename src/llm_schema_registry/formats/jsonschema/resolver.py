"""Offline `$ref` resolution over the schema, its `$id`s and its resolved references.

The registry never fetches a URL (SSRF): a `$ref` resolves only to the schema itself, a
subschema carrying an `$id`/`$anchor`, or one of the references the client declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin

from llm_schema_registry.formats.jsonschema.keywords import Draft, Json, draft_of, subschemas


@dataclass(frozen=True)
class Target:
    """Where a `$ref` lands: the subschema, the base URI in force there and its draft."""

    schema: Json
    base: str
    draft: Draft


def join(base: str, ref: str) -> str:
    """`ref` made absolute against `base`; a fragment-only ref keeps `base` whatever its scheme."""
    if ref.startswith("#"):
        return base.split("#", 1)[0] + ref
    if not base:
        return ref
    joined = urljoin(base, ref)
    # urljoin gives up on non-hierarchical bases (urn:...) and returns `ref` unchanged.
    return joined


def _id_keyword(draft: Draft) -> str:
    return "id" if draft is Draft.DRAFT4 else "$id"


def scope_of(schema: Json, base: str, draft: Draft) -> str:
    """The base URI inside `schema`: changed by a non-fragment `$id` (`id` in draft 4)."""
    if isinstance(schema, dict):
        ident = schema.get(_id_keyword(draft))
        if isinstance(ident, str) and not ident.startswith("#"):
            return join(base, ident).split("#", 1)[0]
    return base


@dataclass
class Resolver:
    """An index of every resource reachable without the network.

    `resources` maps an absolute URI (no fragment) to (schema, draft); `anchors` maps
    `uri#name` to the subschema a plain-name fragment designates.
    """

    resources: dict[str, tuple[Json, Draft]] = field(default_factory=dict)
    anchors: dict[str, tuple[Json, str, Draft]] = field(default_factory=dict)

    @classmethod
    def build(cls, root: Json, root_draft: Draft, documents: Mapping[str, Json]) -> Resolver:
        """Index `root` (base "" or its `$id`) and each named document (base = its name)."""
        resolver = cls()
        resolver.add(root, "", root_draft)
        for name, document in documents.items():
            resolver.add(document, name, draft_of(document) or root_draft)
        return resolver

    def add(self, document: Json, name: str, draft: Draft) -> None:
        """Index one document and every `$id`/`$anchor` inside it."""
        self.resources.setdefault(name, (document, draft))
        self._index(document, name, draft)

    def _index(self, schema: Json, base: str, draft: Draft) -> None:
        if not isinstance(schema, dict):
            return
        own = draft_of(schema) if "$schema" in schema else draft
        draft = own or draft
        scope = scope_of(schema, base, draft)
        if scope != base:
            self.resources.setdefault(scope, (schema, draft))
        ident = schema.get(_id_keyword(draft))
        if isinstance(ident, str) and "#" in ident:
            # Draft 4-7 plain-name fragments: {"$id": "#node"} or {"$id": "x.json#node"}.
            uri, _, fragment = join(base, ident).partition("#")
            if fragment and not fragment.startswith("/"):
                self.anchors.setdefault(f"{uri}#{fragment}", (schema, uri, draft))
        anchor = schema.get("$anchor")
        if isinstance(anchor, str):
            self.anchors.setdefault(f"{scope}#{anchor}", (schema, scope, draft))
        for _, child in subschemas(schema):
            self._index(child, scope, draft)

    def resolve(self, ref: str, base: str) -> Target | None:
        """The subschema `ref` designates from `base`, or None when nothing local matches."""
        absolute = join(base, ref)
        uri, _, fragment = absolute.partition("#")
        found = self.resources.get(uri)
        if found is None:
            # A reference registered under its bare name ("address.json") still answers a
            # `$ref` written the same way under a schema whose `$id` is an absolute URL.
            uri, _, fragment = ref.partition("#")
            found = self.resources.get(uri)
        if found is None:
            return None
        document, draft = found
        if fragment and not fragment.startswith("/"):
            anchored = self.anchors.get(f"{uri}#{unquote(fragment)}")
            if anchored is None:
                return None
            return Target(anchored[0], anchored[1], anchored[2])
        node = pointer(document, fragment)
        if node is _MISSING:
            return None
        return Target(node, uri, draft)


_MISSING = object()


def pointer(document: Json, fragment: str) -> Json:
    """RFC 6901 pointer lookup (percent-decoded); `_MISSING` when a step does not exist."""
    node = document
    if not fragment:
        return node
    for raw in fragment[1:].split("/"):
        token = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _MISSING
    return node
