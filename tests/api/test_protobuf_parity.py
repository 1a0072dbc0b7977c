"""Protobuf parity with Confluent: the built-in imports of `ProtobufSchema.KNOWN_DEPENDENCIES`
(google/type/*, confluent/type/variant.proto) and options its parser accepts undefined."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

# Every google/type file Confluent resolves without a reference, with a message it declares.
GOOGLE_TYPES = {
    "calendar_period": "CalendarPeriod",
    "color": "Color",
    "date": "Date",
    "datetime": "DateTime",
    "dayofweek": "DayOfWeek",
    "decimal": "Decimal",
    "expr": "Expr",
    "fraction": "Fraction",
    "interval": "Interval",
    "latlng": "LatLng",
    "money": "Money",
    "month": "Month",
    "phone_number": "PhoneNumber",
    "postal_address": "PostalAddress",
    "quaternion": "Quaternion",
    "timeofday": "TimeOfDay",
}

SHIPMENT_V1 = """syntax = "proto3";
package shop;

import "google/type/color.proto";
import "google/type/postal_address.proto";
import "google/type/date.proto";
import "google/type/money.proto";
import "google/type/latlng.proto";
import "confluent/type/variant.proto";

message Shipment {
  google.type.PostalAddress to = 1;
  google.type.Date due = 2;
  google.type.Money price = 3;
  google.type.LatLng where = 4;
  google.type.Color label = 5;
  confluent.type.Variant extra = 6;
}
"""

UNDEFINED_OPTIONS = """syntax = "proto3";
package shop;

option (file_owner) = "payments";

message Order {
  option (table) = { name: "orders" shards: 4 };

  string id = 1 [(pii) = false, deprecated = true];

  oneof choice {
    option (my_option) = true;
    string card = 2;
    string iban = 3 [(masked) = true];
  }
}

enum State {
  option (enum_note) = "states";
  NEW = 0 [(label) = "new"];
}
"""


async def register(client: httpx.AsyncClient, subject: str, text: str, **extra: Any) -> Any:
    reply = await client.post(
        f"/subjects/{subject}/versions", json={"schema": text, "schemaType": "PROTOBUF", **extra}
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


async def compatible(client: httpx.AsyncClient, subject: str, text: str) -> Any:
    reply = await client.post(
        f"/compatibility/subjects/{subject}/versions/latest?verbose=true",
        json={"schema": text, "schemaType": "PROTOBUF"},
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


# ---- built-in imports ---------------------------------------------------------------------


async def test_google_type_and_variant_imports_register_without_references(
    client: httpx.AsyncClient,
) -> None:
    schema_id = (await register(client, "shipment", SHIPMENT_V1))["id"]
    stored = (await client.get(f"/schemas/ids/{schema_id}")).json()
    assert stored["schemaType"] == "PROTOBUF" and "references" not in stored
    for line in ('import "google/type/postal_address.proto";', "confluent.type.Variant extra"):
        assert line in stored["schema"]
    # The registered text is found again under its subject, as Confluent finds it.
    found = await client.post(
        "/subjects/shipment", json={"schema": SHIPMENT_V1, "schemaType": "PROTOBUF"}
    )
    assert found.status_code == 200 and found.json()["id"] == schema_id


async def test_every_google_type_confluent_lists_is_built_in(client: httpx.AsyncClient) -> None:
    imports = "".join(f'import "google/type/{name}.proto";\n' for name in GOOGLE_TYPES)
    fields = "".join(
        f"  google.type.{message} f{number} = {number};\n"
        for number, message in enumerate(GOOGLE_TYPES.values(), start=1)
    )
    text = f'syntax = "proto3";\npackage all;\n{imports}message Everything {{\n{fields}}}\n'
    await register(client, "everything", text)


async def test_compatibility_between_versions_using_google_types(
    client: httpx.AsyncClient,
) -> None:
    await register(client, "shipment", SHIPMENT_V1)
    # A new field of another built-in type: compatible, and registers as version 2.
    v2 = SHIPMENT_V1.replace(
        'import "confluent/type/variant.proto";',
        'import "confluent/type/variant.proto";\nimport "google/type/timeofday.proto";',
    ).replace(
        "  confluent.type.Variant extra = 6;\n",
        "  confluent.type.Variant extra = 6;\n  google.type.TimeOfDay cutoff = 7;\n",
    )
    assert (await compatible(client, "shipment", v2))["is_compatible"] is True
    assert (await register(client, "shipment", v2))["id"] > 0
    # The price as a google.type.Decimal instead of google.type.Money: another message type.
    v3 = v2.replace('import "google/type/money.proto";', 'import "google/type/decimal.proto";')
    v3 = v3.replace("google.type.Money price", "google.type.Decimal price")
    verdict = await compatible(client, "shipment", v3)
    assert verdict["is_compatible"] is False
    assert any("FIELD_NAMED_TYPE_CHANGED" in message for message in verdict["messages"])
    refused = await client.post(
        "/subjects/shipment/versions", json={"schema": v3, "schemaType": "PROTOBUF"}
    )
    assert refused.status_code == 409 and refused.json()["error_code"] == 40901


async def test_records_of_google_types_validate(client: httpx.AsyncClient) -> None:
    schema_id = (await register(client, "shipment", SHIPMENT_V1))["id"]
    good = {"due": {"year": 2026, "month": 5, "day": 1}, "price": {"currency_code": "EUR"}}
    reply = await client.post("/validate", json={"schema_id": schema_id, "data": good})
    assert reply.json()["valid"] is True, reply.text
    bad = {"due": {"year": "soon"}}
    reply = await client.post("/validate", json={"schema_id": schema_id, "data": bad})
    assert reply.json()["valid"] is False


async def test_a_google_type_confluent_does_not_list_needs_a_reference(
    sqlite_client: httpx.AsyncClient,
) -> None:
    text = 'syntax = "proto3";\nimport "google/type/localized_text.proto";\nmessage M {}\n'
    reply = await sqlite_client.post(
        "/subjects/m/versions", json={"schema": text, "schemaType": "PROTOBUF"}
    )
    assert reply.status_code == 422 and reply.json()["error_code"] == 42201
    assert "google/type/localized_text.proto" in reply.json()["message"]


# ---- options without a definition ---------------------------------------------------------


async def test_undefined_custom_options_register_and_read_back(client: httpx.AsyncClient) -> None:
    schema_id = (await register(client, "orders", UNDEFINED_OPTIONS))["id"]
    text = (await client.get("/subjects/orders/versions/1/schema")).text
    stored = (await client.get(f"/schemas/ids/{schema_id}")).json()["schema"]
    assert stored == (
        'syntax = "proto3";\n'
        "package shop;\n"
        "\n"
        'option (file_owner) = "payments";\n'
        "\n"
        "message Order {\n"
        "  option (table) = {\n"
        '    name: "orders",\n'
        "    shards: 4\n"
        "  };\n"
        "\n"
        "  string id = 1 [\n"
        "    deprecated = true,\n"
        "    (pii) = false\n"
        "  ];\n"
        "\n"
        "  oneof choice {\n"
        "    option (my_option) = true;\n"
        "  \n"
        "    string card = 2;\n"
        "    string iban = 3 [(masked) = true];\n"
        "  }\n"
        "}\n"
        "enum State {\n"
        '  option (enum_note) = "states";\n'
        '  NEW = 0 [(label) = "new"];\n'
        "}\n"
    )
    assert text == stored
    # Round trip: the stored text, and the original again, are the same schema.
    assert (await register(client, "orders", stored))["id"] == schema_id
    assert (await register(client, "orders", UNDEFINED_OPTIONS))["id"] == schema_id
    listed = (await client.get("/subjects/orders/versions")).json()
    assert listed == [1]


async def test_undefined_options_survive_serialized_and_ignore_extensions_forms(
    sqlite_client: httpx.AsyncClient,
) -> None:
    schema_id = (await register(sqlite_client, "orders", UNDEFINED_OPTIONS))["id"]
    serialized = (await sqlite_client.get(f"/schemas/ids/{schema_id}?format=serialized")).json()[
        "schema"
    ]
    assert base64.b64decode(serialized)
    assert (await register(sqlite_client, "orders", serialized))["id"] == schema_id
    plain = (await sqlite_client.get(f"/schemas/ids/{schema_id}?format=ignore_extensions")).json()[
        "schema"
    ]
    assert "my_option" not in plain and "(pii)" not in plain
    assert "string id = 1 [deprecated = true];" in plain


async def test_a_reference_with_undefined_options(client: httpx.AsyncClient) -> None:
    dependency = (
        'syntax = "proto3";\npackage shared;\n'
        'message Money {\n  option (audited) = true;\n  int64 cents = 1 [(unit) = "cent"];\n}\n'
    )
    await register(client, "money", dependency)
    text = (
        'syntax = "proto3";\nimport "shared/money.proto";\n'
        "message Invoice {\n  shared.Money total = 1 [(shown) = true];\n}\n"
    )
    refs = [{"name": "shared/money.proto", "subject": "money", "version": 1}]
    schema_id = (await register(client, "invoice", text, references=refs))["id"]
    stored = (await client.get(f"/schemas/ids/{schema_id}")).json()["schema"]
    assert "[(shown) = true]" in stored


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A known option with a value of the wrong type is still an error, with its place.
        ('syntax = "proto3";\noption java_package = 5;\nmessage M {}\n', "line 2"),
        # So is an undefined option written wrongly.
        ('syntax = "proto3";\nmessage M {\n  option (x) = ;\n}\n', "line 3"),
    ],
)
async def test_malformed_options_are_still_refused(
    sqlite_client: httpx.AsyncClient, text: str, expected: str
) -> None:
    reply = await sqlite_client.post(
        "/subjects/bad/versions", json={"schema": text, "schemaType": "PROTOBUF"}
    )
    assert reply.status_code == 422, reply.text
    assert reply.json()["error_code"] == 42201 and expected in reply.json()["message"]
