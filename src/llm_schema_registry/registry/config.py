"""Compatibility configuration and modes, registry-wide and per subject."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from llm_schema_registry.compatibility import CompatibilityLevel
from llm_schema_registry.registry.changes import record_change
from llm_schema_registry.registry.checks import ConfiguredCheck
from llm_schema_registry.registry.contexts import DEFAULT_CONTEXT, QualifiedSubject, context_prefix
from llm_schema_registry.registry.contracts import check_metadata, check_rule_set
from llm_schema_registry.registry.errors import (
    InvalidCompatibilityLevelError,
    InvalidConfigError,
    InvalidModeError,
    OperationNotPermittedError,
    SubjectConfigNotFoundError,
    SubjectModeNotFoundError,
    SubjectNotFoundError,
)
from llm_schema_registry.registry.model import GLOBAL_SCOPE, JsonObject, Mode
from llm_schema_registry.registry.outbox import ChangeKind, emit_setting_changed
from llm_schema_registry.registry.samples import MAX_SAMPLE_RECORDS
from llm_schema_registry.registry.store import Store, Tx

DEFAULT_LEVEL = CompatibilityLevel.BACKWARD
# Config keys Confluent accepts besides the level, stored and returned as given.
OPTIONAL_KEYS = {
    "normalize": bool,
    "alias": str,
    "validateFields": bool,
    "validateRules": bool,
    "compatibilityGroup": str,
    "compatibilityPolicy": str,
    "defaultMetadata": dict,
    "overrideMetadata": dict,
    "defaultRuleSet": dict,
    "overrideRuleSet": dict,
    "maxVersions": int,  # visible versions kept before the oldest are archived (limits.py)
    "sampleRecords": int,  # recent validated records kept for replay (samples.py)
    "samplesGate": bool,  # refuse registrations rejecting a curated sample (samples.py)
}


def parse_level(value: object) -> CompatibilityLevel:
    if isinstance(value, str) and value.upper() in CompatibilityLevel.__members__:
        return CompatibilityLevel(value.upper())
    raise InvalidCompatibilityLevelError(value)


def parse_mode(value: object) -> Mode:
    if isinstance(value, str) and value.upper() in Mode.__members__:
        return Mode(value.upper())
    raise InvalidModeError(value)


def config_update(body: JsonObject, configured: Sequence[ConfiguredCheck] = ()) -> JsonObject:
    """Validate a PUT /config body into the stored form (level under `compatibilityLevel`);
    the keys of `configured` checks are kept once their check accepts the value."""
    update: JsonObject = {}
    level = body.get("compatibility", body.get("compatibilityLevel"))
    if level is not None:
        update["compatibilityLevel"] = parse_level(level).value
    for key, kind in OPTIONAL_KEYS.items():
        if body.get(key) is None:
            continue
        if not isinstance(body[key], kind) or (kind is int and isinstance(body[key], bool)):
            raise InvalidCompatibilityLevelError(f"{key} must be of type {kind.__name__}")
        update[key] = body[key]
    for check in configured:
        if body.get(check.key) is None:
            continue
        problems = check.config_errors(body[check.key])
        if problems:
            raise InvalidConfigError(f"Invalid {check.key}: {'; '.join(problems)}")
        update[check.key] = body[check.key]
    sample_records = update.get("sampleRecords")
    if sample_records is not None and not 0 <= sample_records <= MAX_SAMPLE_RECORDS:
        raise InvalidConfigError(f"sampleRecords must be from 0 to {MAX_SAMPLE_RECORDS}")
    check_metadata(update.get("defaultMetadata"))
    check_metadata(update.get("overrideMetadata"))
    check_rule_set(update.get("defaultRuleSet"))
    check_rule_set(update.get("overrideRuleSet"))
    return update


def context_scope(subject: str) -> str | None:
    """The settings scope of the named context `subject` is in (`:.ctx:`), if it is in one
    and is not that scope itself."""
    qualified = QualifiedSubject.parse(subject)
    if qualified.context == DEFAULT_CONTEXT or not qualified.name:
        return None
    return context_prefix(qualified.context)


@dataclass(frozen=True)
class Policy:
    """The effective config and mode of a subject, read once per request."""

    config: JsonObject
    mode: Mode

    @property
    def level(self) -> CompatibilityLevel:
        return parse_level(self.config["compatibilityLevel"])

    @property
    def normalize(self) -> bool:
        return bool(self.config.get("normalize", False))


class ConfigService:
    """Reads and writes config and mode; the subject's own value wins over the global one."""

    def __init__(self, store: Store, configured: Sequence[ConfiguredCheck] = ()) -> None:
        self._store = store
        self._configured = tuple(configured)  # their keys are accepted in PUT /config

    # ---- used inside the registry's own transactions ------------------------------------

    async def policy(self, tx: Tx, subject: str) -> Policy:
        """What governs `subject` now: its own settings over the registry-wide ones."""
        found = await tx.settings(subject)
        config: JsonObject = {"compatibilityLevel": DEFAULT_LEVEL.value}
        config.update(found.global_config or {})
        context_mode = None
        scope = context_scope(subject)
        if scope is not None:  # a named context's own settings, between global and subject
            config.update(await tx.config(scope) or {})
            context_mode = await tx.mode(scope)
        config.update(found.subject_config or {})
        mode = found.subject_mode or context_mode or found.global_mode or Mode.READWRITE.value
        return Policy(config=config, mode=Mode(mode))

    async def check_writable(self, tx: Tx, subject: str) -> Policy:
        """`subject`'s policy, or `OperationNotPermittedError` if its mode refuses writes."""
        policy = await self.policy(tx, subject)
        if not policy.mode.writable:
            raise OperationNotPermittedError(f"Subject {subject} is in read-only mode")
        return policy

    # ---- /config -------------------------------------------------------------------------

    async def get_config(
        self, subject: str | None, *, default_to_global: bool = False
    ) -> JsonObject:
        async with self._store.read() as tx:
            if subject is None:
                return {
                    "compatibilityLevel": DEFAULT_LEVEL.value,
                    **(await tx.config(GLOBAL_SCOPE) or {}),
                }
            own = await tx.config(subject)
            if own is not None and not default_to_global:
                return own
            if default_to_global:
                return (await self.policy(tx, subject)).config
        raise SubjectConfigNotFoundError(subject)

    async def set_config(self, subject: str | None, body: JsonObject) -> JsonObject:
        update = config_update(body, self._configured)
        scope = subject if subject is not None else GLOBAL_SCOPE
        async with self._store.write(lock=scope or None) as tx:
            current = await tx.config(scope) or {}
            await tx.set_config(scope, {**current, **update})
            await emit_setting_changed(
                tx, ChangeKind.CONFIG_CHANGED, subject, current or None, {**current, **update}
            )
        record_change(current or None, {**current, **update})
        reply = {k: v for k, v in update.items() if k != "compatibilityLevel"}
        if "compatibilityLevel" in update:
            reply = {"compatibility": update["compatibilityLevel"], **reply}
        return reply

    async def delete_config(self, subject: str | None) -> JsonObject:
        scope = subject if subject is not None else GLOBAL_SCOPE
        async with self._store.write(lock=scope or None) as tx:
            if (
                subject is not None
                and not await tx.versions(subject)
                and await tx.config(scope) is None
            ):
                raise SubjectNotFoundError(subject)
            previous = await tx.config(scope)
            await tx.delete_config(scope)
            await emit_setting_changed(tx, ChangeKind.CONFIG_CHANGED, subject, previous, None)
        record_change(previous, None)
        if subject is None:
            return {"compatibilityLevel": DEFAULT_LEVEL.value, **(previous or {})}
        return previous or {}

    # ---- /mode ---------------------------------------------------------------------------

    async def get_mode(self, subject: str | None, *, default_to_global: bool = False) -> str:
        async with self._store.read() as tx:
            if subject is None:
                return await tx.mode(GLOBAL_SCOPE) or Mode.READWRITE.value
            own = await tx.mode(subject)
            if own is not None:
                return own
            if default_to_global:
                return (await self.policy(tx, subject)).mode.value
        raise SubjectModeNotFoundError(subject)

    async def set_mode(self, subject: str | None, value: Any, *, force: bool = False) -> str:
        mode = parse_mode(value)
        scope = subject if subject is not None else GLOBAL_SCOPE
        async with self._store.write(lock=scope or None) as tx:
            if mode is Mode.IMPORT and not force:
                occupied = await self._occupied(tx, subject)
                if occupied:
                    raise OperationNotPermittedError(
                        "Cannot import since found existing subjects"
                        if subject is None
                        else f"Cannot import since subject '{subject}' already has versions"
                    )
            before = await tx.mode(scope)
            await tx.set_mode(scope, mode.value)
            await emit_setting_changed(tx, ChangeKind.MODE_CHANGED, subject, before, mode.value)
        record_change({"mode": before} if before else None, {"mode": mode.value})
        return mode.value

    @staticmethod
    async def _occupied(tx: Tx, scope: str | None) -> list[object]:
        """What holds versions in a mode's scope: the registry, a context (`:.ctx:`), a
        subject."""
        if not scope:
            return list(await tx.subjects())
        qualified = QualifiedSubject.parse(scope)
        if qualified.context != DEFAULT_CONTEXT and not qualified.name:
            return [s for s, _ in await tx.subjects() if s.startswith(scope)]
        return list(await tx.versions(scope))

    async def delete_mode(self, subject: str | None) -> str:
        scope = subject if subject is not None else GLOBAL_SCOPE
        async with self._store.write(lock=scope or None) as tx:
            previous = await tx.mode(scope)
            if subject is not None and previous is None and not await tx.versions(subject):
                raise SubjectNotFoundError(subject)
            await tx.delete_mode(scope)
            await emit_setting_changed(tx, ChangeKind.MODE_CHANGED, subject, previous, None)
        record_change({"mode": previous} if previous else None, None)
        return previous or Mode.READWRITE.value
