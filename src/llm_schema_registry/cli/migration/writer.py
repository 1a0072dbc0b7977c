"""Applying a plan to this registry through its REST API, in IMPORT mode.

Each subject that gets versions is put in IMPORT mode first (`force`: it may hold versions
from an earlier, interrupted run), so registrations keep their ids and version numbers.
Every write is idempotent, so a run killed at any point is finished by the next one.
"""

from __future__ import annotations

from dataclasses import dataclass

from llm_schema_registry.cli.migration.model import JsonObject, Tracker, Version
from llm_schema_registry.cli.migration.planner import Plan
from llm_schema_registry.cli.migration.source import RestRegistry, subject_path
from llm_schema_registry.client.errors import RegistryUnavailableError, SchemaRegistryError
from llm_schema_registry.client.transport import Call

VERSION_ALREADY_DELETED = 40406
NOT_FOUND = (40401, 40402, 40408, 40409)


class ImportWriteError(Exception):
    """A write the target refused; what came before it stays (a re-run continues)."""


@dataclass
class Written:
    registered: int = 0
    deleted: int = 0
    configs: int = 0
    modes: int = 0


async def apply(plan: Plan, target: RestRegistry, tracker: Tracker) -> Written:
    """Write `plan` (which holds no conflicts) into `target`, in the plan's order."""
    done = Written()
    tracker.stage("writing", len(plan.register) + len(plan.delete))
    for subject in plan.import_subjects:
        await _send(target, "PUT", f"/mode/{subject_path(subject)}", {"mode": "IMPORT"}, True)
    for version in plan.register:
        await _register(target, version)
        done.registered += 1
        tracker.step()
    for version in plan.delete:
        await _soft_delete(target, version)
        done.deleted += 1
        tracker.step()
    for scope, body in plan.configs:
        path = "/config" if scope is None else f"/config/{subject_path(scope)}"
        if body is None:
            await _send(target, "DELETE", path, None)
        else:
            await _send(target, "PUT", path, confluent_config(body))
        done.configs += 1
    for scope, mode in plan.modes:
        path = "/mode" if scope is None else f"/mode/{subject_path(scope)}"
        if mode is None:
            await _send(target, "DELETE", path, None)
        else:
            await _send(target, "PUT", path, {"mode": mode}, True)
        done.modes += 1
    return done


async def _register(target: RestRegistry, version: Version) -> None:
    body = {**version.schema.as_json(), "id": version.id, "version": version.version}
    path = f"/subjects/{subject_path(version.subject)}/versions"
    reply = await _send(target, "POST", path, body)
    if not isinstance(reply, dict) or reply.get("id") != version.id:
        raise ImportWriteError(f"{version.label()}: the target answered {reply}")


async def _soft_delete(target: RestRegistry, version: Version) -> None:
    path = f"/subjects/{subject_path(version.subject)}/versions/{version.version}"
    try:
        await target.call(Call("DELETE", path))
    except RegistryUnavailableError:
        raise
    except SchemaRegistryError as exc:
        if exc.error_code != VERSION_ALREADY_DELETED:  # a retried delete that had succeeded
            raise ImportWriteError(f"deleting {version.label()}: {exc.message}") from exc


async def _send(
    target: RestRegistry, method: str, path: str, body: JsonObject | None, force: bool = False
) -> object:
    params = {"force": "true"} if force else None
    try:
        return await target.call(Call(method, path, params=params, body=body))
    except RegistryUnavailableError:
        raise
    except SchemaRegistryError as exc:
        if method == "DELETE" and exc.error_code in NOT_FOUND:
            return None  # already gone
        raise ImportWriteError(f"{method} {path}: {exc.message} ({exc.error_code})") from exc


def confluent_config(stored: JsonObject) -> JsonObject:
    """A stored config as Confluent's PUT /config body (`compatibility`, not `...Level`)."""
    body = {k: v for k, v in stored.items() if k != "compatibilityLevel"}
    if "compatibilityLevel" in stored:
        body = {"compatibility": stored["compatibilityLevel"], **body}
    return body
