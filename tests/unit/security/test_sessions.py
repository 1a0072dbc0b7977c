"""Session cookies: signed, expiring, verified by any configured key, CSRF tokens bound to
one session."""

from __future__ import annotations

import pytest

from llm_schema_registry.security.principals import Grant, Principal
from llm_schema_registry.security.sessions import SessionKeyError, Sessions, parse_keys

KEYS = parse_keys("a:0123456789abcdef-a,b:0123456789abcdef-b")


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_session_round_trips_and_expires() -> None:
    clock = Clock()
    sessions = Sessions(KEYS, 3600, clock)
    reader = Principal("jwt:ana", (Grant("consumer", ("orders.*",)),))
    session = sessions.signed_in(reader, None, expires=int(clock.now) + 60)
    cookie = sessions.encode(session)
    assert sessions.decode(cookie) == session
    assert session.principal() == reader and session.expires == int(clock.now) + 60
    clock.now += 61
    assert sessions.decode(cookie) is None


def test_an_api_key_session_carries_the_key_not_its_grants() -> None:
    sessions = Sessions(KEYS, 3600)
    session = sessions.signed_in(Principal("key:k1", (Grant("admin"),)), "k1")
    assert (session.key_id, session.grants) == ("k1", ())


def test_rotation_old_keys_verify_and_unknown_ones_do_not() -> None:
    old = Sessions(parse_keys("b:0123456789abcdef-b"), 3600)
    cookie = old.encode(old.guest())
    assert Sessions(KEYS, 3600).decode(cookie) is not None
    assert Sessions(parse_keys("c:0123456789abcdef-c"), 3600).decode(cookie) is None


def test_csrf_tokens_belong_to_one_session() -> None:
    sessions = Sessions(KEYS, 3600)
    one, two = sessions.guest(), sessions.guest()
    assert sessions.csrf_valid(one, sessions.csrf_token(one))
    assert not sessions.csrf_valid(two, sessions.csrf_token(one))
    assert not sessions.csrf_valid(None, sessions.csrf_token(one))
    assert not sessions.csrf_valid(one, "")


@pytest.mark.parametrize("setting", ["nokid", "a:short", ":0123456789abcdef"])
def test_malformed_keys_are_refused(setting: str) -> None:
    with pytest.raises(SessionKeyError):
        parse_keys(setting)


def test_without_keys_each_process_makes_one() -> None:
    assert list(parse_keys(None)) == ["local"] and parse_keys("") != parse_keys("")
