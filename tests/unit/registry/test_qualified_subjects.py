"""Qualified subjects, context names and schema keys (registry/contexts.py)."""

from __future__ import annotations

import pytest

from llm_schema_registry.registry.contexts import (
    QualifiedSubject,
    context_of,
    identity_in_context,
    normalize_context,
    prefix_matcher,
    public_id,
    qualified_references,
    qualify,
    schema_key,
)
from llm_schema_registry.registry.errors import InvalidContextError
from llm_schema_registry.registry.model import ID_SPACE, Reference


@pytest.mark.parametrize(
    ("subject", "context", "name"),
    [
        ("orders-value", ".", "orders-value"),
        (":.team-a:orders-value", ".team-a", "orders-value"),
        (":.team-a:", ".team-a", ""),
        (":.team-a", ".team-a", ""),
        (":.a:b:c", ".a", "b:c"),  # only the first delimiter ends the context
        ("a:.b:c", ".", "a:.b:c"),
    ],
)
def test_a_subject_splits_into_context_and_name(subject: str, context: str, name: str) -> None:
    found = QualifiedSubject.parse(subject)
    assert (found.context, found.name) == (context, name)
    assert context_of(subject) == context


def test_qualify_leaves_subjects_that_name_a_context() -> None:
    assert qualify(".a", "s") == ":.a:s"
    assert qualify(".", "s") == "s"
    assert qualify(".a", ":.b:s") == ":.b:s"
    assert qualify(".a", ":*:s") == ":*:s"
    assert QualifiedSubject(".a", "s").qualified == ":.a:s"


@pytest.mark.parametrize("spelling", ["team-a", ".team-a", ":.team-a:", ":.team-a"])
def test_context_spellings_normalize(spelling: str) -> None:
    assert normalize_context(spelling) == ".team-a"


@pytest.mark.parametrize("bad", [".a*b", ".a/b", ". ", "." + "x" * 300, ".a\x01"])
def test_bad_context_names_are_refused(bad: str) -> None:
    with pytest.raises(InvalidContextError):
        normalize_context(bad)


def test_keys_keep_the_default_context_ids_and_separate_the_others() -> None:
    assert schema_key(0, 7) == 7
    assert schema_key(3, 7) == 3 * ID_SPACE + 7
    assert public_id(schema_key(3, 2**31 - 1)) == 2**31 - 1
    assert identity_in_context("h", 0) == "h"
    assert identity_in_context("h", 1) != identity_in_context("h", 2)


def test_references_resolve_in_the_referrers_context() -> None:
    refs = (Reference("C", "customer", 1), Reference("D", ":.other:d", 2))
    assert qualified_references(":.a:order", refs) == (
        Reference("C", ":.a:customer", 1),
        Reference("D", ":.other:d", 2),
    )
    assert qualified_references("order", refs) == refs


def test_prefixes_name_a_context_or_every_context() -> None:
    assert prefix_matcher(":.a:")(":.a:s") and not prefix_matcher(":.a:")(":.b:s")
    every = prefix_matcher(":*:ord")
    assert every("orders") and every(":.a:orders") and not every(":.a:x")
