"""A subject's page (versions, schema, metadata, consumers, references, usage, actions) and
the side-by-side diff of any two of its versions."""

from __future__ import annotations

import difflib
import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from llm_schema_registry.api.access import READ, requires
from llm_schema_registry.api.deps import Subject
from llm_schema_registry.governance.lifecycle import ALLOWED
from llm_schema_registry.governance.metadata import properties_of
from llm_schema_registry.registry.model import SubjectVersion
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.versions import State
from llm_schema_registry.ui.forms import service
from llm_schema_registry.ui.highlight import highlighted_lines, plain_lines
from llm_schema_registry.ui.lifecycle_pages import ACTION_OF, LIFECYCLE, ROLLBACK, TARGET_OF
from llm_schema_registry.ui.render import PREFIX, PageRoute, page

router = APIRouter(prefix=PREFIX, route_class=PageRoute)


@router.get("/subjects/{subject}", dependencies=[requires(READ, session=True)], response_model=None)
async def subject_page(
    request: Request, subject: Subject, version: str = "", done: str = ""
) -> Response:
    registry: RegistryService = service(request, "registry")
    versions = (await registry.subject_versions(subject)).require()
    live = versions.live
    current = versions.latest() or live[-1]
    shown = await registry.version(subject, version, archived=True) if version else current
    counts = service(request, "validation").counts_for(subject)
    overview = await service(request, "governance").overview(subject, counts)
    config = await registry.config.get_config(subject, default_to_global=True)
    usage = {c.version: c for c in await service(request, "usage").usage(subject)}
    metadata = shown.schema.metadata
    return page(
        request,
        "subject.html",
        subject=subject,
        versions=live,
        latest=current,
        shown=shown,
        lines=highlighted_lines(shown.schema.text),
        schema_type=shown.schema.schema_type.value,
        overview=overview,
        properties=properties_of(metadata),
        metadata=json.dumps(metadata, indent=2, sort_keys=True) if metadata else "",
        level=config.get("compatibilityLevel", ""),
        usage=usage,
        actions={v.version: _actions(v) for v in live},
        lifecycle=LIFECYCLE,
        rollback=ROLLBACK,
        rollback_from=_rollback_candidates(live, current),
        done=done if done in (*TARGET_OF, "rollback") else "",
    )


def _actions(version: SubjectVersion) -> list[str]:
    """The lifecycle actions a version's state allows (`deprecate`, `archive`, …)."""
    return [ACTION_OF[(version.state, target)] for target in ALLOWED[State(version.state)]]


def _rollback_candidates(live: list[SubjectVersion], current: SubjectVersion) -> set[int]:
    """Versions a rollback may go back to: older, servable ones below an ACTIVE latest."""
    if current.state != State.ACTIVE:
        return set()
    return {
        v.version
        for v in live
        if v.version < current.version and v.state in (State.ACTIVE, State.DEPRECATED)
    }


@router.get(
    "/subjects/{subject}/diff", dependencies=[requires(READ, session=True)], response_model=None
)
async def diff_page(
    request: Request, subject: Subject, left: str = "", right: str = ""
) -> Response:
    """Version `left` (older) and `right` side by side, with every change judged."""
    registry: RegistryService = service(request, "registry")
    live = (await registry.subject_versions(subject)).require().live
    numbers = [v.version for v in live]
    right = right or str(numbers[-1])
    left = left or str(numbers[-2] if len(numbers) > 1 else numbers[-1])
    old = await registry.version(subject, left, archived=True)
    new = await registry.version(subject, right, archived=True)
    judged = await service(request, "governance").diff(subject, new.version, old.version)
    old_marks, new_marks = _line_marks(old.schema.text, new.schema.text)
    return page(
        request,
        "diff.html",
        subject=subject,
        numbers=numbers,
        old=old,
        new=new,
        old_lines=list(zip(highlighted_lines(old.schema.text), old_marks, strict=True)),
        new_lines=list(zip(highlighted_lines(new.schema.text), new_marks, strict=True)),
        judged=judged,
    )


def _line_marks(old: str, new: str) -> tuple[list[str], list[str]]:
    """Per shown line: "" unchanged, "del" (only in the old text) or "add" (only in new)."""
    a, b = plain_lines(old), plain_lines(new)
    old_marks, new_marks = [""] * len(a), [""] * len(b)
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            old_marks[i1:i2] = ["del"] * (i2 - i1)
        if tag in ("replace", "insert"):
            new_marks[j1:j2] = ["add"] * (j2 - j1)
    return old_marks, new_marks
