"""The audit trail: an append-only, hash-chained log of mutations, denials and login failures.

Each entry's `hash` is SHA-256 over its other fields (sorted-key JSON, `prev_hash`
included), so editing, deleting, inserting or reordering a stored entry breaks the chain at
that point, and `verify` names the first entry that no longer fits. (Rewriting the whole
chain from some entry onwards is not detectable without an external anchor: export the
latest hash elsewhere for that.)
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import orjson

from llm_schema_registry.security.audit_writer import GroupedAppends
from llm_schema_registry.security.model import AuditEntry, AuditQuery
from llm_schema_registry.security.store import GENESIS_HASH, SecurityStore

EXPORT_FIELDS = tuple(AuditEntry.__dataclass_fields__)


def utc_now() -> str:
    """Fixed-width ISO-8601 UTC, so entries compare (and filter) as text."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(fields: dict[str, Any]) -> str:
    body = {k: v for k, v in fields.items() if k != "hash"}
    return hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()


class AuditLog:
    """Appends entries to the chain; the caller says who, what, and how it ended."""

    def __init__(self, store: SecurityStore) -> None:
        self._store = store
        self._appends = GroupedAppends(store)  # concurrent entries share one write

    async def record(
        self,
        *,
        actor: str,
        action: str,
        resource: str,
        result: str,
        subject: str | None = None,
        request_id: str | None = None,
        client: str | None = None,
        before: Any = None,
        after: Any = None,
    ) -> AuditEntry:
        # Values round-trip through JSON in storage; hash what will be read back.
        before, after = _json_value(before), _json_value(after)

        def build(entry_id: int, prev_hash: str) -> AuditEntry:
            fields: dict[str, Any] = {
                "id": entry_id,
                "time": utc_now(),
                "actor": actor,
                "action": action,
                "resource": resource,
                "subject": subject,
                "result": result,
                "request_id": request_id,
                "client": client,
                "before": before,
                "after": after,
                "prev_hash": prev_hash,
            }
            return AuditEntry(**fields, hash=entry_hash(fields))

        return await self._appends.append(build)

    async def entries(self, query: AuditQuery) -> list[AuditEntry]:
        return await self._store.entries(query)


def _json_value(value: Any) -> Any:
    return None if value is None else json.loads(json.dumps(value, default=str))


async def first_bad_entry(entries: AsyncIterator[AuditEntry]) -> int | None:
    """The id of the first entry that breaks the chain, or None when it is intact."""
    prev_hash, prev_id = GENESIS_HASH, 0
    async for entry in entries:
        fields = entry.as_json()
        if (
            entry.id != prev_id + 1
            or entry.prev_hash != prev_hash
            or entry_hash(fields) != entry.hash
        ):
            return entry.id
        prev_hash, prev_id = entry.hash, entry.id
    return None


def as_json_line(entry: AuditEntry) -> str:
    return orjson.dumps(entry.as_json()).decode()


def as_csv(entries: list[AuditEntry]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=EXPORT_FIELDS)
    writer.writeheader()
    for entry in entries:
        row = entry.as_json()
        for name in ("before", "after"):
            row[name] = "" if row[name] is None else json.dumps(row[name], sort_keys=True)
        writer.writerow(row)
    return out.getvalue()
