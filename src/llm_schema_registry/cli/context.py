"""What every client command shares: where the registry is, credentials, output format and
exit statuses (0 success, 1 incompatible or invalid, 2 usage error, 3 registry unreachable).

The URL and credentials come from flags, else the environment (`LLM_SCHEMA_URL`,
`LLM_SCHEMA_API_KEY`, `LLM_SCHEMA_BASIC_AUTH` as `key_id:secret`, `LLM_SCHEMA_TOKEN`), else
the config file (`LLM_SCHEMA_CONFIG`, default `~/.config/llm-schema/config.toml`, keys
`url`, `api_key`, `basic_auth`, `token`, `output`).
"""

from __future__ import annotations

import json
import os
import sys
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console

from llm_schema_registry.client import (
    IncompatibleSchemaError,
    InvalidRequestError,
    RegistryClient,
    RegistryUnavailableError,
    SchemaRegistryError,
)

OK, FAILED, USAGE, UNREACHABLE = 0, 1, 2, 3
DEFAULT_URL = "http://127.0.0.1:8081"


def config_file() -> dict[str, Any]:
    path = Path(
        os.environ.get("LLM_SCHEMA_CONFIG")
        or Path.home() / ".config" / "llm-schema" / "config.toml"
    )
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise typer.BadParameter(f"config file {path}: {exc}") from exc


@dataclass
class CliContext:
    url: str
    output: str = "text"
    api_key: str | None = None
    basic_auth: str | None = None
    token: str | None = None

    @classmethod
    def resolve(
        cls,
        url: str | None,
        output: str | None,
        api_key: str | None,
        basic_auth: str | None,
        token: str | None,
    ) -> CliContext:
        file = config_file()
        env = os.environ.get

        def pick(flag: str | None, var: str, key: str) -> str | None:
            found = flag or env(var) or file.get(key)
            return str(found) if found is not None else None

        return cls(
            url=pick(url, "LLM_SCHEMA_URL", "url") or DEFAULT_URL,
            output=(output or str(file.get("output") or "text")).lower(),
            api_key=pick(api_key, "LLM_SCHEMA_API_KEY", "api_key"),
            basic_auth=pick(basic_auth, "LLM_SCHEMA_BASIC_AUTH", "basic_auth"),
            token=pick(token, "LLM_SCHEMA_TOKEN", "token"),
        )

    @property
    def json(self) -> bool:
        return self.output == "json"

    def client(self) -> RegistryClient:
        basic = None
        if self.basic_auth:
            key_id, _, secret = self.basic_auth.partition(":")
            basic = (key_id, secret)
        return RegistryClient(
            self.url,
            api_key=self.api_key,
            basic_auth=basic,
            bearer_token=self.token,
            retries=2,
            backoff=0.2,
        )

    def emit(self, data: Any, text: Callable[[Console], None] | None = None) -> None:
        """`data` as JSON (`--output json`), else the human rendering."""
        if self.json or text is None:
            sys.stdout.write(json.dumps(data, indent=None if self.json else 2, default=str) + "\n")
        else:
            text(Console())

    def fail(self, status: int, message: str, **extra: Any) -> NoReturn:
        if self.json:
            sys.stdout.write(json.dumps({"error": message, **extra}) + "\n")
        else:
            Console(stderr=True).print(f"[red]error:[/red] {message}", highlight=False)
        raise typer.Exit(status)


def ctx_of(ctx: typer.Context) -> CliContext:
    found = ctx.find_root().obj
    if not isinstance(found, CliContext):  # a command run without the app callback
        found = CliContext.resolve(None, None, None, None, None)
        ctx.find_root().obj = found
    return found


@contextmanager
def registry_errors(cli: CliContext) -> Iterator[None]:
    """SDK errors as exit statuses: unreachable 3; incompatible/invalid 1; the rest 2."""
    try:
        yield
    except RegistryUnavailableError as exc:
        cli.fail(UNREACHABLE, exc.message, error_code=exc.error_code)
    except (IncompatibleSchemaError, InvalidRequestError) as exc:
        cli.fail(FAILED, exc.message, error_code=exc.error_code)
    except SchemaRegistryError as exc:
        cli.fail(USAGE, exc.message, error_code=exc.error_code)


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise typer.BadParameter(f"cannot read {path}: {exc.strerror}") from exc


def read_json(path: Path) -> Any:
    try:
        return json.loads(read_text(path))
    except ValueError as exc:
        raise typer.BadParameter(f"{path} is not JSON: {exc}") from exc
