"""`llm-schema import`: read the source (a live registry or a `_schemas` dump) and this
registry, plan, refuse on any conflict, write in IMPORT mode, and verify on request.

Exit status: 0 done (or nothing to do), 1 conflicts, a refused write or differences found by
`--verify`, 2 usage error, 3 a registry unreachable.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn
from rich.table import Table

from llm_schema_registry.cli.context import FAILED, UNREACHABLE, CliContext, ctx_of
from llm_schema_registry.cli.migration.dump import DumpFormatError, replay
from llm_schema_registry.cli.migration.model import (
    DEFAULT_CONTEXT,
    JsonObject,
    Silent,
    Snapshot,
    Tracker,
)
from llm_schema_registry.cli.migration.planner import Plan, make_plan
from llm_schema_registry.cli.migration.source import RestRegistry, in_context, options_for
from llm_schema_registry.cli.migration.verifier import Difference, compare
from llm_schema_registry.cli.migration.writer import ImportWriteError, Written, apply
from llm_schema_registry.client.errors import RegistryUnavailableError, SchemaRegistryError
from llm_schema_registry.client.transport import ClientOptions


@dataclass
class Report:
    """What an import found, planned, wrote and verified (`--output json` prints it)."""

    source: str
    target: str
    dry_run: bool
    source_snapshot: Snapshot
    plan: Plan
    written: Written = field(default_factory=Written)
    requests: int = 0
    differences: list[Difference] | None = None
    error: str | None = None
    context: str = DEFAULT_CONTEXT
    # The source's other contexts, each imported into the same context here.
    others: list[Report] = field(default_factory=list)

    def as_json(self) -> JsonObject:
        plan, snap = self.plan, self.source_snapshot
        return {
            "source": self.source,
            "target": self.target,
            "context": self.context,
            "dry_run": self.dry_run,
            "subjects": len(snap.versions),
            "versions": sum(len(v) for v in snap.versions.values()),
            "ids": len(snap.schema_ids()),
            "present": plan.present,
            "planned": {
                "register": len(plan.register),
                "delete": len(plan.delete),
                "configs": len(plan.configs),
                "modes": len(plan.modes),
            },
            "written": {**vars(self.written), "requests": self.requests},
            "conflicts": [c.as_json() for c in plan.conflicts],
            "dropped_config_keys": plan.dropped,
            "skipped_records": snap.skipped,
            "verify": None
            if self.differences is None
            else {
                "ok": not self.differences,
                "differences": [d.as_json() for d in self.differences],
            },
            "error": self.error,
            **({"contexts": [other.as_json() for other in self.others]} if self.others else {}),
        }

    @property
    def failed(self) -> bool:
        own = bool(self.plan.conflicts or self.differences or self.error)
        return own or any(other.failed for other in self.others)


class RichTracker:
    """`Tracker` as a rich progress bar, one line per stage."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._task: TaskID | None = None

    def stage(self, name: str, total: int | None) -> None:
        self._task = self._progress.add_task(name, total=total)

    def step(self, count: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, count)


@contextlib.contextmanager
def tracking(quiet: bool) -> Iterator[Tracker]:
    if quiet:
        yield Silent()
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(*columns, console=Console(stderr=True), transient=False) as progress:
        yield RichTracker(progress)


# Reads one context of the source and plans it against the same context here.
ReadAndPlan = Callable[[str, RestRegistry], Awaitable[tuple[Report, Snapshot]]]


@dataclass(frozen=True)
class ImportJob:
    """One `llm-schema import`: where from (a URL or a dump), where to, what, how."""

    target: ClientOptions
    source_url: str | None = None
    source_auth: str | None = None
    dump: Path | None = None
    pattern: str | None = None
    dry_run: bool = False
    verify: bool = False

    async def run(self, tracker: Tracker) -> Report:
        if self.dump is not None:
            with self.dump.open(encoding="utf-8") as lines:
                replayed = replay(lines)
            name = str(self.dump)

            async def from_dump(context: str, target: RestRegistry) -> tuple[Report, Snapshot]:
                source = replayed[context].selected(self.pattern)
                return await self._plan(name, source, target, tracker), source

            return await self._import_contexts(list(replayed), from_dump, tracker)
        assert self.source_url is not None
        options = options_for(self.source_url, self.source_auth)
        async with RestRegistry(options) as live:
            contexts = await live.contexts()

        async def from_live(context: str, target: RestRegistry) -> tuple[Report, Snapshot]:
            return await self._read_and_plan(options, context, target, tracker)

        return await self._import_contexts(contexts, from_live, tracker)

    async def _import_contexts(
        self, contexts: list[str], read_and_plan: ReadAndPlan, tracker: Tracker
    ) -> Report:
        """Each of the source's contexts (the default one first) into the same context here,
        each through the `/contexts/{context}` prefix (its own ids, config and mode). Every
        context is planned before anything is written: a conflict in one writes nothing."""
        planned: list[tuple[Report, Snapshot, RestRegistry]] = []
        try:
            for context in contexts:
                target = RestRegistry(in_context(self.target, context), context=context)
                try:
                    report, source = await read_and_plan(context, target)
                except BaseException:
                    await target.__aexit__(None, None, None)
                    raise
                report.context = context
                planned.append((report, source, target))
            if not any(report.plan.conflicts for report, _, _ in planned):
                for report, source, target in planned:
                    await self._write(report, source, target, tracker)
        finally:
            for _, _, target in planned:
                await target.__aexit__(None, None, None)
        first, *others = [report for report, _, _ in planned]
        first.others = others
        return first

    async def _read_and_plan(
        self, options: ClientOptions, context: str, target: RestRegistry, tracker: Tracker
    ) -> tuple[Report, Snapshot]:
        async with RestRegistry(in_context(options, context), context=context) as live:
            source = await live.snapshot(pattern=self.pattern, ids=self.verify, tracker=tracker)
        assert self.source_url is not None
        return await self._plan(self.source_url, source, target, tracker), source

    async def _plan(
        self, name: str, source: Snapshot, target: RestRegistry, tracker: Tracker
    ) -> Report:
        here = await target.snapshot(extra_ids=source.schema_ids(), tracker=tracker)
        return Report(name, target.url, self.dry_run, source, make_plan(source, here))

    async def _write(
        self, report: Report, source: Snapshot, target: RestRegistry, tracker: Tracker
    ) -> None:
        if not self.dry_run and not report.plan.empty:
            try:
                report.written = await apply(report.plan, target, tracker)
            except ImportWriteError as exc:
                report.error = str(exc)
            report.requests = target.writes
        if self.verify and report.error is None:
            ids = source.schema_ids()
            after = await target.snapshot(ids=True, extra_ids=ids, tracker=tracker)
            report.differences = compare(source, after, every_subject=self.pattern is None)


def import_command(
    ctx: typer.Context,
    source_url: Annotated[
        str | None, typer.Option("--from", help="The source registry's URL (Confluent API)")
    ] = None,
    source_auth: Annotated[
        str | None,
        typer.Option("--from-auth", help="user:secret (Basic), bearer:TOKEN or apikey:KEY"),
    ] = None,
    dump: Annotated[
        Path | None, typer.Option("--from-dump", help="A `_schemas` topic dump (print.key=true)")
    ] = None,
    subjects: Annotated[
        str | None, typer.Option("--subjects", help="Only subjects matching this glob")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Plan and report; write nothing")
    ] = False,
    verify: Annotated[bool, typer.Option("--verify", help="Compare both sides afterwards")] = False,
    output: Annotated[str | None, typer.Option("--output", help="text or json")] = None,
) -> None:
    """Import a Confluent-compatible registry (ids, versions, configs, modes) into this one
    (the registry at --url), in IMPORT mode; re-running continues an interrupted import."""
    cli = ctx_of(ctx)
    if output is not None:
        cli = CliContext(cli.url, output.lower(), cli.api_key, cli.basic_auth, cli.token)
    if (source_url is None) == (dump is None):
        raise typer.BadParameter("give exactly one of --from URL and --from-dump FILE")
    job = ImportJob(target_options(cli), source_url, source_auth, dump, subjects, dry_run, verify)
    try:
        with tracking(cli.json) as tracker:
            report = asyncio.run(job.run(tracker))
    except RegistryUnavailableError as exc:
        cli.fail(UNREACHABLE, exc.message)
    except (DumpFormatError, OSError) as exc:
        cli.fail(FAILED, f"{dump}: {exc}")
    except SchemaRegistryError as exc:
        cli.fail(FAILED, exc.message, error_code=exc.error_code)
    cli.emit(report.as_json(), lambda console: show(console, report))
    if report.failed:
        raise typer.Exit(FAILED)


def target_options(cli: CliContext) -> ClientOptions:
    """This registry, as the CLI's --url and credentials name it."""
    basic = None
    if cli.basic_auth:
        key_id, _, secret = cli.basic_auth.partition(":")
        basic = (key_id, secret)
    return ClientOptions(
        url=cli.url,
        api_key=cli.api_key,
        bearer_token=cli.token,
        basic_auth=basic,
        retries=4,
        timeout=30.0,
    )


def show(console: Console, report: Report) -> None:
    show_one(console, report)
    for other in report.others:
        show_one(console, other)


def show_one(console: Console, report: Report) -> None:
    data = report.as_json()
    where = "" if report.context == DEFAULT_CONTEXT else f" (context {report.context})"
    table = Table(title=f"import {report.source} -> {report.target}{where}")
    table.add_column("")
    table.add_column("count", justify="right")
    rows: list[tuple[str, Any]] = [
        ("subjects", data["subjects"]),
        ("versions", data["versions"]),
        ("schema ids", data["ids"]),
        ("already here", data["present"]),
        ("registered" if not report.dry_run else "to register", _done(data, "register")),
        ("soft-deleted" if not report.dry_run else "to soft-delete", _done(data, "delete")),
        ("configs set", _done(data, "configs")),
        ("modes set", _done(data, "modes")),
        ("conflicts", len(report.plan.conflicts)),
    ]
    for name, count in rows:
        table.add_row(name, str(count))
    console.print(table)
    for conflict in report.plan.conflicts:
        ids = ", ".join(str(i) for i in conflict.ids)
        console.print(f"[red]conflict[/red] {conflict.kind} (ids {ids}): {conflict.message}")
    if report.plan.conflicts:
        console.print("nothing was written")
    for scope, keys in report.plan.dropped.items():
        console.print(f"config {scope}: not kept here: {', '.join(keys)}")
    for kind, count in report.source_snapshot.skipped.items():
        console.print(f"skipped {count} {kind} record(s)")
    if report.error:
        console.print(f"[red]error[/red] {report.error} (re-run to continue)")
    if report.differences is not None:
        for difference in report.differences:
            console.print(f"[red]differs[/red] {difference}", highlight=False, markup=False)
        console.print("verify: " + ("identical" if not report.differences else "DIFFERENT"))


def _done(data: JsonObject, kind: str) -> int:
    if data["dry_run"]:
        return int(data["planned"][kind])
    written = {
        "register": "registered",
        "delete": "deleted",
        "configs": "configs",
        "modes": "modes",
    }
    return int(data["written"][written[kind]])
