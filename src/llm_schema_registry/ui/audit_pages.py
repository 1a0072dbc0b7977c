"""The audit log, for those who may read it: filters, pages, and whether the hash chain still
verifies (read whole on each view, as `llm-schema audit verify` does)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from llm_schema_registry.api.access import requires
from llm_schema_registry.api.deps import QueryInt
from llm_schema_registry.security.audit import AuditLog, first_bad_entry
from llm_schema_registry.security.model import AuditQuery
from llm_schema_registry.security.store import SecurityStore
from llm_schema_registry.ui.forms import service
from llm_schema_registry.ui.render import PREFIX, PageRoute, page

AUDIT_READ = "audit.read"  # as GET /audit
PAGE = 100

router = APIRouter(prefix=PREFIX, route_class=PageRoute)


@router.get("/audit", dependencies=[requires(AUDIT_READ, session=True)], response_model=None)
async def audit_page(
    request: Request,
    actor: str = "",
    subject: str = "",
    action: str = "",
    since: str = "",
    until: str = "",
    offset: Annotated[QueryInt, Query(ge=0)] = 0,
) -> Response:
    audit: AuditLog = service(request, "audit")
    store: SecurityStore = service(request, "security_store")
    query = AuditQuery(
        actor or None,
        subject or None,
        action or None,
        since or None,
        until or None,
        PAGE + 1,
        offset,
    )
    entries = await audit.entries(query)
    broken = await first_bad_entry(store.chain())
    filters = {"actor": actor, "subject": subject, "action": action, "since": since}
    return page(
        request,
        "audit.html",
        entries=entries[:PAGE],
        more=len(entries) > PAGE,
        offset=offset,
        page_size=PAGE,
        filters=filters | {"until": until},
        broken=broken,
    )
