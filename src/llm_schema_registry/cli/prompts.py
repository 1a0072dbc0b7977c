"""`llm-schema render`: a registered prompt template rendered with variables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from llm_schema_registry.cli.context import ctx_of, read_json, registry_errors
from llm_schema_registry.llm.providers import Target


def variables_of(given: str) -> Any:
    """`--vars`: a JSON file, or the JSON object itself."""
    if given.lstrip().startswith("{"):
        try:
            return json.loads(given)
        except ValueError as exc:
            raise typer.BadParameter(f"not JSON: {exc}", param_hint="--vars") from exc
    return read_json(Path(given))


def render(
    ctx: typer.Context,
    subject: str,
    variables: Annotated[
        str, typer.Option("--vars", help="The variables: a JSON file or a JSON object")
    ],
    version: Annotated[str, typer.Option("--version", "-v", help="A version or latest")] = (
        "latest"
    ),
    target: Annotated[
        Target | None, typer.Option(help="Return the output schema as this provider's payload")
    ] = None,
) -> None:
    """Render a prompt template (PROMPT) with variables; invalid variables exit 1, each named
    by its JSON path."""
    cli = ctx_of(ctx)
    values = variables_of(variables)
    with registry_errors(cli), cli.client() as client:
        found = client.render(subject, version, values, target.value if target else None)
    data = {
        "subject": found.subject,
        "version": found.version,
        "messages": found.messages,
        "model": found.model,
        "output_schema": found.output_schema,
        "output_findings": found.output_findings,
    }

    def show(console: Console) -> None:
        for message in found.messages:
            console.rule(message["role"])
            console.print(message["content"], highlight=False, markup=False)
        if found.output_schema is not None:
            console.rule("output schema")
            console.print_json(json.dumps(found.output_schema))

    cli.emit(data, show)
