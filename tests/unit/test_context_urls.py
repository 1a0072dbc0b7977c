"""The `/contexts/{context}/…` prefix mapped as Confluent's ContextFilter maps it."""

from __future__ import annotations

import pytest

from llm_schema_registry.api.contexts import rewrite


@pytest.mark.parametrize(
    ("path", "query", "expected_path", "expected_query"),
    [
        (
            "/contexts/.a/subjects/orders/versions",
            b"normalize=False",
            "/subjects/%3A.a%3Aorders/versions",
            b"normalize=False",
        ),
        ("/contexts/a/subjects/x%2Fy/versions/1", b"", "/subjects/%3A.a%3Ax%2Fy/versions/1", b""),
        ("/contexts/.a/subjects/%3A.b%3As", b"", "/subjects/%3A.b%3As", b""),
        ("/contexts/.a/config", b"", "/config/%3A.a%3A", b""),
        ("/contexts/.a/mode/s", b"", "/mode/%3A.a%3As", b""),
        ("/contexts/.a/schemas/ids/3", b"", "/schemas/ids/3", b"subject=%3A.a%3A"),
        (
            "/contexts/.a/schemas/ids/3/versions",
            b"subject=s",
            "/schemas/ids/3/versions",
            b"subject=%3A.a%3As",
        ),
        (
            "/contexts/.a/subjects",
            b"deleted=true",
            "/subjects",
            b"deleted=true&subjectPrefix=%3A.a%3A",
        ),
        ("/contexts/.a/schemas", b"subjectPrefix=o", "/schemas", b"subjectPrefix=%3A.a%3Ao"),
        (
            "/contexts/.a/compatibility/subjects/s/versions/latest",
            b"",
            "/compatibility/subjects/%3A.a%3As/versions/latest",
            b"",
        ),
        ("/contexts/./subjects/s/versions", b"", "/subjects/s/versions", b""),
        ("/contexts/./config", b"", "/config", b""),
    ],
)
def test_context_urls_map_onto_plain_routes(
    path: str, query: bytes, expected_path: str, expected_query: bytes
) -> None:
    assert rewrite(path, query) == (expected_path, expected_query)


def test_a_context_alone_is_a_route_of_its_own() -> None:
    assert rewrite("/contexts/.a/", b"") is None
