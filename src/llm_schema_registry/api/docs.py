"""`/docs` and `/redoc` that work offline: Swagger UI and ReDoc served by the registry itself.

FastAPI's own pages load their scripts from a CDN, so they are blank on a machine without
internet. The same pages are served here with their assets from the `fastapi-offline`
package (Swagger UI and ReDoc, as released), under `/docs/assets/`; nothing is fetched from
elsewhere (Swagger UI's online validator badge is switched off).
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response

from llm_schema_registry.api.access import PUBLIC, requires
from llm_schema_registry.api.errors import error_response

ASSETS = Path(fastapi_offline.__file__).parent / "static"
ASSET_TYPES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "redoc.standalone.js": "text/javascript",
    "favicon.png": "image/png",
}
PREFIX = "/docs/assets"
# The pages' own inline start-up scripts run; nothing may load from another host (ReDoc's
# "powered by" logo then stays hidden instead of coming from a CDN).
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
    "frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)


def _title(request: Request) -> str:
    return str(request.app.title)


def _local_only(page: HTMLResponse) -> HTMLResponse:
    page.headers["content-security-policy"] = DOCS_CSP
    return page


@router.get("/docs", dependencies=[requires(PUBLIC)])
async def swagger_ui(request: Request) -> HTMLResponse:
    page = get_swagger_ui_html(
        openapi_url=str(request.app.openapi_url),
        title=f"{_title(request)} - Swagger UI",
        swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
        swagger_css_url=f"{PREFIX}/swagger-ui.css",
        swagger_favicon_url=f"{PREFIX}/favicon.png",
        swagger_ui_parameters={"validatorUrl": None},
    )
    return _local_only(page)


@router.get("/redoc", dependencies=[requires(PUBLIC)])
async def redoc(request: Request) -> HTMLResponse:
    page = get_redoc_html(
        openapi_url=str(request.app.openapi_url),
        title=f"{_title(request)} - ReDoc",
        redoc_js_url=f"{PREFIX}/redoc.standalone.js",
        redoc_favicon_url=f"{PREFIX}/favicon.png",
        with_google_fonts=False,
    )
    return _local_only(page)


@router.get(PREFIX + "/{name}", dependencies=[requires(PUBLIC)], response_model=None)
async def asset(name: str) -> Response:
    media = ASSET_TYPES.get(name)
    if media is None:  # only the files named above: no path ever reaches the file system
        return error_response(404, "HTTP 404 Not Found")
    return FileResponse(
        ASSETS / name, media_type=media, headers={"cache-control": "public, max-age=86400"}
    )
