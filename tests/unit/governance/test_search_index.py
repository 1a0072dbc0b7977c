"""Subject search: the index's queries over versions built by hand, and the cached search over
the registry's reads on a real store."""

from __future__ import annotations

import datetime as dt

import pytest
from registry_support import MovableClock, record, set_state

from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.governance.search import SearchIndex, SubjectQuery, is_glob
from llm_schema_registry.governance.service import GovernanceService
from llm_schema_registry.registry.model import JsonObject, SchemaId, StoredSchema, SubjectVersion
from llm_schema_registry.registry.service import RegistryService
from llm_schema_registry.registry.versions import State, Versions
from llm_schema_registry.storage.cached import JOURNAL_LENGTH, CachedStore, _Cache
from llm_schema_registry.storage.known import KnownSchemas

NOW = dt.datetime(2030, 6, 15, tzinfo=dt.UTC)


def version(
    subject: str,
    number: int = 1,
    *,
    metadata: JsonObject | None = None,
    state: State = State.ACTIVE,
    sunset: str | None = None,
    deleted: bool = False,
) -> SubjectVersion:
    schema = StoredSchema(SchemaId(number), "", SchemaType.AVRO, '"int"', metadata=metadata)
    return SubjectVersion(subject, number, schema, deleted, 0, state, sunset)


def about(owner: str, tags: str = "", description: str = "") -> JsonObject:
    return {"properties": {"owner": owner, "tags": tags, "description": description}}


@pytest.fixture
def index() -> SearchIndex:
    rows = [
        version("billing.invoices", metadata=about("team-a", "gold, pii", "Invoices issued")),
        version("billing.refunds", metadata=about("team-b", "bronze")),
        version("chat.turns", 1, metadata=about("team-a")),
        version("chat.turns", 2, metadata=about("team-c"), state=State.DRAFT),
        version("old.thing", state=State.DEPRECATED, sunset="2030-06-14", metadata=about("x")),
        version("gone", deleted=True, metadata=about("team-a")),
    ]
    return SearchIndex(Versions.by_subject(rows, NOW))


@pytest.mark.parametrize(
    ("prefix", "query", "found"),
    [
        ("", SubjectQuery(owner="team-a"), ["billing.invoices", "chat.turns"]),
        ("", SubjectQuery(tag="pii"), ["billing.invoices"]),
        ("", SubjectQuery(query="ISSUED"), ["billing.invoices"]),  # the description
        ("", SubjectQuery(query="REFUND"), ["billing.refunds"]),  # the name
        ("billing.", SubjectQuery(owner="team-b"), ["billing.refunds"]),
        ("", SubjectQuery(state="archived"), ["old.thing"]),  # its sunset has passed
        ("", SubjectQuery(state="ACTIVE", tag="bronze"), ["billing.refunds"]),
        ("*.turns", SubjectQuery(glob="*.turns"), ["chat.turns"]),
        ("", SubjectQuery(glob="billing*"), ["billing.invoices", "billing.refunds"]),
        ("", SubjectQuery(owner="nobody"), []),
    ],
)
def test_every_criterion_must_match_the_latest_version(
    index: SearchIndex, prefix: str, query: SubjectQuery, found: list[str]
) -> None:
    assert index.search(prefix, query) == found


def test_the_latest_version_speaks_for_its_subject_not_a_newer_draft(index: SearchIndex) -> None:
    assert index.search("", SubjectQuery(owner="team-c")) == []


def test_a_subject_without_a_latest_version_is_known_by_its_newest(index: SearchIndex) -> None:
    rows = [version("d", 1, state=State.DRAFT, metadata=about("team-d"))]
    assert SearchIndex(Versions.by_subject(rows, NOW)).search("", SubjectQuery(state="DRAFT")) == [
        "d"
    ]


def test_soft_deleted_subjects_are_never_found(index: SearchIndex) -> None:
    assert "gone" not in index.search("", SubjectQuery(owner="team-a"))


def test_the_index_is_fresh_until_the_next_sunset() -> None:
    rows = [version("s", state=State.DEPRECATED, sunset="2030-06-20T00:00:00Z")]
    index = SearchIndex(Versions.by_subject(rows, NOW))
    assert index.fresh(dt.datetime(2030, 6, 20, tzinfo=dt.UTC))
    assert not index.fresh(dt.datetime(2030, 6, 20, 0, 0, 1, tzinfo=dt.UTC))
    assert SearchIndex([]).fresh(NOW)


@pytest.mark.parametrize(
    ("prefix", "glob"), [("a*", True), ("a?", True), ("[ab]", True), ("a.b", False)]
)
def test_glob_characters_make_a_prefix_a_glob(prefix: str, glob: bool) -> None:
    assert is_glob(prefix) is glob


def test_an_empty_query_asks_for_nothing() -> None:
    assert SubjectQuery().empty
    assert not SubjectQuery(tag="x").empty


# ---- over the store ----------------------------------------------------------------------


async def test_the_search_sees_writes_and_passing_sunsets(
    registry: RegistryService,
    governance: GovernanceService,
    store: CachedStore,
    clock: MovableClock,
) -> None:
    active = SubjectQuery(state="ACTIVE")
    assert await governance.search("", active) == []
    await registry.register("a", record())
    assert await governance.search("", active) == ["a"]  # a write moves the change counter
    await registry.register("a", record("x"))
    await set_state(store, "a", 2, State.DEPRECATED, clock.date_in(1))
    await set_state(store, "a", 1, State.DEPRECATED, clock.date_in(3))
    assert await governance.search("", SubjectQuery(state="DEPRECATED")) == ["a"]
    clock.advance(days=5)  # no write: both sunsets pass
    assert await governance.search("", SubjectQuery(state="ARCHIVED")) == ["a"]


async def test_the_index_is_kept_while_the_change_counter_stands(
    registry: RegistryService, governance: GovernanceService, store: CachedStore
) -> None:
    await registry.register("a", record())
    assert await governance.search("", SubjectQuery(state="ACTIVE")) == ["a"]
    async with store.inner.write() as tx:  # beneath the counter: nobody announced it
        await tx.set_lifecycle("a", 1, State.DRAFT, None, None)
    assert await governance.search("", SubjectQuery(state="ACTIVE")) == ["a"]
    store.invalidate("a")  # what the change feed does when another node writes
    assert await governance.search("", SubjectQuery(state="ACTIVE")) == []


def test_an_update_adds_replaces_and_removes_subjects_in_order(index: SearchIndex) -> None:
    index.update(
        Versions.by_subject(
            [
                version("a.first", metadata=about("team-z")),
                version("billing.refunds", metadata=about("team-z")),
                version("chat.turns", deleted=True),
            ],
            NOW,
        )
    )
    assert index.search("", SubjectQuery(owner="team-z")) == ["a.first", "billing.refunds"]
    assert index.search("", SubjectQuery(state="ACTIVE")) == [
        "a.first",
        "billing.invoices",
        "billing.refunds",
    ]
    index.update(
        Versions.by_subject([version("zz", state=State.DEPRECATED, sunset="2030-06-16")], NOW)
    )
    assert index.search("", SubjectQuery(glob="*"))[-1] == "zz"
    assert not index.fresh(dt.datetime(2030, 6, 17, tzinfo=dt.UTC))  # its sunset counts


async def test_a_change_rereads_only_the_subjects_it_names(
    registry: RegistryService, governance: GovernanceService, store: CachedStore
) -> None:
    await registry.register("a", record())
    await registry.register("b", record())
    active = SubjectQuery(state="ACTIVE")
    assert await governance.search("", active) == ["a", "b"]
    async with store.inner.write() as tx:  # beneath the counter, then announced for b only
        await tx.set_lifecycle("a", 1, State.DRAFT, None, None)
        await tx.set_lifecycle("b", 1, State.DRAFT, None, None)
    store.invalidate("b")
    assert await governance.search("", active) == ["a"]  # "a" was not re-read
    store.invalidate("*")  # a change of unknown extent: everything is read again
    assert await governance.search("", active) == []


def test_the_change_journal_names_subjects_until_it_cannot() -> None:
    cache = _Cache(KnownSchemas())
    start = cache.generation
    assert cache.changed_since(start) == set()
    cache.invalidate("a")
    cache.invalidate("b")
    cache.invalidate("a")
    assert cache.changed_since(start) == {"a", "b"}
    assert cache.changed_since(start + 2) == {"a"}
    cache.invalidate("")  # registry-wide settings: no subject list says what changed
    assert cache.changed_since(start) is None
    assert cache.changed_since(cache.generation) == set()
    later = cache.generation
    for n in range(JOURNAL_LENGTH + 1):
        cache.invalidate(f"s{n}")
    assert cache.changed_since(later) is None  # overrun
