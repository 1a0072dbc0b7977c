"""Per-request context shared by logs, the audit trail and error reports."""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("request_id", default="-")
