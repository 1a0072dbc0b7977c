"""Governance metadata inside Confluent's `metadata` object of a version.

`metadata.properties`: `owner`, `description`, `doc_url`, `tags` (comma-separated);
`metadata.tags` values (Confluent's per-path tag lists) count as tags too.
"""

from __future__ import annotations

from typing import Any


def properties_of(metadata: dict[str, Any] | None) -> dict[str, Any]:
    found = (metadata or {}).get("properties")
    return found if isinstance(found, dict) else {}


def owner_of(metadata: dict[str, Any] | None) -> str | None:
    owner = properties_of(metadata).get("owner")
    return owner if isinstance(owner, str) else None


def description_of(metadata: dict[str, Any] | None) -> str:
    description = properties_of(metadata).get("description")
    return description if isinstance(description, str) else ""


def tags_of(metadata: dict[str, Any] | None) -> set[str]:
    tags: set[str] = set()
    listed = properties_of(metadata).get("tags")
    if isinstance(listed, str):
        tags.update(t.strip() for t in listed.split(",") if t.strip())
    per_path = (metadata or {}).get("tags")
    if isinstance(per_path, dict):
        for values in per_path.values():
            if isinstance(values, list):
                tags.update(str(v) for v in values)
    return tags
