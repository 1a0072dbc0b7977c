"""Self-contained JSON Schemas: documents a schema references by name (Confluent
`references`, e.g. `"$ref": "address.json"`) embedded under `$defs`, and the references
rewritten to point there. Providers and code generators only resolve local `#/...` refs."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


def def_name(reference: str) -> str:
    return _UNSAFE.sub("_", reference).strip("_") or "ref"


def embed_references(schema: dict[str, Any], documents: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of `schema` with every referenced document in `documents` (name -> JSON
    Schema, transitive ones included) under `$defs` and `$ref`s rewritten to it."""
    if not documents:
        return schema
    embedded = copy.deepcopy(schema)
    defs = embedded.setdefault("$defs", {})
    for name, document in documents.items():
        body = copy.deepcopy(document)
        if isinstance(body, dict):
            for keyword in ("$schema", "$id"):
                body.pop(keyword, None)
        defs[def_name(name)] = body
    _rewrite(embedded, documents)
    return embedded


def _rewrite(node: Any, documents: Mapping[str, Any]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and not ref.startswith("#"):
            target, _, fragment = ref.partition("#")
            if target in documents:
                node["$ref"] = f"#/$defs/{def_name(target)}{fragment}"
        for value in node.values():
            _rewrite(value, documents)
    elif isinstance(node, list):
        for value in node:
            _rewrite(value, documents)
