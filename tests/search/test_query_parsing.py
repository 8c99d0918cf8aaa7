"""The query language: what people type, read the way they meant it. Pure, no IO."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.analysis import query_words
from search.querylang import ParsedQuery, QueryError, Term, parse


def test_free_words_must_all_match() -> None:
    assert parse("deploy friday").must == ((Term(("deploy",)),), (Term(("friday",)),))


def test_phrases_exclusions_alternatives_and_prefixes() -> None:
    q = parse('"release train" -staging docker OR podman conn*')
    assert q.must == ((Term(("release", "train"), phrase=True),),
                      (Term(("docker",)), Term(("podman",))),
                      (Term(("conn",), prefix=True),))
    assert q.must_not == (Term(("staging",)),)


def test_operators() -> None:
    q = parse('in:"friday talks" by:@Sam after:2025-01-01 before:2025-02-01 '
              "is:unread is:mine has:link type:posts type:chat")
    assert q == ParsedQuery(places=("friday talks",), authors=("sam",),
                            after=date(2025, 1, 1), before=date(2025, 2, 1), unread=True,
                            mine=True, has_link=True, kinds=("post", "chat"))


def test_urls_and_times_are_words_not_operators() -> None:
    q = parse("https://example.com/a 12:30")
    assert [t.words for g in q.must for t in g] == [("https://example.com/a",), ("12:30",)]


@pytest.mark.parametrize(("typed", "reason", "suggestion"), [
    ('"open phrase', "quotation mark is not closed", '"open phrase"'),
    ("colour:red car", "not a search operator", '"colour:red" car'),
    ("bye:sam x", "not a search operator", "by:sam x"),
    ("after:yesterday x", "YYYY-MM-DD", None),
    ("before:2025-13-01 x", "YYYY-MM-DD", None),
    ("type:pots", "type: takes", "type:post"),
    ("is:read", "is: takes", "is:unread"),
    ("has:pictures", "has: takes", "has:link"),
    ("in: x", "needs a value", None),
    ("-spam", "cannot only exclude", None),
    ("x" * 501, "at most 500", None),
    ("d* deploy", "at least 2 letters", None),
])
def test_a_malformed_query_says_why_and_what_would_work(
        typed: str, reason: str, suggestion: str | None) -> None:
    with pytest.raises(QueryError) as refused:
        parse(typed)
    assert reason in refused.value.message
    if suggestion is not None:
        assert suggestion in refused.value.suggestions
    for corrected in refused.value.suggestions:
        if len(corrected) <= 500:
            parse(corrected)  # every suggestion is itself a query that works


def test_too_many_terms() -> None:
    with pytest.raises(QueryError):
        parse(" ".join(f"w{i}" for i in range(31)))


@given(st.text(max_size=120))
@settings(max_examples=300, deadline=None)
def test_any_text_is_read_or_refused_with_a_reason(text: str) -> None:
    try:
        parsed = parse(text)
    except QueryError as refused:
        assert refused.message
        return
    for group in parsed.must:
        for term in group:
            for word in term.words:
                query_words(word)  # the analyzer takes whatever the parser lets through
