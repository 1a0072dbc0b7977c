"""Tool and schema names every provider accepts: `^[a-zA-Z0-9_-]{1,64}$`.

OpenAI (`json_schema.name`, function names), Anthropic (tool `name`), Gemini (function
declarations) and MCP each have a name pattern; this one is inside all of them.
"""

from __future__ import annotations

import hashlib
import re

NAME_PATTERN = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
MAX_NAME = 64
_INVALID = re.compile(r"[^a-zA-Z0-9_-]+")


def provider_name(subject: str) -> str:
    """A valid name derived from a subject: invalid runs become `_`; names too long keep
    their start and end in an 8-hex-digit digest of the subject, so they stay distinct."""
    name = _INVALID.sub("_", subject).strip("_") or "schema"
    if len(name) > MAX_NAME:
        digest = hashlib.sha256(subject.encode()).hexdigest()[:8]
        name = f"{name[: MAX_NAME - 9]}_{digest}"
    return name
