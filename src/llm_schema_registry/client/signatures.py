"""Verifying schema signatures offline: only `cryptography`, no server code.

The primitives live in the neutral `llm_schema_registry.signatures` (the server signs with
the same ones); this module keeps the SDK's import path::

    document = client.get(f"/schemas/ids/{schema_id}/signature").json()
    keys = client.get("/keys").json()
    assert verify_document(document, keys, canonical=schema_text_i_hold)
"""

from __future__ import annotations

from llm_schema_registry.signatures import digest_of, verify_document

__all__ = ["digest_of", "verify_document"]
