"""Which versions a reader sees: every combination of soft-deleted, stored state, sunset
(none, ahead, passed) and the reader's `deleted` and `archived` flags, against tables."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from llm_schema_registry.formats.base import SchemaType
from llm_schema_registry.registry.errors import SubjectNotFoundError, VersionNotFoundError
from llm_schema_registry.registry.model import SchemaId, StoredSchema, SubjectVersion
from llm_schema_registry.registry.versions import State, Versions, holders

NOW = dt.datetime(2030, 6, 15, 12, 0, tzinfo=dt.UTC)
SUNSETS = {"none": None, "ahead": "2030-06-16", "passed": "2030-06-14T23:59:59Z"}

# (stored state, sunset) -> the state a reader sees: only a DEPRECATED version past its sunset
# date changes, before any sweeper has written it down.
READS_AS = {
    (state, sunset): State.ARCHIVED if (state, sunset) == (State.DEPRECATED, "passed") else state
    for state in State
    for sunset in SUNSETS
}

# state a reader sees -> (listed by default, listed with archived=true, servable: may be
# `latest`, handed to a serializer and checked for compatibility)
SEEN = {
    State.DRAFT: (True, True, False),
    State.ACTIVE: (True, True, True),
    State.DEPRECATED: (True, True, True),
    State.ARCHIVED: (False, True, False),
}

FLAGS = ("deleted", "state", "sunset", "with_deleted", "with_archived")
COMBINATIONS = list(itertools.product([False, True], State, SUNSETS, [False, True], [False, True]))


def version(
    number: int = 1,
    *,
    deleted: bool = False,
    state: str = State.ACTIVE,
    sunset: str | None = None,
    subject: str = "s",
) -> SubjectVersion:
    schema = StoredSchema(SchemaId(number), f"guid-{number}", SchemaType.AVRO, '"string"')
    return SubjectVersion(subject, number, schema, deleted, 0, state, sunset)


def one(deleted: bool, state: State, sunset: str) -> Versions:
    return Versions.as_of("s", [version(deleted=deleted, state=state, sunset=SUNSETS[sunset])], NOW)


@pytest.mark.parametrize(
    ("deleted", "state", "sunset", "with_deleted", "with_archived"), COMBINATIONS
)
def test_one_version_is_seen_as_the_tables_say(
    deleted: bool, state: State, sunset: str, with_deleted: bool, with_archived: bool
) -> None:
    versions = one(deleted, state, sunset)
    seen = READS_AS[(state, sunset)]
    listed, listed_archived, servable = SEEN[seen]
    shown = (not deleted or with_deleted) and (listed_archived if with_archived else listed)
    served = (not deleted or with_deleted) and servable

    assert [v.state for v in versions.every] == [seen]
    assert bool(versions.visible(deleted=with_deleted, archived=with_archived)) == shown
    assert bool(versions.live) == (not deleted)
    assert bool(versions.checked) == (not deleted and servable)
    assert bool(versions.servable(deleted=with_deleted)) == served
    assert (versions.latest(deleted=with_deleted) is not None) == served
    assert versions.exists(deleted=with_deleted) == (not deleted or with_deleted)


@pytest.mark.parametrize(
    ("deleted", "state", "sunset", "with_deleted", "with_archived"), COMBINATIONS
)
def test_a_path_names_a_version_only_where_a_listing_shows_it(
    deleted: bool, state: State, sunset: str, with_deleted: bool, with_archived: bool
) -> None:
    versions = one(deleted, state, sunset)
    shown = bool(versions.visible(deleted=with_deleted, archived=with_archived))
    if shown:
        assert versions.pick(1, deleted=with_deleted, archived=with_archived).version == 1
    else:
        with pytest.raises(VersionNotFoundError):
            versions.pick(1, deleted=with_deleted, archived=with_archived)


def test_stored_states_are_kept_when_built_without_a_moment() -> None:
    row = version(state=State.DEPRECATED, sunset=SUNSETS["passed"])
    assert Versions.stored("s", [row]).every[0].state == State.DEPRECATED
    assert Versions.as_of("s", [row], NOW).every[0].state == State.ARCHIVED


# ---- latest ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("states", "expected"),
    [
        ([State.ACTIVE, State.ACTIVE], 2),
        ([State.ACTIVE, State.DEPRECATED], 1),  # an ACTIVE version beats a newer DEPRECATED one
        ([State.DEPRECATED, State.DEPRECATED], 2),
        ([State.ACTIVE, State.DRAFT], 1),  # never a DRAFT
        ([State.DEPRECATED, State.ARCHIVED], 1),  # never an ARCHIVED one
        ([State.DRAFT, State.ARCHIVED], None),
    ],
)
def test_latest_is_the_highest_active_else_the_highest_deprecated(
    states: list[State], expected: int | None
) -> None:
    rows = [version(n, state=s, sunset=SUNSETS["ahead"]) for n, s in enumerate(states, 1)]
    found = Versions.as_of("s", rows, NOW).latest()
    assert (found.version if found else None) == expected


def test_latest_skips_soft_deleted_versions_unless_asked() -> None:
    versions = Versions.as_of("s", [version(1), version(2, deleted=True)], NOW)
    assert versions.pick("latest").version == 1
    assert versions.pick(-1, deleted=True).version == 2


def test_a_sunset_passing_moves_latest_back() -> None:
    rows = [version(1), version(2, state=State.DEPRECATED, sunset="2030-06-15T12:00:00Z")]
    assert Versions.as_of("s", rows, NOW).pick("latest").version == 1  # ACTIVE wins anyway
    rows = [version(1, state=State.DEPRECATED, sunset="2030-06-20"), rows[1]]
    assert Versions.as_of("s", rows, NOW).pick("latest").version == 2  # not passed at NOW
    later = NOW + dt.timedelta(seconds=1)
    assert Versions.as_of("s", rows, later).pick("latest").version == 1


def test_no_latest_names_latest_in_the_error() -> None:
    versions = Versions.as_of("s", [version(1, state=State.DRAFT)], NOW)
    with pytest.raises(VersionNotFoundError, match=r"^Version latest not found\.$"):
        versions.pick("latest")


# ---- naming and numbering ------------------------------------------------------------------


def test_a_subject_with_only_soft_deleted_versions_exists_only_for_deleted_readers() -> None:
    versions = Versions.as_of("s", [version(1, deleted=True)], NOW)
    with pytest.raises(SubjectNotFoundError):
        versions.require()
    assert versions.require(deleted=True) is versions
    with pytest.raises(SubjectNotFoundError):
        Versions.as_of("s", [], NOW).require(deleted=True)


def test_numbers_count_every_stored_version() -> None:
    rows = [version(1, deleted=True), version(2, state=State.ARCHIVED)]
    versions = Versions.as_of("s", rows, NOW)
    assert versions.next_number == 3
    assert versions.numbered(1) == rows[0]
    assert versions.numbered(3) is None
    assert Versions.as_of("s", [], NOW).next_number == 1


def test_versions_of_many_subjects_are_grouped_in_order() -> None:
    rows = [version(1, subject="a"), version(2, subject="a"), version(1, subject="b")]
    grouped = Versions.by_subject(rows, NOW)
    assert [(g.subject, [v.version for v in g.every]) for g in grouped] == [
        ("a", [1, 2]),
        ("b", [1]),
    ]


def test_the_next_sunset_is_the_earliest_ahead() -> None:
    rows = [
        version(1, state=State.DEPRECATED, sunset="2030-06-20"),
        version(2, state=State.DEPRECATED, sunset="2030-06-17T00:00:00Z"),
        version(3, state=State.DEPRECATED, sunset=SUNSETS["passed"]),
        version(4, state=State.DEPRECATED, sunset="2030-06-16", deleted=True),
    ]
    expected = dt.datetime(2030, 6, 17, tzinfo=dt.UTC)
    assert Versions.as_of("s", rows, NOW).next_sunset == expected
    assert Versions.as_of("s", [version(1)], NOW).next_sunset is None


def test_holders_of_a_schema_hide_soft_deleted_ones_unless_asked() -> None:
    rows = [("a", 1, False), ("b", 2, True)]
    assert holders(rows) == [("a", 1)]
    assert holders(rows, deleted=True) == [("a", 1), ("b", 2)]
