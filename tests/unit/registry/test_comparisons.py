"""Compatibility results remembered between immutable schemas (`verdicts.Comparisons`)."""

from __future__ import annotations

import json

from registry_support import record

from llm_schema_registry.formats import format_for
from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.verdicts import Comparisons


async def test_a_repeated_check_answers_what_the_first_did(registry: RegistryService) -> None:
    await registry.config.set_config("s", {"compatibility": "FULL_TRANSITIVE"})
    await registry.register("s", record())
    await registry.register("s", record("a"))
    breaking = record(required="b")
    fine = record("a", "c")
    first = await registry.check_compatibility("s", None, breaking)
    assert first  # incompatible: a required field without a default
    assert await registry.check_compatibility("s", None, breaking) == first
    assert await registry.check_compatibility("s", None, fine) == []
    assert await registry.check_compatibility("s", None, fine) == []


def test_results_are_remembered_only_for_keyed_schemas() -> None:
    fmt = format_for(SchemaType.AVRO)
    old = fmt.parse(json.dumps({"type": "record", "name": "E", "fields": []}), ())
    new = fmt.parse(
        json.dumps({"type": "record", "name": "E", "fields": [{"name": "x", "type": "int"}]}), ()
    )
    comparisons = Comparisons(capacity=1)
    keyed = comparisons.can_read(SchemaType.AVRO, {id(old): ("id", 1), id(new): ("text", b"n")})
    found = keyed(new, old)
    assert found and keyed(new, old) is found  # the same tuple: remembered
    assert keyed(old, new) == ()  # the other direction: compared, then remembered instead
    assert keyed(new, old) is not found  # capacity 1: the first result was let go
    unkeyed = comparisons.can_read(SchemaType.AVRO, {id(old): ("id", 1)})
    assert list(unkeyed(new, old)) == list(found)
    assert unkeyed(new, old) is not unkeyed(new, old)  # computed afresh each time
