"""The catalog (the front page) and the most used schemas."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from llm_schema_registry.api.access import READ, requires
from llm_schema_registry.api.deps import QueryInt
from llm_schema_registry.governance.catalog import PAGE_SIZE, SORTS, Catalog, CatalogQuery
from llm_schema_registry.registry.usage import Metric, UsageRecorder
from llm_schema_registry.security.authorization import sees_all
from llm_schema_registry.ui.forms import service
from llm_schema_registry.ui.render import PREFIX, PageRoute, page, viewer

router = APIRouter(prefix=PREFIX, route_class=PageRoute)


@router.get("", dependencies=[requires(READ, session=True)], response_model=None)
async def catalog(
    request: Request,
    q: str = "",
    format: str = "",
    owner: str = "",
    tag: str = "",
    state: str = "",
    sort: str = "subject",
    order: str = "asc",
    page_number: Annotated[QueryInt, Query(alias="page", ge=1)] = 1,
) -> Response:
    """Search by name, description and tags; filter; sort; a page of 50."""
    seen = viewer(request)
    catalog: Catalog = service(request, "catalog")
    index = await catalog.index()
    wanted = CatalogQuery(
        search=q,
        schema_type=format,
        owner=owner,
        tag=tag,
        state=state,
        sort=sort if sort in SORTS else "subject",
        descending=order == "desc",
        page=page_number,
        size=PAGE_SIZE,
    )
    principal = seen.principal
    everything = principal is None or sees_all(principal)
    found = index.query(wanted, None if everything else lambda s: seen.can(READ, s))
    filters = {"q": q, "format": format, "owner": owner, "tag": tag, "state": state}
    return page(
        request,
        "catalog.html",
        index=index,
        found=found,
        wanted=wanted,
        filters={k: v for k, v in filters.items() if v},
        sorts=SORTS,
    )


@router.get("/usage", dependencies=[requires(READ, session=True)], response_model=None)
async def usage(request: Request) -> Response:
    """The subjects used most, by records validated and by lookups (cluster-wide)."""
    seen = viewer(request)
    recorder: UsageRecorder = service(request, "usage")
    tops = {}
    metrics: tuple[Metric, ...] = ("validations", "lookups")
    for metric in metrics:
        counted = await recorder.top(metric, 50)
        tops[metric] = [c for c in counted if seen.can(READ, c.subject)][:20]
    return page(request, "usage.html", tops=tops)
