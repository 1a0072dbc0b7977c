"""`llm-schema seed genai`: register the GenAI schema pack; running it again changes nothing."""

from __future__ import annotations

from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from llm_schema_registry.cli.context import ctx_of, registry_errors
from llm_schema_registry.client import NotFoundError, RegistryClient
from llm_schema_registry.genai import PACK, PACK_VERSION

seed_app = typer.Typer(help="Register canonical schema packs.", no_args_is_help=True)


def _versions(client: RegistryClient, subject: str) -> list[int]:
    try:
        return client.versions(subject)
    except NotFoundError:
        return []


def seed_genai_pack(client: RegistryClient) -> list[dict[str, Any]]:
    """Registers each pack schema; a schema already registered is found, not added."""
    report = []
    for item in PACK:
        before = _versions(client, item.subject)
        schema_id = client.register(
            item.subject,
            item.text,
            item.schema_type,
            metadata=item.metadata,
            rule_set=item.rule_set,
        )
        after = _versions(client, item.subject)
        report.append(
            {
                "subject": item.subject,
                "schemaType": item.schema_type,
                "id": schema_id,
                "version": after[-1] if after else None,
                "status": "unchanged" if after == before else "registered",
            }
        )
    return report


@seed_app.command("genai")
def genai(ctx: typer.Context) -> None:
    """The GenAI pack: inference, token usage/cost, policy violation and evaluation events,
    in Avro and JSON Schema, owned, tagged and documented."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        report = seed_genai_pack(client)

    def show(console: Console) -> None:
        table = Table(title=f"GenAI schema pack {PACK_VERSION}")
        for column in ("subject", "type", "id", "version", "status"):
            table.add_column(column)
        for row in report:
            table.add_row(
                row["subject"],
                row["schemaType"],
                str(row["id"]),
                str(row["version"]),
                row["status"],
            )
        console.print(table)

    cli.emit({"pack": "genai", "version": PACK_VERSION, "schemas": report}, show)
