"""`llm-schema bundle export`: selected subjects/versions in one file for offline use."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from llm_schema_registry.cli.context import ctx_of, registry_errors
from llm_schema_registry.client import export_bundle

bundle_app = typer.Typer(help="Offline bundles for Registry.from_bundle().", no_args_is_help=True)


@bundle_app.command("export")
def export(
    ctx: typer.Context,
    selections: Annotated[
        list[str], typer.Argument(help="SUBJECT (latest), SUBJECT:VERSION or SUBJECT:all")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="The bundle file to write")],
) -> None:
    """Write the selected versions, what they reference, and their signatures."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        bundle = export_bundle(client, selections, out)
    entries = [(s["subject"], s["version"]) for s in bundle["schemas"]]
    signed = sum(1 for s in bundle["schemas"] if "signature" in s)
    cli.emit(
        {"path": str(out), "schemas": len(entries), "signed": signed},
        lambda c: c.print(f"wrote {len(entries)} schemas ({signed} signed) to {out}"),
    )
