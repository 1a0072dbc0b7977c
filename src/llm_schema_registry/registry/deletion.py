"""Deleting subjects and versions: soft first (hidden, kept), then permanent (gone).

Runs inside the caller's write transaction, locked on the subject; the service checks the
mode and reports the change.
"""

from __future__ import annotations

from llm_schema_registry.registry.errors import (
    ReferenceExistsError,
    SubjectNotFoundError,
    SubjectNotSoftDeletedError,
    SubjectSoftDeletedError,
    VersionNotSoftDeletedError,
    VersionSoftDeletedError,
)
from llm_schema_registry.registry.store import Tx
from llm_schema_registry.registry.versions import Versions, holders


async def delete_subject(tx: Tx, found: Versions, *, permanent: bool) -> list[int]:
    """Soft-delete every live version of the subject, or erase a soft-deleted subject."""
    if not found.every:
        raise SubjectNotFoundError(found.subject)
    live = [v.version for v in found.live]
    if permanent and live:
        raise SubjectNotSoftDeletedError(found.subject)
    if not permanent and not live:
        raise SubjectSoftDeletedError(found.subject)
    targets = [v.version for v in found.every] if permanent else live
    await _check_unreferenced(tx, found.subject, targets, permanent=permanent)
    if permanent:
        await tx.remove_versions(found.subject, targets)
        await tx.delete_config(found.subject)
        await tx.delete_mode(found.subject)
    else:
        await tx.mark_deleted(found.subject, targets)
    return targets


async def delete_version(tx: Tx, found: Versions, number: int | None, *, permanent: bool) -> int:
    """Soft-delete one live version (`number`, None for latest), or erase a soft-deleted one;
    returns its number."""
    if not found.every:
        raise SubjectNotFoundError(found.subject)
    # A number names a version even when soft-deleted (to report 40406 or erase it).
    spec = "latest" if number is None else number
    target = found.pick(spec, deleted=permanent or number is not None)
    if permanent and not target.deleted:
        raise VersionNotSoftDeletedError(found.subject, target.version)
    if not permanent and target.deleted:
        raise VersionSoftDeletedError(found.subject, target.version)
    await _check_unreferenced(tx, found.subject, [target.version], permanent=permanent)
    if permanent:
        await tx.remove_versions(found.subject, [target.version])
    else:
        await tx.mark_deleted(found.subject, [target.version])
    return target.version


async def _check_unreferenced(
    tx: Tx, subject: str, versions: list[int], *, permanent: bool
) -> None:
    """A referenced version may not go; erasing it also needs soft-deleted referrers gone,
    or their references could never be resolved again."""
    for number in versions:
        for schema_id in await tx.referencing_schema_ids(subject, number):
            if holders(await tx.versions_of_schema(schema_id), deleted=permanent):
                raise ReferenceExistsError(
                    f"One or more references exist to the schema "
                    f"{{magic=1,keytype=SCHEMA,subject={subject},version={number}}}."
                )
