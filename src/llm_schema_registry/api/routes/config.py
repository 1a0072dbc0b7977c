"""`/config` and `/mode`: registry-wide and per-subject settings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from llm_schema_registry.api.deps import Flag, Registry, subject_name
from llm_schema_registry.api.models import ERRORS, ConfigObject, ConfigUpdate, ModeBody

router = APIRouter(tags=["config"], responses=ERRORS)


def _update(body: ConfigUpdate) -> dict[str, Any]:
    return body.model_dump(exclude_none=True)


@router.get("/config", response_model=ConfigObject, response_model_exclude_none=True)
async def get_global_config(registry: Registry) -> dict[str, Any]:
    return await registry.config.get_config(None)


@router.put("/config", response_model=ConfigUpdate, response_model_exclude_none=True)
async def set_global_config(registry: Registry, body: ConfigUpdate) -> dict[str, Any]:
    return await registry.config.set_config(None, _update(body))


@router.delete("/config", response_model=ConfigObject, response_model_exclude_none=True)
async def delete_global_config(registry: Registry) -> dict[str, Any]:
    return await registry.config.delete_config(None)


@router.get("/config/{subject}", response_model=ConfigObject, response_model_exclude_none=True)
async def get_subject_config(
    registry: Registry, subject: str, defaultToGlobal: Flag = False
) -> dict[str, Any]:
    return await registry.config.get_config(
        subject_name(subject), default_to_global=defaultToGlobal
    )


@router.put("/config/{subject}", response_model=ConfigUpdate, response_model_exclude_none=True)
async def set_subject_config(
    registry: Registry, subject: str, body: ConfigUpdate
) -> dict[str, Any]:
    return await registry.config.set_config(subject_name(subject), _update(body))


@router.delete("/config/{subject}", response_model=ConfigObject, response_model_exclude_none=True)
async def delete_subject_config(registry: Registry, subject: str) -> dict[str, Any]:
    return await registry.config.delete_config(subject_name(subject))


mode_router = APIRouter(tags=["mode"], responses=ERRORS)


@mode_router.get("/mode", response_model=ModeBody)
async def get_global_mode(registry: Registry) -> dict[str, str]:
    return {"mode": await registry.config.get_mode(None)}


@mode_router.put("/mode", response_model=ModeBody)
async def set_global_mode(
    registry: Registry, body: ModeBody, force: Flag = False
) -> dict[str, str]:
    return {"mode": await registry.config.set_mode(None, body.mode, force=force)}


@mode_router.delete("/mode", response_model=ModeBody)
async def delete_global_mode(registry: Registry) -> dict[str, str]:
    return {"mode": await registry.config.delete_mode(None)}


@mode_router.get("/mode/{subject}", response_model=ModeBody)
async def get_subject_mode(
    registry: Registry, subject: str, defaultToGlobal: Flag = False
) -> dict[str, str]:
    mode = await registry.config.get_mode(subject_name(subject), default_to_global=defaultToGlobal)
    return {"mode": mode}


@mode_router.put("/mode/{subject}", response_model=ModeBody)
async def set_subject_mode(
    registry: Registry, subject: str, body: ModeBody, force: Flag = False
) -> dict[str, str]:
    return {"mode": await registry.config.set_mode(subject_name(subject), body.mode, force=force)}


@mode_router.delete("/mode/{subject}", response_model=ModeBody)
async def delete_subject_mode(
    registry: Registry, subject: str, recursive: Flag = False
) -> dict[str, str]:
    return {"mode": await registry.config.delete_mode(subject_name(subject))}
