"""Per-subject version limit (`maxVersions`): registering one version too many archives the
oldest ones, never loses them. A registry rule: it runs inside the registration's transaction."""

from __future__ import annotations

from llm_schema_registry.registry.model import JsonObject, LifecycleEvent
from llm_schema_registry.registry.outbox import emit_state_changed
from llm_schema_registry.registry.store import Tx
from llm_schema_registry.registry.versions import State, Versions

DEFAULT_MAX_VERSIONS = 100
LIMIT_REASON = "maxVersions exceeded"


def version_limit(config: JsonObject) -> int:
    return int(config.get("maxVersions", DEFAULT_MAX_VERSIONS))


async def archive_over_limit(tx: Tx, before: Versions, limit: int, ts: int) -> list[int]:
    """Archive the oldest visible versions of `before` (the versions that existed before one
    more was added) so that at most `limit` visible versions remain; returns those archived."""
    shown = before.visible()
    excess = len(shown) + 1 - max(limit, 1)
    archived: list[int] = []
    for version in shown[: max(excess, 0)]:
        await tx.set_lifecycle(before.subject, version.version, State.ARCHIVED, None, LIMIT_REASON)
        await tx.add_lifecycle_event(
            LifecycleEvent(
                before.subject,
                version.version,
                "state",
                version.state,
                State.ARCHIVED,
                LIMIT_REASON,
                ts,
            )
        )
        await emit_state_changed(
            tx,
            before.subject,
            version.version,
            version.state,
            State.ARCHIVED,
            reason=LIMIT_REASON,
            sunset_date=None,
        )
        archived.append(version.version)
    return archived
