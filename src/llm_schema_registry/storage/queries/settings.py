"""Compatibility config and mode by scope (`registry.store.SettingsTx`), in portable SQL."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import delete, insert, literal, select, union_all, update

from llm_schema_registry.registry.model import GLOBAL_SCOPE, JsonObject
from llm_schema_registry.registry.store import ScopeSettings
from llm_schema_registry.storage.queries.base import TxState
from llm_schema_registry.storage.tables import configs, modes


def scope_settings(found: dict[tuple[str, str], str], subject: str) -> ScopeSettings:
    """ScopeSettings from {(kind "config" | "mode", scope): stored value}."""

    def config(scope: str) -> JsonObject | None:
        body = found.get(("config", scope))
        return dict(json.loads(body)) if body is not None else None

    return ScopeSettings(
        global_config=config(GLOBAL_SCOPE),
        subject_config=config(subject) if subject != GLOBAL_SCOPE else None,
        global_mode=found.get(("mode", GLOBAL_SCOPE)),
        subject_mode=found.get(("mode", subject)) if subject != GLOBAL_SCOPE else None,
    )


class SettingsQueries(TxState):
    """`registry.store.SettingsTx` over one connection."""

    async def settings(self, subject: str) -> ScopeSettings:
        if (known := self._settings.get(subject)) is not None:
            return known
        scopes = [GLOBAL_SCOPE, subject]
        query = union_all(
            select(
                literal("config").label("kind"), configs.c.scope, configs.c.body.label("value")
            ).where(configs.c.scope.in_(scopes)),
            select(literal("mode"), modes.c.scope, modes.c.mode).where(modes.c.scope.in_(scopes)),
        )
        found = {(row.kind, row.scope): row.value for row in await self._conn.execute(query)}
        return scope_settings(found, subject)

    async def config(self, scope: str) -> JsonObject | None:
        query = select(configs.c.body).where(configs.c.scope == scope)
        body = (await self._conn.execute(query)).scalar_one_or_none()
        return dict(json.loads(body)) if body is not None else None

    async def set_config(self, scope: str, config: JsonObject) -> None:
        await self._upsert(configs, scope, {"body": json.dumps(config, sort_keys=True)})

    async def delete_config(self, scope: str) -> None:
        self._settings.clear()
        await self._conn.execute(delete(configs).where(configs.c.scope == scope))

    async def mode(self, scope: str) -> str | None:
        query = select(modes.c.mode).where(modes.c.scope == scope)
        value = (await self._conn.execute(query)).scalar_one_or_none()
        return str(value) if value is not None else None

    async def set_mode(self, scope: str, mode: str) -> None:
        await self._upsert(modes, scope, {"mode": mode})

    async def delete_mode(self, scope: str) -> None:
        self._settings.clear()
        await self._conn.execute(delete(modes).where(modes.c.scope == scope))

    async def _upsert(self, table: Any, scope: str, values: dict[str, Any]) -> None:
        self._settings.clear()
        done = await self._conn.execute(
            update(table).where(table.c.scope == scope).values(**values)
        )
        if done.rowcount == 0:
            await self._conn.execute(insert(table).values(scope=scope, **values))
