"""`llm-schema audit verify|export`: the audit chain, read from REGISTRY_DATABASE_URL."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from llm_schema_registry.cli.keys import with_security_store
from llm_schema_registry.settings import Settings

HeadOption = Annotated[
    Path | None,
    typer.Option(
        "--head",
        help="A head saved earlier (GET /audit/head, `audit head`): the log must still reach it",
    ),
]
audit_app = typer.Typer(help="Verify or export the hash-chained audit log (database direct).")


@audit_app.command("verify")
def verify(head: HeadOption = None) -> None:
    """Exit 0 when the chain is intact (and reaches the saved head); else say where it breaks
    and exit 1. Without --head, deleting the newest entries cannot be seen."""
    from llm_schema_registry.security.audit import first_bad_entry
    from llm_schema_registry.security.audit_head import head_problem

    saved = _saved_head(head) if head is not None else None

    async def work(store: Any) -> tuple[int | None, str | None]:
        bad = await first_bad_entry(store.chain())
        if bad is not None or saved is None:
            return bad, None
        return None, await head_problem(store.chain(), saved[0], saved[1])

    bad, problem = with_security_store(work)
    if bad is not None:
        typer.echo(f"audit log broken at entry {bad}")
        raise typer.Exit(1)
    if problem is not None:
        typer.echo(problem)
        raise typer.Exit(1)
    reached = f"; it reaches the saved head (entry {saved[0]})" if saved is not None else ""
    typer.echo(f"audit log intact{reached}")


def _saved_head(path: Path) -> tuple[int, str]:
    """(count, hash) of the head saved in `path`; a signed head must verify with this
    registry's keys (REGISTRY_SIGNING_KEY_FILE and the previous ones), when configured."""
    from llm_schema_registry.security.audit_head import SavedHeadError, parse_head
    from llm_schema_registry.security.signing import Signer
    from llm_schema_registry.signatures import verify_head

    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        found = parse_head(document)
    except (OSError, ValueError) as exc:  # SavedHeadError and JSON errors are ValueErrors
        message = str(exc) if isinstance(exc, SavedHeadError | OSError) else f"not JSON: {exc}"
        raise typer.BadParameter(message, param_hint="--head") from exc
    settings = Settings()
    if "signature" in document and settings.signing_key_file is not None:
        signer = Signer.from_files(settings.signing_key_file, settings.signing_previous_key_files)
        if not verify_head(document, signer.keys()):
            typer.echo(
                f"{path}: the saved head's signature does not verify with this registry's keys"
            )
            raise typer.Exit(1)
    return found


@audit_app.command("head")
def head() -> None:
    """Print the chain's head {count, hash, time} as JSON (signed with REGISTRY_SIGNING_KEY_FILE
    when set), to save somewhere the database's administrators cannot write."""
    from llm_schema_registry.security.audit_head import head_of
    from llm_schema_registry.security.signing import Signer

    async def work(store: Any) -> dict[str, Any]:
        return head_of(await store.newest())

    found = with_security_store(work)
    settings = Settings()
    if settings.signing_key_file is not None:
        signer = Signer.from_files(settings.signing_key_file, settings.signing_previous_key_files)
        found = signer.signed_head(found)
    typer.echo(json.dumps(found))


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
