"""Per-subject version limit (`maxVersions`): the oldest live versions are archived, never lost."""

from __future__ import annotations

from llm_schema_registry.registry.model import LifecycleEvent, SubjectVersion
from llm_schema_registry.registry.store import Tx

DEFAULT_MAX_VERSIONS = 100
LIMIT_REASON = "maxVersions exceeded"


async def archive_over_limit(
    tx: Tx, subject: str, before: list[SubjectVersion], limit: int, ts: int
) -> list[int]:
    """Archive the oldest live versions of `before` (the versions that existed before one more
    was added) so that at most `limit` live versions remain; returns those archived."""
    live = [v for v in before if not v.deleted and v.state != "ARCHIVED"]
    excess = len(live) + 1 - max(limit, 1)
    archived: list[int] = []
    for version in live[: max(excess, 0)]:
        await tx.set_lifecycle(subject, version.version, "ARCHIVED", None, LIMIT_REASON)
        await tx.add_lifecycle_event(
            LifecycleEvent(
                subject, version.version, "state", version.state, "ARCHIVED", LIMIT_REASON, ts
            )
        )
        archived.append(version.version)
    return archived
