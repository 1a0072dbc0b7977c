"""`llm-schema backup FILE` / `llm-schema restore FILE`: the whole database, straight from
REGISTRY_DATABASE_URL (or --database-url), while the registry keeps serving (backup) or
into an empty database (restore). Streamed both ways with a progress bar; the file format is
in docs/migration.md. Exit status: 0 done, 1 refused or failed."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from llm_schema_registry.cli.context import FAILED, ctx_of
from llm_schema_registry.settings import Settings

FileArgument = Annotated[Path, typer.Argument(help="The backup file (zstd-compressed JSON lines)")]
DatabaseOption = Annotated[
    str | None, typer.Option("--database-url", help="Default: REGISTRY_DATABASE_URL")
]


def database_url(given: str | None) -> str:
    return given or Settings().database_url.get_secret_value()


@contextmanager
def row_progress(quiet: bool, verb: str) -> Iterator[Callable[[int | None, str, int], None]]:
    """A callback (total rows once known, table, rows done) drawing one bar on stderr."""
    if quiet:
        yield lambda _total, _table, _rows: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task(verb, total=None)

        def advance(total: int | None, table: str, rows: int) -> None:
            if total is not None:
                progress.update(task, total=total)
            progress.update(task, advance=rows, description=f"{verb} {table}")

        yield advance


def backup(ctx: typer.Context, file: FileArgument, database: DatabaseOption = None) -> None:
    """Write a consistent snapshot of every table (one read transaction) to FILE."""
    from llm_schema_registry.storage.archive import ArchiveWriter
    from llm_schema_registry.storage.backup import BackupError, backup_records

    cli = ctx_of(ctx)
    started = time.monotonic()
    footer: dict[str, Any] = {}

    async def run(advance: Callable[[int | None, str, int], None]) -> None:
        with ArchiveWriter(file) as out:
            records = backup_records(database_url(database), lambda t, n: advance(None, t, n))
            async for record in records:
                out.write(record)
                if isinstance(record, dict) and "format" in record:
                    advance(sum(record["rows"].values()), "", 0)
                if isinstance(record, dict) and record.get("complete"):
                    footer.update(record)

    try:
        with row_progress(cli.json, "backing up") as advance:
            asyncio.run(run(advance))
    except (BackupError, OSError) as exc:
        cli.fail(FAILED, f"backup failed: {exc}")
    summary = {
        "file": str(file),
        "bytes": file.stat().st_size,
        "rows": footer["rows"],
        "next_schema_id": footer["next_schema_id"],
        "seconds": round(time.monotonic() - started, 2),
    }
    cli.emit(summary, lambda c: c.print(_sentence("backed up", summary), highlight=False))


def restore(ctx: typer.Context, file: FileArgument, database: DatabaseOption = None) -> None:
    """Load FILE into an empty database (migrated first); refuses one that holds data."""
    import orjson
    import zstandard

    from llm_schema_registry.storage.archive import read_archive
    from llm_schema_registry.storage.restore import RestoreError, restore_records

    cli = ctx_of(ctx)
    started = time.monotonic()
    try:
        records = read_archive(file)
        header = next(records)
        with row_progress(cli.json, "restoring") as advance:
            advance(sum(header.get("rows", {}).values()), "", 0)
            asyncio.run(
                restore_records(
                    database_url(database),
                    itertools.chain([header], records),
                    lambda t, n: advance(None, t, n),
                )
            )
    except (RestoreError, OSError, StopIteration) as exc:
        cli.fail(FAILED, f"restore refused: {exc or 'empty file'}")
    except (zstandard.ZstdError, orjson.JSONDecodeError) as exc:
        cli.fail(FAILED, f"restore failed, the file is damaged: {exc}")
    summary = {
        "file": str(file),
        "rows": header["rows"],
        "revision": header["revision"],
        "seconds": round(time.monotonic() - started, 2),
    }
    cli.emit(summary, lambda c: c.print(_sentence("restored", summary), highlight=False))


def _sentence(verb: str, summary: dict[str, Any]) -> str:
    rows = sum(summary["rows"].values())
    return f"{verb} {rows:,} rows in {len(summary['rows'])} tables ({summary['file']}, " + (
        f"{summary['seconds']} s)"
    )
