"""`POST /schemas/bulk` answers a key limited to some subjects only with schemas one of those
subjects holds: the others are `missing`, as if they did not exist."""

from __future__ import annotations

from pathlib import Path

from secsupport import AVRO_V1, api_key, make_key, secured_client

OTHER = '{"type":"record","name":"Invoice","fields":[{"name":"n","type":"long"}]}'
SHARED = '{"type":"record","name":"Shared","fields":[{"name":"s","type":"string"}]}'


async def test_a_scoped_keys_bulk_read_returns_only_its_subjects(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/r.db"
    _, admin = await make_key(url, "admin")
    _, telemetry = await make_key(url, "consumer", ("telemetry.*",))
    async with secured_client(url) as client:
        ids = {}
        for subject, schema in (
            ("telemetry.events", AVRO_V1),
            ("billing.invoices", OTHER),
            ("billing.shared", SHARED),
            ("telemetry.shared", SHARED),
        ):
            made = await client.post(
                f"/subjects/{subject}/versions", json={"schema": schema}, headers=api_key(admin)
            )
            assert made.status_code == 200, made.text
            ids[subject] = made.json()["id"]
        asked = {
            "ids": [ids["telemetry.events"], ids["billing.invoices"], ids["billing.shared"], 999]
        }

        scoped = await client.post("/schemas/bulk", json=asked, headers=api_key(telemetry))
        everything = await client.post("/schemas/bulk", json=asked, headers=api_key(admin))

    assert scoped.status_code == 200, scoped.text
    body = scoped.json()
    assert [(s["id"], s["subjects"]) for s in body["schemas"]] == [
        (ids["telemetry.events"], ["telemetry.events"]),
        (ids["billing.shared"], ["telemetry.shared"]),  # held in scope too: readable
    ]
    assert sorted(body["missing"]) == sorted([999, ids["billing.invoices"]])
    assert "Invoice" not in scoped.text and "billing" not in scoped.text
    assert [(s["id"], s["subjects"]) for s in everything.json()["schemas"]] == [
        (ids["telemetry.events"], ["telemetry.events"]),
        (ids["billing.invoices"], ["billing.invoices"]),
        (ids["billing.shared"], ["billing.shared", "telemetry.shared"]),
    ]
    assert everything.json()["missing"] == [999]
