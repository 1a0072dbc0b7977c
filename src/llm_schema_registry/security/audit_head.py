"""The audit chain's head, published so that deleting the newest entries is detected.

The chain itself (`audit.py`) proves that no stored entry was edited, inserted or removed
*before* its last entry, but not that the last entries are still there: truncating the
newest rows leaves a shorter, intact chain. Its head `{count, hash, time}` (the newest
entry's id, hash and time; signed with the registry's signing key when one is configured)
is what a caller saves elsewhere; `llm-schema audit verify --head FILE` later checks the
log against it (`head_problem`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from llm_schema_registry.security.model import AuditEntry
from llm_schema_registry.security.store import GENESIS_HASH


class SavedHeadError(ValueError):
    """A saved head that is not one (the message says what is wrong)."""


def head_of(newest: AuditEntry | None) -> dict[str, Any]:
    """`{count, hash, time}` of a chain whose last entry is `newest` (None: empty log)."""
    if newest is None:
        return {"count": 0, "hash": GENESIS_HASH, "time": None}
    return {"count": newest.id, "hash": newest.hash, "time": newest.time}


def parse_head(document: Any) -> tuple[int, str]:
    """(count, hash) of a saved head; raises `SavedHeadError`."""
    if not isinstance(document, dict):
        raise SavedHeadError("a saved head is a JSON object {count, hash, time}")
    count, hash_ = document.get("count"), document.get("hash")
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise SavedHeadError("`count` must be a whole number >= 0")
    if not isinstance(hash_, str) or len(hash_) != len(GENESIS_HASH):
        raise SavedHeadError("`hash` must be a SHA-256 hex digest")
    return count, hash_


async def head_problem(entries: AsyncIterator[AuditEntry], count: int, hash_: str) -> str | None:
    """What is wrong with the log (`entries`, in chain order) against a saved head, or None
    when its entry number `count` is there with that hash (entries after it are newer)."""
    if count == 0:
        return None if hash_ == GENESIS_HASH else "the saved head is malformed (count 0)"
    last = 0
    async for entry in entries:
        if entry.id >= count:
            if entry.id != count:
                return f"audit log differs from the saved head: entry {count} is missing"
            if entry.hash != hash_:
                return (
                    f"audit log differs from the saved head at entry {count}: its hash is "
                    f"{entry.hash}, the saved head says {hash_}"
                )
            return None
        last = entry.id
    return (
        f"audit log is shorter than the saved head: it ends at entry {last}, the head was "
        f"taken at entry {count} (entries {last + 1} to {count} are gone)"
    )
