"""The Whoosh backend on its own: counts under the access filter, pages, checkpoint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from search.documents import Document
from search.querylang import parse
from search.results import SearchRequest
from search.whoosh_index import WhooshIndex

START = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def index(tmp_path: Path) -> WhooshIndex:
    result = WhooshIndex(tmp_path / "index")
    docs = [Document(f"post:{space}{n}", "post", space, f"t{space}", n, "m1", "",
                     f"compost heap number {n} in {space}", START + timedelta(hours=n))
            for space in ("open", "closed") for n in range(1, 46)]
    result.write(docs, [], (0, 90))
    yield result
    result.close()


def ask(index: WhooshIndex, text: str, spaces: set[str], **options: object) -> tuple[int, int]:
    results = index.search(SearchRequest(parse(text), frozenset(spaces), text=text,
                                         **options))  # type: ignore[arg-type]
    assert all(h.space in spaces for h in results.hits)
    return results.total, len(results.hits)


def test_totals_count_only_allowed_documents_beyond_the_first_page(index: WhooshIndex) -> None:
    assert ask(index, "compost", {"open"}) == (45, 20)
    assert ask(index, "compost", {"open", "closed"}) == (90, 20)
    assert ask(index, "compo*", {"open"}) == (45, 20)
    assert ask(index, "compost", {"open"}, page=3) == (45, 5)
    assert ask(index, "compost", {"open"}, sort="newest") == (45, 20)
    assert ask(index, "compost", set()) == (0, 0)


def test_the_checkpoint_is_committed_with_the_documents(index: WhooshIndex) -> None:
    assert index.checkpoint() == (0, 90)
    assert index.doc_count() == 90


def test_past_the_counting_limit_the_total_says_at_least(
        index: WhooshIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    import search.whoosh_index

    monkeypatch.setattr(search.whoosh_index, "COUNT_LIMIT", 30)
    results = index.search(SearchRequest(parse("compost"), frozenset({"open", "closed"})))
    assert (results.total, results.total_is_exact, len(results.hits)) == (30, False, 20)
    results = index.search(SearchRequest(parse("compost"), frozenset({"open"}), page=3))
    assert (results.total, results.total_is_exact, len(results.hits)) == (30, False, 5)
