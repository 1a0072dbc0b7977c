"""Migrations: one linear chain (`migrations/versions`), applied at start-up up to its head.

The chain used to branch: 0001, then 0002_id_sequence, 0002_governance and 0003_security
each off 0001, applied with `upgrade heads`. Databases migrated that way hold several heads
in `alembic_version`; before upgrading, `restamp_branched_heads` replaces them with the one
revision of the linear chain that did the same work.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 0x5C4E_3A11  # advisory lock key: one process migrates at a time

# Every head of the branched chain ran at each start-up, so a database it migrated holds one
# of these sets (as releases added the branches), equivalent to a point of the linear chain.
# ("0001" is the same revision in both chains.)
BRANCHED_HEADS: dict[frozenset[str], str] = {
    frozenset({"0002_id_sequence"}): "0002",
    frozenset({"0002_id_sequence", "0002_governance"}): "0003",
    frozenset({"0002_id_sequence", "0002_governance", "0003_security"}): "0004",
}
_BRANCHED_REVISIONS = frozenset(revision for heads in BRANCHED_HEADS for revision in heads)


class UnknownRevisionsError(RuntimeError):
    """The database was stamped by revisions no release of this chain produced."""


def alembic_config(connection: Connection) -> Config:
    """Alembic, driven programmatically over `connection` (see migrations/env.py)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def migrate(engine: AsyncEngine) -> None:
    """Upgrade the database to the head revision (one process at a time on PostgreSQL)."""
    async with engine.connect() as conn:
        postgres = conn.dialect.name == "postgresql"
        if postgres:
            await conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _MIGRATION_LOCK})
        try:
            await conn.run_sync(upgrade)
            await conn.commit()
        finally:
            if postgres:
                await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _MIGRATION_LOCK})
                await conn.commit()


def upgrade(connection: Connection) -> None:
    restamp_branched_heads(connection)
    command.upgrade(alembic_config(connection), "head")


def restamp_branched_heads(connection: Connection) -> None:
    """Replace the heads of the old branched chain with their linear-chain revision."""
    if not inspect(connection).has_table("alembic_version"):
        return
    stamped = frozenset(
        connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
    )
    if not stamped & _BRANCHED_REVISIONS:
        return
    if stamped not in BRANCHED_HEADS:
        raise UnknownRevisionsError(
            f"the database is stamped with revisions {sorted(stamped)}, a combination no "
            "release applied; migrate it by hand to one of "
            f"{[sorted(heads) for heads in BRANCHED_HEADS]}"
        )
    connection.execute(text("DELETE FROM alembic_version"))
    connection.execute(
        text("INSERT INTO alembic_version (version_num) VALUES (:revision)"),
        {"revision": BRANCHED_HEADS[stamped]},
    )
