"""The ceiling: a bare ASGI callable answering `GET /schemas/ids/{id}` from a dict of bytes.

Served by the same ASGI server as the registry, so `hot_path.py` can report the registry's
throughput as a fraction of what the server itself can do. Bodies come from the JSON file
named by RAW_ASGI_BODIES ({"<id>": "<body>"}).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

_BODIES = {
    int(k): v.encode()
    for k, v in json.loads(Path(os.environ["RAW_ASGI_BODIES"]).read_text()).items()
}
_PREFIX = "/schemas/ids/"
_HEADERS = [(b"content-type", b"application/vnd.schemaregistry.v1+json")]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    body = _BODIES.get(int(scope["path"][len(_PREFIX) :]), b"{}")
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [*_HEADERS, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
