"""Client commands: register, get, list, versions, compat, validate, diff, deprecate,
rollback, config and export, each with `--output json` for scripts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from llm_schema_registry.cli.context import (
    FAILED,
    ctx_of,
    read_json,
    read_text,
    registry_errors,
)
from llm_schema_registry.client import RegisteredSchema, Registry, ValidationOutcome
from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.llm.providers import Target

SchemaTypeOption = Annotated[
    str | None,
    typer.Option(
        "--schema-type", "-t", help="AVRO, JSON, PROTOBUF or PROMPT (default: from the file)"
    ),
]
VersionOption = Annotated[str, typer.Option("--version", "-v", help="A version or latest")]


def schema_type_of(path: Path, given: str | None, text: str) -> str:
    if given:
        kind = given.upper()
        if kind not in SchemaType.__members__:
            raise typer.BadParameter(f"unknown schema type {given}", param_hint="--schema-type")
        return kind
    if path.suffix == ".proto":
        return "PROTOBUF"
    if path.suffix == ".avsc":
        return "AVRO"
    try:
        document = json.loads(text)
    except ValueError:
        return "AVRO"
    if isinstance(document, dict) and isinstance(document.get("messages"), list):
        return "PROMPT"  # a prompt template: JSON Schema has no top-level `messages`
    avro = isinstance(document, list | str) or (
        isinstance(document, dict) and document.get("type") in ("record", "enum", "fixed")
    )
    return "AVRO" if avro else "JSON"


def _schema_json(found: RegisteredSchema) -> dict[str, Any]:
    return found.as_json()


def register(
    ctx: typer.Context,
    subject: str,
    file: Path,
    schema_type: SchemaTypeOption = None,
    rules: Annotated[Path | None, typer.Option(help="A JSON ruleSet file")] = None,
    metadata: Annotated[Path | None, typer.Option(help="A JSON metadata file")] = None,
) -> None:
    """Register FILE under SUBJECT (the compatibility check runs as usual)."""
    cli = ctx_of(ctx)
    text = read_text(file)
    kind = schema_type_of(file, schema_type, text)
    rule_set = read_json(rules) if rules else None
    meta = read_json(metadata) if metadata else None
    with registry_errors(cli), cli.client() as client:
        schema_id = client.register(subject, text, kind, rule_set=rule_set, metadata=meta)
        version = client.lookup(subject, text, kind).version
    cli.emit(
        {"subject": subject, "id": schema_id, "version": version},
        lambda c: c.print(f"registered {subject} version {version} (id {schema_id})"),
    )


def get(
    ctx: typer.Context,
    subject: Annotated[str | None, typer.Argument()] = None,
    version: VersionOption = "latest",
    schema_id: Annotated[int | None, typer.Option("--id", help="Get a schema by id")] = None,
) -> None:
    """Print a subject's version (or, with --id, a schema by id)."""
    cli = ctx_of(ctx)
    if subject is None and schema_id is None:
        raise typer.BadParameter("give SUBJECT or --id")
    with registry_errors(cli), cli.client() as client:
        found = (
            client.get_schema(schema_id)
            if schema_id is not None
            else client.get_version(str(subject), version)
        )
    cli.emit(_schema_json(found), lambda c: c.print_json(found.schema))


def list_subjects(
    ctx: typer.Context,
    prefix: Annotated[str | None, typer.Option(help="Only subjects starting with it")] = None,
) -> None:
    """List subjects."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        names = client.subjects(prefix)
    cli.emit(names, lambda c: c.print("\n".join(names), highlight=False, markup=False))


def versions(ctx: typer.Context, subject: str) -> None:
    """List a subject's versions."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        found = client.versions(subject)
    cli.emit(found, lambda c: c.print(" ".join(str(v) for v in found)))


def compat(
    ctx: typer.Context,
    subject: str,
    file: Path,
    schema_type: SchemaTypeOption = None,
    version: VersionOption = "latest",
    samples: Annotated[
        bool,
        typer.Option(
            "--samples", help="Also replay the subject's stored samples; any rejected exits 1"
        ),
    ] = False,
) -> None:
    """Check FILE against SUBJECT; exit status 1 when incompatible (for CI)."""
    cli = ctx_of(ctx)
    text = read_text(file)
    kind = schema_type_of(file, schema_type, text)
    with registry_errors(cli), cli.client() as client:
        verdict = client.check_compatibility(subject, text, kind, version, samples=samples)
    replayed = verdict.samples

    def show(console: Console) -> None:
        if verdict.is_compatible:
            console.print(f"[green]compatible[/green] with {subject} ({version})")
        else:
            console.print(f"[red]incompatible[/red] with {subject} ({version}):")
        for message in verdict.messages:
            console.print(f"  - {message}", highlight=False, markup=False, soft_wrap=True)
        if replayed is not None:
            console.print(f"samples: {replayed['rejected']} of {replayed['checked']} rejected")
            for example in replayed["examples"]:
                errors = "; ".join(f"{e['path']}: {e['message']}" for e in example["errors"])
                line = f"  - {example['kind']} sample {example['id']}: {errors}"
                console.print(line, highlight=False, markup=False, soft_wrap=True)

    data: dict[str, Any] = {"is_compatible": verdict.is_compatible, "messages": verdict.messages}
    cli.emit(data | ({"samples": replayed} if replayed is not None else {}), show)
    if not verdict.is_compatible or (replayed is not None and replayed["rejected"]):
        raise typer.Exit(FAILED)


def _records(file: Path) -> list[Any]:
    text = read_text(file)
    if file.suffix in (".jsonl", ".ndjson"):
        lines = [line for line in text.splitlines() if line.strip()]
        try:
            return [json.loads(line) for line in lines]
        except ValueError as exc:
            raise typer.BadParameter(f"{file} is not JSON lines: {exc}") from exc
    try:
        document = json.loads(text)
    except ValueError as exc:
        raise typer.BadParameter(f"{file} is not JSON: {exc}") from exc
    return document if isinstance(document, list) else [document]


BATCH = 500


def validate(
    ctx: typer.Context,
    subject: str,
    file: Annotated[Path, typer.Argument(help="A JSON record, a JSON array, or JSON lines")],
    version: VersionOption = "latest",
    local: Annotated[
        bool, typer.Option(help="Validate here with the registry's validators and rules")
    ] = False,
    bundle: Annotated[
        Path | None, typer.Option(help="Validate offline against a bundle file")
    ] = None,
) -> None:
    """Validate records (by the registry's POST /validate in batches, --local here, or
    --bundle offline); exit 1 when any is invalid."""
    cli = ctx_of(ctx)
    records = _records(file)
    results: list[ValidationOutcome] = []
    progress = Progress(disable=cli.json, transient=True, console=Console(stderr=True))
    if bundle is not None:
        offline = Registry.from_bundle(bundle)
        with registry_errors(cli), progress:
            task = progress.add_task("validating", total=len(records))
            for record in records:
                results.append(offline.validate(record, subject=subject, version=version))
                progress.advance(task)
    else:
        with registry_errors(cli), cli.client() as client, progress:
            task = progress.add_task("validating", total=len(records))
            for start in range(0, len(records), 1 if local else BATCH):
                if local:
                    found = [client.validate(records[start], subject=subject, version=version)]
                else:
                    batch = records[start : start + BATCH]
                    found = client.validate_remote(batch, subject=subject, version=version)
                results.extend(found)
                progress.advance(task, len(found))
    invalid: list[dict[str, Any]] = [
        {"index": i, "errors": [{"path": e.path, "message": e.message} for e in r.errors]}
        for i, r in enumerate(results)
        if not r.valid
    ]
    warned = sum(1 for r in results if r.warnings)
    summary = {
        "total": len(results),
        "valid": len(results) - len(invalid),
        "invalid": len(invalid),
        "warnings": warned,
        "failures": invalid,
    }

    def show(console: Console) -> None:
        table = Table(title=f"{file.name} against {subject} ({version})")
        for column in ("records", "valid", "invalid", "with warnings"):
            table.add_column(column, justify="right")
        table.add_row(*(str(summary[k]) for k in ("total", "valid", "invalid", "warnings")))
        console.print(table)
        for failure in invalid[:20]:
            for error in failure["errors"]:
                console.print(
                    f"  record {failure['index']}: {error['path']}: {error['message']}",
                    highlight=False,
                    markup=False,
                )

    cli.emit(summary, show)
    if invalid:
        raise typer.Exit(FAILED)


def diff(ctx: typer.Context, subject: str, version: str, against: str) -> None:
    """The changes from version AGAINST to VERSION, each naming its field and flagged
    breaking backward, forward and under the subject's compatibility level."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        found = client.diff(subject, version, against)

    def show(console: Console) -> None:
        changes = found.get("changes") or []
        level = changes[0].get("compatibility_level", "") if changes else ""
        table = Table(title=f"{subject}: {against} -> {version} ({found.get('semver_bump')})")
        columns = ("change", "kind", "breaks backward", "breaks forward", f"breaking ({level})")
        for column in (*columns, "migration note"):
            table.add_column(column)
        for change in changes:
            table.add_row(
                change.get("description") or change["path"],
                change["kind"],
                _yes(change.get("breaking_backward")),
                _yes(change.get("breaking_forward")),
                _yes(change["breaking"]),
                change.get("migration_note") or "",
            )
        console.print(table)

    cli.emit(found, show)


def _yes(flag: object) -> str:
    return "yes" if flag else "no"


def deprecate(
    ctx: typer.Context,
    subject: str,
    version: str,
    reason: Annotated[str, typer.Option(help="Why (required)")],
    sunset_date: Annotated[str, typer.Option(help="ISO 8601 date, not in the past (required)")],
) -> None:
    """Deprecate a version (governance lifecycle)."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        found = client.deprecate(subject, version, reason, sunset_date)
    cli.emit(found, lambda c: c.print(f"{subject} version {version}: {found.get('state')}"))


def rollback(ctx: typer.Context, subject: str, target_version: int) -> None:
    """Make TARGET_VERSION the latest again (later ACTIVE versions are deprecated)."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        found = client.rollback(subject, target_version)
    cli.emit(found, lambda c: c.print(f"{subject}: latest is now {found.get('latest')}"))


def config(
    ctx: typer.Context,
    subject: Annotated[str | None, typer.Argument()] = None,
    set_level: Annotated[
        str | None, typer.Option("--set", help="New compatibility level, e.g. BACKWARD")
    ] = None,
) -> None:
    """Show (or --set) the global or a subject's compatibility level."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        found = client.set_config(set_level, subject) if set_level else client.get_config(subject)
    level = found.get("compatibilityLevel") or found.get("compatibility")
    cli.emit(found, lambda c: c.print(f"{subject or 'global'}: {level}"))


def export(
    ctx: typer.Context,
    subject: str,
    target: Annotated[Target, typer.Option(help="The provider")],
    version: VersionOption = "latest",
    fix: Annotated[bool, typer.Option(help="Apply the safe rewrites")] = False,
) -> None:
    """A JSON Schema as a provider's payload, with its strictness findings."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        found = client.export(subject, target.value, version, fix)
    data = {"payload": found.payload, "findings": found.findings, "fixes": found.fixes}

    def show(console: Console) -> None:
        console.print_json(json.dumps(found.payload))
        err = Console(stderr=True)
        for item in found.fixes:
            err.print(f"fixed {item['path']}: {item['message']}", highlight=False, markup=False)
        for item in found.findings:
            err.print(
                f"finding {item['path']} [{item['rule']}]: {item['message']}",
                highlight=False,
                markup=False,
            )

    cli.emit(data, show)


def install(app: typer.Typer) -> None:
    for name, command in (
        ("register", register),
        ("get", get),
        ("list", list_subjects),
        ("versions", versions),
        ("compat", compat),
        ("validate", validate),
        ("diff", diff),
        ("deprecate", deprecate),
        ("rollback", rollback),
        ("config", config),
        ("export", export),
    ):
        app.command(name)(command)
