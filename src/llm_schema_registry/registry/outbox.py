"""What the registry tells the change-event outbox: the kinds of change and their `data`.

Every mutation calls `tx.emit(...)` (`registry.store.EventTx`) inside its own write
transaction, so the event commits or rolls back with the change it describes. The registry
knows nothing of delivery: the `events` package reads the outbox and moves events to sinks.
The kind strings are the public CloudEvents `type`s (`events.model.EventType` holds the same
set; a test keeps the two equal).
"""

from __future__ import annotations

from enum import StrEnum

from llm_schema_registry.registry.contexts import public_id
from llm_schema_registry.registry.model import JsonObject, SubjectVersion
from llm_schema_registry.registry.store import EventTx, Tx


class ChangeKind(StrEnum):
    SCHEMA_REGISTERED = "schema.registered"
    VERSION_DELETED = "version.deleted"
    SUBJECT_DELETED = "subject.deleted"
    VERSION_STATE_CHANGED = "version.state_changed"
    VERSION_METADATA_CHANGED = "version.metadata_changed"
    CONFIG_CHANGED = "config.changed"
    MODE_CHANGED = "mode.changed"
    CONSUMER_REGISTERED = "consumer.registered"
    VERSION_SUNSET_APPROACHING = "version.sunset_approaching"


def registered(version: SubjectVersion, new_id: bool) -> JsonObject:
    """`schema.registered`: the version made, its schema's id and guid, whether the id is new."""
    return {
        "subject": version.subject,
        "version": version.version,
        "id": public_id(version.schema.id),  # the id in the subject's context
        "guid": version.schema.guid,
        "schemaType": version.schema.schema_type,
        "state": version.state,
        "newId": new_id,
    }


def scoped(subject: str | None) -> JsonObject:
    """Where a config or mode change applies: a subject, or the whole registry."""
    return {"scope": "subject" if subject else "global", "subject": subject or None}


async def emit_registered(tx: EventTx, version: SubjectVersion, new_id: bool) -> None:
    await tx.emit(ChangeKind.SCHEMA_REGISTERED, version.subject, registered(version, new_id))


async def emit_state_changed(
    tx: Tx,
    subject: str,
    version: int,
    old: str,
    new: str,
    *,
    reason: str | None,
    sunset_date: str | None,
) -> None:
    """`version.state_changed`, naming the consumers registered on that version (whom a
    deprecation concerns)."""
    consumers = [c for c, at, _ in await tx.consumers(subject) if at == version]
    data: JsonObject = {
        "subject": subject,
        "version": version,
        "from": old,
        "to": new,
        "reason": reason,
        "sunset_date": sunset_date,
        "consumers": consumers,
    }
    await tx.emit(ChangeKind.VERSION_STATE_CHANGED, subject, data)


async def emit_setting_changed(
    tx: EventTx, kind: ChangeKind, subject: str | None, old: object, new: object
) -> None:
    """`config.changed` / `mode.changed`: None stands for "not set" (before or after)."""
    await tx.emit(kind, subject or None, {**scoped(subject), "old": old, "new": new})
