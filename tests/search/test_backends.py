"""Each backend on its own (Whoosh, PostgreSQL): counts under the access filter, pages,
checkpoint."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from forum.core import migrate
from forum.core.db import make_engine
from search import SearchIndex
from search.documents import Document
from search.pg_index import PostgresIndex
from search.querylang import parse
from search.results import SearchRequest
from search.whoosh_index import WhooshIndex

START = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture(params=["whoosh", "postgres"])
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchIndex]:
    result: SearchIndex
    if request.param == "whoosh":
        result = WhooshIndex(tmp_path / "index")
    else:
        engine = make_engine(request.getfixturevalue("pg_schema_url"))
        migrate.upgrade(engine)
        result = PostgresIndex(engine)
        request.addfinalizer(engine.dispose)
    docs = [Document(f"post:{space}{n}", "post", space, f"t{space}", n, "m1", "",
                     f"compost heap number {n} in {space}", START + timedelta(hours=n))
            for space in ("open", "closed") for n in range(1, 46)]
    result.write(docs, [], (0, 90))
    yield result
    result.close()


def ask(index: SearchIndex, text: str, spaces: set[str], **options: object) -> tuple[int, int]:
    results = index.search(SearchRequest(parse(text), frozenset(spaces), text=text,
                                         **options))  # type: ignore[arg-type]
    assert all(h.space in spaces for h in results.hits)
    return results.total, len(results.hits)


def test_totals_count_only_allowed_documents_beyond_the_first_page(index: SearchIndex) -> None:
    assert ask(index, "compost", {"open"}) == (45, 20)
    assert ask(index, "compost", {"open", "closed"}) == (90, 20)
    assert ask(index, "compo*", {"open"}) == (45, 20)
    assert ask(index, "compost", {"open"}, page=3) == (45, 5)
    assert ask(index, "compost", {"open"}, sort="newest") == (45, 20)
    assert ask(index, "compost", set()) == (0, 0)


def test_the_checkpoint_is_committed_with_the_documents(index: SearchIndex) -> None:
    assert index.checkpoint() == (0, 90)
    assert index.doc_count() == 90


def test_past_the_counting_limit_the_total_says_at_least(
        index: SearchIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    import search.pg_index
    import search.whoosh_index

    monkeypatch.setattr(search.whoosh_index, "COUNT_LIMIT", 30)
    monkeypatch.setattr(search.pg_index, "COUNT_LIMIT", 30)
    results = index.search(SearchRequest(parse("compost"), frozenset({"open", "closed"})))
    assert (results.total, results.total_is_exact, len(results.hits)) == (30, False, 20)
    results = index.search(SearchRequest(parse("compost"), frozenset({"open"}), page=3))
    assert (results.total, results.total_is_exact, len(results.hits)) == (30, False, 5)


def test_who_wrote_most_counts_only_what_the_reader_may_see(index: SearchIndex) -> None:
    extra = [Document("post:x1", "post", "open", "tx", 1, "m2", "", "compost tea", START),
             Document("post:x2", "post", "open", "tx", 2, "m2", "", "compost tea", START),
             Document("thread:tx", "thread", "open", "tx", 0, "m3", "compost", "", START),
             Document("post:x3", "post", "closed", "ty", 1, "m4", "", "compost tea", START)]
    index.write(extra, [], (0, 94))
    request = SearchRequest(parse("tea"), frozenset({"open"}), text="tea")
    assert index.count_authors(request, ("post", "chat", "article"), 10) == [("m2", 2)]
    request = SearchRequest(parse("compost"), frozenset({"open"}), text="compost")
    assert index.count_authors(request, ("post",), 1) == [("m1", 45)]
    assert index.count_authors(request, ("thread",), 10) == [("m3", 1)]
