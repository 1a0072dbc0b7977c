"""Records validated per second: a typical 20-field event, per format, with and without rules.

Measures the same `Validator` that `POST /validate` uses, in-process (the HTTP request is
per batch, so per-record cost is what scales), on one core.

    .venv/bin/python bench/validation.py [--records 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time

import httpx
from asgi_lifespan import LifespanManager

from llm_schema_registry.api.app import create_app
from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.settings import Settings
from llm_schema_registry.validation import Validator

FIELDS = [(f"attr_{i}", "string") for i in range(10)] + [(f"count_{i}", "long") for i in range(10)]
RULES = {
    "domainRules": [
        {
            "name": "nonNegative",
            "kind": "CONDITION",
            "type": "CEL",
            "expr": "message.count_0 >= 0 && message.count_1 >= 0",
        },
    ]
}


def schemas() -> dict[SchemaType, str]:
    json_types = {"string": "string", "long": "integer"}
    proto_types = {"string": "string", "long": "int64"}
    return {
        SchemaType.JSON: json.dumps(
            {
                "type": "object",
                "required": [n for n, _ in FIELDS],
                "properties": {n: {"type": json_types[t]} for n, t in FIELDS},
            }
        ),
        SchemaType.AVRO: json.dumps(
            {
                "type": "record",
                "name": "Event",
                "fields": [{"name": n, "type": t} for n, t in FIELDS],
            }
        ),
        SchemaType.PROTOBUF: 'syntax = "proto3";\nmessage Event {\n'
        + "".join(f"  {proto_types[t]} {n} = {i + 1};\n" for i, (n, t) in enumerate(FIELDS))
        + "}\n",
    }


def record(n: int) -> dict[str, object]:
    return {name: (f"value-{n}" if kind == "string" else n) for name, kind in FIELDS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()
    records = [record(n) for n in range(args.records)]
    print(f"validation of a 20-field event, {args.records} records, one core")
    for schema_type, text in schemas().items():
        parsed = format_for(schema_type).parse(text)
        for label, rules in (("no rules", None), ("1 CEL rule", RULES)):
            validator = Validator.for_schema(schema_type, parsed, rules)
            started = time.perf_counter()
            invalid = sum(not validator.validate(r).valid for r in records)
            rate = args.records / (time.perf_counter() - started)
            print(f"  {schema_type.value:9} {label:11} {rate:9,.0f} records/s  ({invalid} invalid)")
    asyncio.run(over_http(records[:1000]))


async def over_http(batch: list[dict[str, object]], rounds: int = 10) -> None:
    """The same through `POST /validate` with batches of 1,000 (in-process ASGI, SQLite)."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Settings(database_url=f"sqlite:///{tmp}/bench.db"))  # type: ignore[arg-type]
        async with LifespanManager(app) as manager:
            transport = httpx.ASGITransport(app=manager.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://b") as client:
                print(f"POST /validate, batches of {len(batch)} records, {rounds} rounds")
                for schema_type, text in schemas().items():
                    subject = f"bench-{schema_type.value.lower()}"
                    reply = await client.post(
                        f"/subjects/{subject}/versions",
                        json={"schema": text, "schemaType": schema_type.value, "ruleSet": RULES},
                    )
                    reply.raise_for_status()
                    started, cpu = time.perf_counter(), time.process_time()
                    for _ in range(rounds):
                        reply = await client.post(
                            "/validate", json={"subject": subject, "records": batch}
                        )
                        reply.raise_for_status()
                    rate = rounds * len(batch) / (time.perf_counter() - started)
                    # per CPU second of this process (client and server): what the machine's
                    # other load does not change
                    per_cpu = rounds * len(batch) / (time.process_time() - cpu)
                    print(
                        f"  {schema_type.value:9} 1 CEL rule  {rate:9,.0f} records/s  "
                        f"({per_cpu:,.0f} per CPU second)"
                    )


if __name__ == "__main__":
    main()
