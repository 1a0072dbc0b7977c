"""`llm-schema webhooks add|list|rm|deliveries|dead-letters|replay`: the registry's webhooks
(admin credentials), each with `--output json` for scripts."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from llm_schema_registry.cli.context import ctx_of, registry_errors

webhooks_app = typer.Typer(help="Webhooks receiving the change events.", no_args_is_help=True)
WebhookId = Annotated[str, typer.Argument(help="The webhook's id")]
Limit = Annotated[int, typer.Option(min=1, max=1000, help="At most this many")]


def _table(title: str, columns: list[str], rows: list[list[Any]]) -> Table:
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("" if cell is None else str(cell) for cell in row))
    return table


@webhooks_app.command("add")
def add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="http(s) URL receiving the CloudEvents")],
    types: Annotated[
        list[str] | None, typer.Option("--type", help="Only this event type (repeatable)")
    ] = None,
    subjects: Annotated[
        list[str] | None, typer.Option("--subject", help="Only subjects matching (repeatable)")
    ] = None,
    secret: Annotated[
        str | None, typer.Option(help="whsec_… signing secret (default: generated)")
    ] = None,
) -> None:
    """Register a webhook; its signing secret is printed once."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        made = client.add_webhook(url, events=types, subjects=subjects, secret=secret)
    cli.emit(
        made,
        lambda c: c.print(
            f"webhook {made['id']} -> {made['url']}\nsecret: {made['secret']}\n"
            "(the secret is shown only once)",
            highlight=False,
            markup=False,
        ),
    )


@webhooks_app.command("list")
def list_webhooks(ctx: typer.Context) -> None:
    """List webhooks (never their secrets)."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        found = client.webhooks()
    rows = [
        [w["id"], w["url"], ",".join(w["events"]) or "all", ",".join(w["subjects"]) or "all"]
        for w in found
    ]
    cli.emit(
        found, lambda c: c.print(_table("webhooks", ["id", "url", "events", "subjects"], rows))
    )


@webhooks_app.command("rm")
def remove(ctx: typer.Context, webhook_id: WebhookId) -> None:
    """Delete a webhook, with its delivery history and dead letters."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        gone = client.remove_webhook(webhook_id)
    cli.emit(gone, lambda c: c.print(f"deleted {webhook_id}", highlight=False))


@webhooks_app.command("deliveries")
def deliveries(ctx: typer.Context, webhook_id: WebhookId, limit: Limit = 20) -> None:
    """Recent delivery attempts, newest first."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        found = client.webhook_deliveries(webhook_id, limit)
    rows = [[a["time"], a["event_id"], a["attempt"], a["status"], a["error"]] for a in found]
    columns = ["time", "event", "attempt", "status", "error"]
    cli.emit(found, lambda c: c.print(_table(f"deliveries of {webhook_id}", columns, rows)))


@webhooks_app.command("dead-letters")
def dead_letters(ctx: typer.Context, webhook_id: WebhookId, limit: Limit = 100) -> None:
    """Events the webhook gave up on, oldest first."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        found = client.webhook_dead_letters(webhook_id, limit)
    rows = [[d["time"], d["event_id"], d["type"], d["subject"], d["error"]] for d in found]
    columns = ["time", "event", "type", "subject", "error"]
    cli.emit(found, lambda c: c.print(_table(f"dead letters of {webhook_id}", columns, rows)))


@webhooks_app.command("replay")
def replay(
    ctx: typer.Context,
    webhook_id: WebhookId,
    event_ids: Annotated[
        list[str] | None, typer.Option("--event", help="Only this event id (repeatable)")
    ] = None,
) -> None:
    """Send the webhook's dead letters again (the same event ids)."""
    cli = ctx_of(ctx)
    with registry_errors(cli), cli.client() as client:
        count = client.replay_dead_letters(webhook_id, event_ids or None)
    cli.emit({"replayed": count}, lambda c: c.print(f"replayed {count}"))
