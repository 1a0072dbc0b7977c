"""Per-request context shared by logs, the audit trail and error reports."""

from __future__ import annotations

import itertools
import os
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="-")


# Generated ids: a random per-process prefix and a counter (cheaper than uuid4 per request).
_PREFIX = os.urandom(6).hex()
_COUNTER = itertools.count(1)


def request_id_for(incoming: bytes | None) -> str:
    """The caller's `X-Request-ID` when it is short and printable, else a new one."""
    if incoming:
        text = incoming.decode("latin-1")
        if len(text) <= 128 and text.isprintable():
            return text
    return f"{_PREFIX}-{next(_COUNTER):x}"
