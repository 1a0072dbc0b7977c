"""Avro schemas the API tests register."""

from __future__ import annotations

import json


def record(name: str, *fields: tuple[str, object] | tuple[str, object, object]) -> str:
    body = []
    for item in fields:
        field = {"name": item[0], "type": item[1]}
        if len(item) == 3:
            field["default"] = item[2]
        body.append(field)
    return json.dumps({"type": "record", "name": name, "fields": body})


USER_V1 = record("User", ("id", "long"))
USER_V2 = record("User", ("id", "long"), ("email", "string", ""))
USER_BREAKING = record("User", ("id", "long"), ("email", "string"))
