"""A registered version exported to an LLM provider: its JSON Schema (with every document it
references, transitively) through `export`. Reads go through a small protocol, so this
module needs no registry (the SDK side of the layers may use it too)."""

from __future__ import annotations

import json
from typing import Any, Protocol

from llm_schema_registry.formats import format_for
from llm_schema_registry.llm.export import Export, ExportError, export
from llm_schema_registry.llm.providers import Target


class VersionSource(Protocol):
    """Where versions and their parsed schemas come from (the registry service)."""

    async def version(self, subject: str, spec: str | int) -> Any: ...

    async def parsed(self, schema: Any) -> Any: ...


async def export_version(
    source: VersionSource,
    subject: str,
    spec: str | int,
    target: Target,
    *,
    fix: bool = False,
    name: str | None = None,
) -> Export:
    """Version `spec` of `subject` as `target`'s payload; `ExportError` when its format
    offers no JSON Schema object."""
    found = await source.version(subject, spec)
    fmt = format_for(found.schema.schema_type)
    document = fmt.json_schema(await source.parsed(found.schema)) if fmt.has_json_schema else None
    if document is None:
        raise ExportError(
            f"Subject '{subject}' version {found.version} is {found.schema.schema_type.value}; "
            "only JSON Schema can be exported to an LLM provider"
        )
    if not isinstance(document, dict):
        raise ExportError("Only a JSON Schema object can be exported")
    return export(
        target,
        document,
        subject=subject,
        version=found.version,
        fix=fix,
        name=name,
        references=await referenced(source, found.schema),
    )


async def referenced(source: VersionSource, schema: Any) -> dict[str, Any]:
    """Every document `schema` references, transitively: name -> JSON Schema."""
    found: dict[str, Any] = {}
    for ref in schema.references:
        if ref.name not in found:
            target = await source.version(ref.subject, ref.version)
            found[ref.name] = json.loads(target.schema.text)
            found.update(await referenced(source, target.schema))
    return found
