"""`/config` and `/mode`: registry-wide and per-subject settings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from llm_schema_registry.api.access import ADMIN_ONLY, requires
from llm_schema_registry.api.deps import Flag, Registry, Subject
from llm_schema_registry.api.models import ERRORS, ConfigObject, ConfigUpdate, ModeBody

router = APIRouter(tags=["config"], responses=ERRORS)


def _update(body: ConfigUpdate) -> dict[str, Any]:
    return body.model_dump(exclude_none=True)


@router.get(
    "/config",
    dependencies=[requires(ADMIN_ONLY)],
    response_model=ConfigObject,
    response_model_exclude_none=True,
)
async def get_global_config(registry: Registry) -> dict[str, Any]:
    return await registry.config.get_config(None)


@router.put(
    "/config",
    dependencies=[requires(ADMIN_ONLY, mutation=True)],
    response_model=ConfigUpdate,
    response_model_exclude_none=True,
)
async def set_global_config(registry: Registry, body: ConfigUpdate) -> dict[str, Any]:
    return await registry.config.set_config(None, _update(body))


@router.delete(
    "/config",
    dependencies=[requires(ADMIN_ONLY, mutation=True)],
    response_model=ConfigObject,
    response_model_exclude_none=True,
)
async def delete_global_config(registry: Registry) -> dict[str, Any]:
    return await registry.config.delete_config(None)


@router.get(
    "/config/{subject}",
    dependencies=[requires(ADMIN_ONLY)],
    response_model=ConfigObject,
    response_model_exclude_none=True,
)
async def get_subject_config(
    registry: Registry, subject: Subject, defaultToGlobal: Flag = False
) -> dict[str, Any]:
    return await registry.config.get_config(subject, default_to_global=defaultToGlobal)


@router.put(
    "/config/{subject}",
    dependencies=[requires(ADMIN_ONLY, mutation=True)],
    response_model=ConfigUpdate,
    response_model_exclude_none=True,
)
async def set_subject_config(
    registry: Registry, subject: Subject, body: ConfigUpdate
) -> dict[str, Any]:
    return await registry.config.set_config(subject, _update(body))


@router.delete(
    "/config/{subject}",
    dependencies=[requires(ADMIN_ONLY, mutation=True)],
    response_model=ConfigObject,
    response_model_exclude_none=True,
)
async def delete_subject_config(registry: Registry, subject: Subject) -> dict[str, Any]:
    return await registry.config.delete_config(subject)


mode_router = APIRouter(tags=["mode"], responses=ERRORS)


@mode_router.get("/mode", dependencies=[requires(ADMIN_ONLY)], response_model=ModeBody)
async def get_global_mode(registry: Registry) -> dict[str, str]:
    return {"mode": await registry.config.get_mode(None)}


@mode_router.put(
    "/mode", dependencies=[requires(ADMIN_ONLY, mutation=True)], response_model=ModeBody
)
async def set_global_mode(
    registry: Registry, body: ModeBody, force: Flag = False
) -> dict[str, str]:
    return {"mode": await registry.config.set_mode(None, body.mode, force=force)}


@mode_router.delete(
    "/mode", dependencies=[requires(ADMIN_ONLY, mutation=True)], response_model=ModeBody
)
async def delete_global_mode(registry: Registry) -> dict[str, str]:
    return {"mode": await registry.config.delete_mode(None)}


@mode_router.get("/mode/{subject}", dependencies=[requires(ADMIN_ONLY)], response_model=ModeBody)
async def get_subject_mode(
    registry: Registry, subject: Subject, defaultToGlobal: Flag = False
) -> dict[str, str]:
    mode = await registry.config.get_mode(subject, default_to_global=defaultToGlobal)
    return {"mode": mode}


@mode_router.put(
    "/mode/{subject}", dependencies=[requires(ADMIN_ONLY, mutation=True)], response_model=ModeBody
)
async def set_subject_mode(
    registry: Registry, subject: Subject, body: ModeBody, force: Flag = False
) -> dict[str, str]:
    return {"mode": await registry.config.set_mode(subject, body.mode, force=force)}


@mode_router.delete(
    "/mode/{subject}", dependencies=[requires(ADMIN_ONLY, mutation=True)], response_model=ModeBody
)
async def delete_subject_mode(
    registry: Registry, subject: Subject, recursive: Flag = False
) -> dict[str, str]:
    return {"mode": await registry.config.delete_mode(subject)}
