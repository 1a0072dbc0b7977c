"""Version specs in paths (`1`, `latest`, `-1`) and sunset dates, as the registry reads them."""

from __future__ import annotations

import datetime as dt

import pytest

from llm_schema_registry.registry.errors import InvalidLifecycleRequestError, InvalidVersionError
from llm_schema_registry.registry.model import MAX_VERSION
from llm_schema_registry.registry.versions import epoch_ms, parse_sunset, parse_version


@pytest.mark.parametrize(
    ("spec", "number"),
    [
        ("latest", None),
        ("LATEST", None),
        (-1, None),
        ("-1", None),
        (1, 1),
        ("7", 7),
        (" 3 ", 3),
        (MAX_VERSION, MAX_VERSION),
    ],
)
def test_valid_specs_name_a_number_or_latest(spec: str | int, number: int | None) -> None:
    assert parse_version(spec) == number


@pytest.mark.parametrize("spec", [0, "0", MAX_VERSION + 1, -2, "abc", "1.5", "", "+1", "0x1"])
def test_anything_else_is_an_invalid_version(spec: str | int) -> None:
    with pytest.raises(InvalidVersionError):
        parse_version(spec)


def test_a_sunset_date_means_the_end_of_that_day_in_utc() -> None:
    assert parse_sunset("2030-01-31") == dt.datetime(2030, 1, 31, 23, 59, 59, 999999, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2030-01-31T10:00:00Z", dt.datetime(2030, 1, 31, 10, tzinfo=dt.UTC)),
        ("2030-01-31T12:00:00+02:00", dt.datetime(2030, 1, 31, 10, tzinfo=dt.UTC)),
    ],
)
def test_a_sunset_date_time_keeps_its_offset(text: str, moment: dt.datetime) -> None:
    assert parse_sunset(text) == moment


@pytest.mark.parametrize("text", ["2030-01-31T10:00:00", "tomorrow", "2030-13-01", ""])
def test_a_sunset_needs_a_real_date_and_a_zone(text: str) -> None:
    with pytest.raises(InvalidLifecycleRequestError):
        parse_sunset(text)


def test_versions_are_stamped_in_epoch_milliseconds() -> None:
    assert epoch_ms(dt.datetime(1970, 1, 1, 0, 0, 1, 500000, tzinfo=dt.UTC)) == 1500
