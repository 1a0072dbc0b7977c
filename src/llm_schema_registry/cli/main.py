"""`llm-schema`: the registry's command line."""

from __future__ import annotations

import typer

from llm_schema_registry.cli import commands
from llm_schema_registry.cli.audit import audit_app
from llm_schema_registry.cli.backup import backup, restore
from llm_schema_registry.cli.bundle import bundle_app
from llm_schema_registry.cli.context import CliContext
from llm_schema_registry.cli.events import events_app
from llm_schema_registry.cli.keys import keys_app
from llm_schema_registry.cli.mcp import mcp
from llm_schema_registry.cli.migration.command import import_command
from llm_schema_registry.cli.prompts import render
from llm_schema_registry.cli.relay import relay
from llm_schema_registry.cli.rpc import grpc_app
from llm_schema_registry.cli.seed import seed_app
from llm_schema_registry.cli.serve import serve
from llm_schema_registry.cli.verify import verify
from llm_schema_registry.cli.webhooks import webhooks_app

app = typer.Typer(
    name="llm-schema",
    help="LLM Schema Registry: a Confluent-compatible schema registry for LLM platforms.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve)
app.command("relay")(relay)
commands.install(app)
app.command("render")(render)
app.command("mcp")(mcp)
app.add_typer(bundle_app, name="bundle")
app.add_typer(seed_app, name="seed")
app.add_typer(keys_app, name="keys")
app.add_typer(audit_app, name="audit")
app.add_typer(grpc_app, name="grpc")
app.add_typer(events_app, name="events")
app.add_typer(webhooks_app, name="webhooks")
app.command("verify")(verify)
app.command("import")(import_command)
app.command("backup")(backup)
app.command("restore")(restore)


@app.callback()
def main(
    ctx: typer.Context,
    url: str | None = typer.Option(None, help="Registry URL [LLM_SCHEMA_URL, config file]"),
    output: str | None = typer.Option(None, "--output", help="text (default) or json"),
    api_key: str | None = typer.Option(None, help="API key [LLM_SCHEMA_API_KEY]"),
    basic_auth: str | None = typer.Option(
        None, help="key_id:secret for Basic auth [LLM_SCHEMA_BASIC_AUTH]"
    ),
    token: str | None = typer.Option(None, help="Bearer token [LLM_SCHEMA_TOKEN]"),
) -> None:
    """Run the registry server or talk to one. Exit status: 0 success, 1 incompatible or
    invalid, 2 usage error, 3 registry unreachable."""
    if output is not None and output.lower() not in ("text", "json"):
        raise typer.BadParameter("text or json", param_hint="--output")
    ctx.obj = CliContext.resolve(url, output, api_key, basic_auth, token)


if __name__ == "__main__":
    app()
