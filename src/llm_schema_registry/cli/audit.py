"""`llm-schema audit verify|export`: the audit chain, read from REGISTRY_DATABASE_URL."""

from __future__ import annotations

import sys
from typing import Any

import typer

from llm_schema_registry.cli.keys import with_security_store

audit_app = typer.Typer(help="Verify or export the hash-chained audit log (database direct).")


@audit_app.command("verify")
def verify() -> None:
    """Exit 0 when the chain is intact; else print the first bad entry's id and exit 1."""
    from llm_schema_registry.security.audit import first_bad_entry

    async def work(store: Any) -> int | None:
        return await first_bad_entry(store.chain())

    bad = with_security_store(work)
    if bad is None:
        typer.echo("audit log intact")
        return
    typer.echo(f"audit log broken at entry {bad}")
    raise typer.Exit(1)


@audit_app.command("export")
def export(
    format: str = typer.Option("jsonl", "--format", help="jsonl or csv"),
) -> None:
    """Write every entry to standard output, oldest first."""
    from llm_schema_registry.security.audit import as_csv, as_json_line

    if format not in ("jsonl", "csv"):
        raise typer.BadParameter("jsonl or csv", param_hint="--format")

    async def work(store: Any) -> list[Any]:
        return [entry async for entry in store.chain()]

    entries = with_security_store(work)
    if format == "csv":
        sys.stdout.write(as_csv(entries))
    else:
        for entry in entries:
            sys.stdout.write(as_json_line(entry) + "\n")
