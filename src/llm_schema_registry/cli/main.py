"""`llm-schema`: the registry's command line."""

from __future__ import annotations

import typer

from llm_schema_registry.cli.serve import serve

app = typer.Typer(
    name="llm-schema",
    help="LLM Schema Registry: a Confluent-compatible schema registry for LLM platforms.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.command("serve")(serve)


@app.callback()
def main() -> None:
    """Run the registry server or talk to one."""


if __name__ == "__main__":
    app()
