"""The catalog index: search over name, description and tags; filters; sorting; pages."""

from __future__ import annotations

import datetime as dt

from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.governance.catalog import CatalogIndex, CatalogQuery
from llm_schema_registry.registry.model import StoredSchema, SubjectVersion
from llm_schema_registry.registry.versions import Versions

NOW = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def subject(name: str, owner: str, tags: str, ts: int, versions: int = 1) -> Versions:
    metadata = {"properties": {"owner": owner, "tags": tags, "description": f"About {name}"}}
    schema = StoredSchema(1, "g", SchemaType("AVRO"), "{}", metadata=metadata)
    rows = [SubjectVersion(name, n, schema, ts=ts + n) for n in range(1, versions + 1)]
    return Versions.as_of(name, rows, NOW)


INDEX = CatalogIndex.build(
    [
        subject("orders", "team-a", "gold, pii", 30, versions=3),
        subject("billing", "team-b", "gold", 10),
        subject("search", "team-a", "bronze", 20),
    ]
)


def names(query: CatalogQuery) -> list[str]:
    return [e.subject for e in INDEX.query(query).entries]


def test_search_matches_names_descriptions_and_tags() -> None:
    assert names(CatalogQuery(search="ORD")) == ["orders"]
    assert names(CatalogQuery(search="about bill")) == ["billing"]
    assert names(CatalogQuery(search="pii")) == ["orders"]


def test_filters_and_the_values_they_offer() -> None:
    assert names(CatalogQuery(tag="gold", owner="team-a")) == ["orders"]
    assert (INDEX.owners, INDEX.tags, INDEX.formats) == (
        ["team-a", "team-b"],
        ["bronze", "gold", "pii"],
        ["AVRO"],
    )


def test_sorting_and_paging() -> None:
    assert names(CatalogQuery(sort="updated", descending=True)) == ["orders", "search", "billing"]
    assert names(CatalogQuery(sort="versions", descending=True))[0] == "orders"
    page = INDEX.query(CatalogQuery(size=2, page=2))
    assert ([e.subject for e in page.entries], page.total, page.pages) == (["search"], 3, 2)
    assert INDEX.query(CatalogQuery(size=2, page=9)).page == 2


def test_what_a_reader_may_not_see_is_not_counted() -> None:
    page = INDEX.query(CatalogQuery(), visible=lambda s: s != "billing")
    assert ([e.subject for e in page.entries], page.total) == (["orders", "search"], 2)
