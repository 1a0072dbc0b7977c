"""`llm-schema events tail`: follow the registry's change events (`GET /events/stream`), one
line per event, or one CloudEvent per line with `--output json`; resumes by itself after a
dropped connection."""

from __future__ import annotations

import itertools
import json
import sys
from typing import Annotated

import typer

from llm_schema_registry.cli.context import ctx_of, registry_errors
from llm_schema_registry.client import ChangeEvent

events_app = typer.Typer(help="The registry's change events.", no_args_is_help=True)


def _line(event: ChangeEvent) -> str:
    subject = event.subject or "-"
    return f"{event.sequence:>8}  {event.time}  {event.type:<26} {subject}"


@events_app.command("tail")
def tail(
    ctx: typer.Context,
    types: Annotated[
        list[str] | None,
        typer.Option("--type", help="Only this event type (repeatable), e.g. schema.registered"),
    ] = None,
    subjects: Annotated[
        list[str] | None,
        typer.Option("--subject", help="Only subjects matching this glob (repeatable)"),
    ] = None,
    after: Annotated[
        int | None, typer.Option(min=0, help="Replay from after this sequence first")
    ] = None,
    count: Annotated[
        int | None, typer.Option(min=1, help="Stop after this many events (default: never)")
    ] = None,
) -> None:
    """Print change events as they happen (Ctrl-C to stop)."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        stream = client.events(after, types=types, subjects=subjects)
        try:
            for event in itertools.islice(stream, count):
                text = json.dumps(event.cloudevent) if cli.json else _line(event)
                sys.stdout.write(text + "\n")
                sys.stdout.flush()  # a pipe sees each event as it comes
        except KeyboardInterrupt:
            pass
