"""`llm-schema verify ID`: check a schema's signature against the registry's published keys."""

from __future__ import annotations

import base64

import httpx
import typer


def verify(ctx: typer.Context, schema_id: int = typer.Argument(..., help="Schema id")) -> None:
    """Exit 0 when the signature is valid, 1 when not (3: registry unreachable)."""
    from llm_schema_registry.security.signing import verify_document

    headers: dict[str, str] = {}
    obj = ctx.obj
    if obj is not None and obj.api_key:
        headers["X-API-Key"] = obj.api_key
    elif obj is not None and obj.basic_auth:
        headers["Authorization"] = "Basic " + base64.b64encode(obj.basic_auth.encode()).decode()
    elif obj is not None and obj.token:
        headers["Authorization"] = f"Bearer {obj.token}"
    url = obj.url if obj is not None else "http://127.0.0.1:8081"
    try:
        with httpx.Client(base_url=url, headers=headers, timeout=10) as client:
            document = client.get(f"/schemas/ids/{schema_id}/signature")
            keys = client.get("/keys")
            schema = client.get(f"/schemas/ids/{schema_id}")
    except httpx.HTTPError as error:
        typer.echo(f"registry unreachable: {error}", err=True)
        raise typer.Exit(3) from None
    if document.status_code != 200 or schema.status_code != 200:
        typer.echo(f"no signature for schema {schema_id}: HTTP {document.status_code}")
        raise typer.Exit(1)
    # Verify against the text the registry serves now, not only the text in the document.
    if verify_document(document.json(), keys.json(), canonical=schema.json()["schema"]):
        typer.echo(f"schema {schema_id}: signature valid (kid {document.json()['kid']})")
        return
    typer.echo(f"schema {schema_id}: signature INVALID")
    raise typer.Exit(1)
