"""The dashboard's routes, each module's under `/ui` (each declares its own permissions)."""

from __future__ import annotations

from fastapi import APIRouter

from llm_schema_registry.ui import (
    audit_pages,
    auth,
    catalog_pages,
    event_pages,
    lifecycle_pages,
    subject_pages,
    tool_pages,
)
from llm_schema_registry.ui.render import PREFIX

router = APIRouter(include_in_schema=False)
for module in (
    auth,
    catalog_pages,
    subject_pages,
    lifecycle_pages,
    tool_pages,
    audit_pages,
    event_pages,
):
    router.include_router(module.router)

__all__ = ["PREFIX", "router"]
