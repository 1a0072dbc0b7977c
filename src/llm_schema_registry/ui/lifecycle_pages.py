"""Lifecycle actions: deprecate (with a sunset date and a reason), archive, activate a draft,
reactivate, and roll back. Each is two steps: a confirmation page saying what will happen
(with its inputs), then the form post doing it. Both need the permission the API's own route
needs (`PUT /subjects/{s}/versions/{v}`, `POST /subjects/{s}/rollback`); the subject page
shows the controls only to viewers holding it, and the security layer refuses anyone else's
post (403) whatever the page showed."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import Response

from llm_schema_registry.api.access import requires
from llm_schema_registry.api.deps import Subject
from llm_schema_registry.governance.lifecycle import Transition
from llm_schema_registry.governance.service import GovernanceService
from llm_schema_registry.registry.changes import record_change
from llm_schema_registry.registry.errors import InvalidLifecycleRequestError, RegistryError
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.versions import State
from llm_schema_registry.ui.forms import form, service
from llm_schema_registry.ui.render import PREFIX, PageRoute, page, redirect, segment

LIFECYCLE = frozenset({"schema.update", "schema.approve"})  # as PUT /subjects/{s}/versions/{v}
ROLLBACK = frozenset({"schema.update"})  # as POST /subjects/{s}/rollback

# (from state, to state) -> the action's name on the page.
ACTION_OF: dict[tuple[str, State], str] = {
    (State.DRAFT, State.ACTIVE): "activate",
    (State.DRAFT, State.ARCHIVED): "archive",
    (State.ACTIVE, State.DEPRECATED): "deprecate",
    (State.DEPRECATED, State.ACTIVE): "reactivate",
    (State.DEPRECATED, State.ARCHIVED): "archive",
}
TARGET_OF = {
    "activate": State.ACTIVE,
    "reactivate": State.ACTIVE,
    "deprecate": State.DEPRECATED,
    "archive": State.ARCHIVED,
}

router = APIRouter(prefix=PREFIX, route_class=PageRoute)
LIFECYCLE_PATH = "/subjects/{subject}/versions/{version}/lifecycle"


def _subject_url(subject: str, **query: object) -> str:
    suffix = "&".join(f"{k}={segment(v)}" for k, v in query.items())
    return f"{PREFIX}/subjects/{segment(subject)}" + (f"?{suffix}" if suffix else "")


def _tomorrow() -> str:
    return (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1)).isoformat()


@router.get(LIFECYCLE_PATH, dependencies=[requires(LIFECYCLE, session=True)], response_model=None)
async def confirm_lifecycle(
    request: Request, subject: Subject, version: str, action: str
) -> Response:
    """What the action will do, its inputs, and the button that does it."""
    registry: RegistryService = service(request, "registry")
    found = await registry.version(subject, version, archived=True)
    return page(
        request,
        "lifecycle.html",
        subject=subject,
        found=found,
        action=action if action in TARGET_OF else "",
        earliest=_tomorrow(),
        values={},
        error=None,
    )


@router.post(
    LIFECYCLE_PATH,
    dependencies=[requires(LIFECYCLE, mutation=True, session=True)],
    response_model=None,
)
async def apply_lifecycle(request: Request, subject: Subject, version: str) -> Response:
    fields = await form(request)
    action = fields.get("action", "")
    governance: GovernanceService = service(request, "governance")
    registry: RegistryService = service(request, "registry")
    found = await registry.version(subject, version, archived=True)
    target = TARGET_OF.get(action)
    try:
        if target is None:
            raise InvalidLifecycleRequestError(f"Unknown action {action!r}")
        sunset = (fields.get("sunset_date") or None) if target is State.DEPRECATED else None
        reason = fields.get("reason", "").strip() or None
        await governance.update_version(
            subject, found.version, Transition(target, sunset, reason), None
        )
    except RegistryError as error:
        return page(
            request,
            "lifecycle.html",
            422,
            subject=subject,
            found=found,
            action=action if action in TARGET_OF else "",
            earliest=_tomorrow(),
            values=fields,
            error=str(error),
        )
    after = {"subject": subject, "version": found.version, "state": target.value}
    record_change({"subject": subject, "version": found.version, "state": found.state}, after)
    return redirect(_subject_url(subject, version=found.version, done=action))


@router.get(
    "/subjects/{subject}/rollback",
    dependencies=[requires(ROLLBACK, session=True)],
    response_model=None,
)
async def confirm_rollback(request: Request, subject: Subject, target: int) -> Response:
    registry: RegistryService = service(request, "registry")
    found = await registry.version(subject, target, archived=True)
    return page(request, "rollback.html", subject=subject, found=found, error=None)


@router.post(
    "/subjects/{subject}/rollback",
    dependencies=[requires(ROLLBACK, mutation=True, session=True)],
    response_model=None,
)
async def apply_rollback(request: Request, subject: Subject) -> Response:
    fields = await form(request)
    registry: RegistryService = service(request, "registry")
    governance: GovernanceService = service(request, "governance")
    found = await registry.version(subject, fields.get("target", ""), archived=True)
    try:
        moved = await governance.rollback(
            subject, found.version, fields.get("sunset_date") or None, fields.get("reason") or None
        )
    except RegistryError as error:
        return page(request, "rollback.html", 422, subject=subject, found=found, error=str(error))
    record_change(None, {"subject": subject, "rolled_back_to": found.version, "deprecated": moved})
    return redirect(_subject_url(subject, version=found.version, done="rollback"))
