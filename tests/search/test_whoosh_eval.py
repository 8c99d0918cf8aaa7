"""Queries evaluated a posting list at a time answer as Whoosh's own search does.

The index is written in three commits (three segments) with edits and
removals in between, so deleted documents and document numbers offset per
segment are both exercised. Each query runs through ``search.whoosh_eval``
and through Whoosh's collector (``WhooshIndex._run_in_whoosh``) over the same
searcher and the same access filter.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from whoosh import query as wq

from search import whoosh_eval, whoosh_index
from search.documents import Document
from search.querylang import parse
from search.results import SearchRequest
from search.whoosh_eval import Evaluation, supported
from search.whoosh_index import WhooshIndex
from search.whoosh_query import to_query

WORDS = ("garden rose roses rosy tulip deploy deploys deployed release releases database "
         "the of and sess.opts snake_case camelCase smörgåsbord växthus").split()
SPACES = ("c1", "c2", "c3")
START = datetime(2026, 1, 1, tzinfo=UTC)


def _doc(rng: random.Random, n: int, body: str | None = None) -> Document:
    text = body or " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 40)))
    kind = "thread" if n % 7 == 0 else "post"
    return Document(f"{kind}:{n}", kind, SPACES[n % 3], f"t{n // 5}", n % 5,
                    f"m{n % 4}", " ".join(rng.sample(WORDS, 3)) if kind == "thread" else "",
                    text, START + timedelta(hours=rng.randint(0, 5000)))


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WhooshIndex]:
    rng = random.Random(3)
    ix = WhooshIndex(Path(tmp_path_factory.mktemp("eval")) / "index")
    n = 0
    for batch in range(3):
        docs = [_doc(rng, n + i) for i in range(120)]
        n += 120
        # Edits (an update deletes the old document) and removals in older segments.
        edits = [_doc(rng, i, "rose garden the database edited")
                 for i in range(batch, n - 120, 37)]  # a writer cannot replace its own
        removes = [f"post:{i}" for i in range(batch + 1, n - 120, 41) if i % 7]
        ix.write([*docs, *edits], removes, (0, batch + 1))
    yield ix
    ix.close()


QUERIES = [
    "rose", "roses", "garden rose", "deploy release", "rose OR tulip", "garden -tulip",
    '"the database"', '"rose garden"', "ros*", "dep*", "sess.opts", "snake_case",
    "smörgåsbord", "garden by:m1", "rose type:thread", "database -\"the database\"",
    "tulip OR \"rose garden\"", "nothingatall", "rose -rose",
]


def _request(text: str, sort: str = "relevance", per_page: int = 500) -> SearchRequest:
    parsed = parse(text)
    return SearchRequest(parsed, frozenset({"c1", "c3"}), authors=parsed.authors,
                         sort=sort, per_page=per_page, text=text)


@pytest.mark.parametrize("text", QUERIES)
@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
def test_the_same_documents_in_the_same_order_as_whoosh(index: WhooshIndex, text: str,
                                                         sort: str) -> None:
    request = _request(text, sort)
    with index._lock:
        searcher = index._current()
        assert len(list(searcher.reader().leaf_readers())) > 1  # several segments
        query = to_query(request, searcher.reader())
        allowed = index._allowed_docs(searcher, request)
        assert query is not None and supported(query)
        ours = index._run(searcher, query, allowed, request)
        theirs = index._run_in_whoosh(searcher, query, allowed, request,
                                      by_date=sort != "relevance")
    ours_hits, ours_total, ours_exact = ours
    theirs_hits, theirs_total, _ = theirs
    assert ours_total == theirs_total and ours_exact
    assert [h.doc_id for h in ours_hits] != [] or theirs_total == 0
    phrases = any(isinstance(q, wq.Phrase) for q in query.leaves())
    if sort == "relevance" and not phrases:
        # Same scores (BM25F from the same statistics), so the same order.
        assert [(h.doc_id, round(h.score, 4)) for h in ours_hits] == \
            [(h.doc_id, round(h.score, 4)) for h in theirs_hits]
    elif sort != "relevance":
        assert [h.doc_id for h in ours_hits] == [h.doc_id for h in theirs_hits]
    else:  # phrases are scored differently, but match the same documents
        assert {h.doc_id for h in ours_hits} == {h.doc_id for h in theirs_hits}
    # The same passages marked (Whoosh's highlighter, the same words), except that
    # Whoosh also marks the words of an excluded phrase ("the" in -"the database").
    if "-" not in text:
        assert {h.doc_id: h.snippet_html for h in ours_hits} == \
        {h.doc_id: h.snippet_html for h in theirs_hits}


def test_nothing_outside_the_access_filter_is_matched_or_counted(index: WhooshIndex) -> None:
    request = _request("rose OR garden OR database")
    with index._lock:
        searcher = index._current()
        allowed = index._allowed_docs(searcher, request)
        hits, total, _ = index._run(searcher, to_query(request, searcher.reader()), allowed,
                                    request)
    assert {h.space for h in hits} <= {"c1", "c3"}
    assert total == len(hits) > 0


def test_a_phrase_with_too_many_candidates_gives_a_lower_bound(
        index: WhooshIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    request = _request('"the database"')
    with index._lock:
        searcher = index._current()
        query = to_query(request, searcher.reader())
        allowed = index._allowed_docs(searcher, request)
        _, everything, exact = index._run(searcher, query, allowed, request)
        assert exact and everything > 6
        monkeypatch.setattr(whoosh_eval, "PHRASE_CHECKS", 3)
        hits, total, exact = index._run(searcher, query, allowed, request)
    assert not exact and 0 < total <= 6 and len(hits) == total


def test_postings_are_read_once_per_segment_and_kept_within_the_budget(
        index: WhooshIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = whoosh_eval.PostingCache(budget=1000)
    monkeypatch.setattr(whoosh_eval, "POSTINGS", cache)
    request = _request("rose garden")
    with index._lock:
        searcher = index._current()
        query = to_query(request, searcher.reader())
        first = Evaluation(searcher, index._allowed_docs(searcher, request)).ranked(query, 50)
        again = Evaluation(searcher, index._allowed_docs(searcher, request)).ranked(query, 50)
    assert first == again
    assert 0 < cache._used <= 1000


def test_a_commit_keeps_what_was_read_from_the_segments_it_did_not_change(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(5)
    ix = WhooshIndex(tmp_path / "index")
    ix.write([_doc(rng, i) for i in range(60)], [], (0, 1))
    monkeypatch.setattr(whoosh_eval, "POSTINGS", whoosh_eval.PostingCache(budget=10_000))
    reads: list[str] = []
    real = whoosh_eval._read_leaf

    def counting(leaf: object, field: str, text: str, with_values: bool) -> object:
        if text == "rose":  # not the access filter's spaces
            reads.append(text)
        return real(leaf, field, text, with_values)

    monkeypatch.setattr(whoosh_eval, "_read_leaf", counting)
    assert ix.search(_request("rose")).total > 0
    first = len(reads)
    ix.write([_doc(rng, 1000, "rose")], [], (0, 2))  # a new segment, a new searcher
    assert ix.search(_request("rose")).total > 0
    with ix._lock:
        assert len(list(ix._current().reader().leaf_readers())) == 2
    # Title and body of the new segment only: the old segment's lists were kept.
    assert (first, len(reads) - first) == (2, 2)
    ix.close()


def _whoosh_total(index: WhooshIndex, text: str) -> int:
    request = _request(text)
    with index._lock:
        searcher = index._current()
        query = to_query(request, searcher.reader())
        allowed = index._allowed_docs(searcher, request)
        return index._run_in_whoosh(searcher, query, allowed, request, False)[1]


@pytest.mark.parametrize("text", ['database -"the database"', 'rose -"rose garden"'])
def test_an_excluded_phrase_is_checked_in_full_whatever_the_limits(
        index: WhooshIndex, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(whoosh_eval, "PHRASE_CHECKS", 2)
    results = index.search(_request(text))
    assert (results.total, results.total_is_exact) == (_whoosh_total(index, text), True)
    assert not any("edited" in h.snippet_html for h in results.hits)  # the phrase's posts


@pytest.mark.parametrize("text", ['"rose garden"', 'garden "rose garden"',
                                  '"rose garden" -tulip', '"rose garden" OR tulip'])
def test_a_phrase_stops_at_enough_matches_only_where_nothing_removes_any(
        index: WhooshIndex, text: str) -> None:
    request = _request(text)
    whoosh = _whoosh_total(index, text)
    with index._lock:
        searcher = index._current()
        query = to_query(request, searcher.reader())
        allowed = index._allowed_docs(searcher, request)
        _, matched = Evaluation(searcher, allowed, enough=3).ranked(query, 20)
    if "-" in text:
        # The exclusion came after: every match was found. (Counted from Whoosh's
        # documents for each side: its own AndNot over a phrase keeps a post that
        # holds the excluded word, post 242 here.)
        with index._lock:
            searcher = index._current()
            kept = {d for d in searcher.docs_for_query(query.a) if d in allowed}
            kept -= set(searcher.docs_for_query(query.b))
        assert matched == len(kept) <= whoosh
    else:
        assert 3 <= matched <= whoosh


@pytest.mark.parametrize("text", ['rose "the database"', '"the database" rose'])
def test_words_narrow_a_phrase_before_it_is_checked_whichever_comes_first(
        index: WhooshIndex, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    expected = _whoosh_total(index, 'rose "the database"')
    # Enough checks for the posts holding all three words, too few for all
    # holding "the" and "database".
    narrowed = _whoosh_total(index, "rose the database")
    assert narrowed < _whoosh_total(index, "the database")
    monkeypatch.setattr(whoosh_eval, "PHRASE_CHECKS", narrowed)
    results = index.search(_request(text))
    assert (results.total, results.total_is_exact) == (expected, True)


def test_the_oldest_matches_of_a_phrase_past_the_limit_come_first(
        index: WhooshIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(whoosh_index, "COUNT_LIMIT", 3)
    request = _request('"the database"', sort="oldest", per_page=2)
    with index._lock:
        searcher = index._current()
        query = to_query(request, searcher.reader())
        allowed = index._allowed_docs(searcher, request)
        theirs = index._run_in_whoosh(searcher, query, allowed, request, by_date=True)[0]
    ours = index.search(request)
    assert [h.doc_id for h in ours.hits] == [h.doc_id for h in theirs]
    assert (ours.total, ours.total_is_exact) == (3, False)


def test_the_posting_cache_counts_every_entry_absent_words_too(
        index: WhooshIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = whoosh_eval.PostingCache(budget=whoosh_eval._ENTRY_COST * 10)
    monkeypatch.setattr(whoosh_eval, "POSTINGS", cache)
    for n in range(50):
        index.search(_request(f"zqabsent{n}"))
    assert len(cache._lists) <= 10 and cache._used <= cache.budget


def test_two_indexes_whose_segments_share_a_name_never_share_postings(
        tmp_path: Path) -> None:
    indexes = []
    for name, space in (("one", "c1"), ("two", "c2")):
        random.seed(0)  # Whoosh names segments from the random module
        ix = WhooshIndex(tmp_path / name / "index")
        ix.write([Document(f"post:{n}", "post", space, "t", n, "m", "", "zqsecret words",
                           START) for n in range(3)], [], (0, 1))
        indexes.append(ix)
    one, two = indexes
    with one._lock, two._lock:
        names = [[leaf.segment().segment_id() for leaf, _ in ix._current().reader().leaf_readers()]
                 for ix in indexes]
    try:
        assert names[0] == names[1]  # the case this guards against
        assert one.search(SearchRequest(parse("zqsecret"), frozenset({"c1"}))).total == 3
        # A reader of c1 on the second index: its posts are all in c2.
        assert two.search(SearchRequest(parse("zqsecret"), frozenset({"c1"}))).total == 0
        assert two.search(SearchRequest(parse("zqsecret"), frozenset({"c2"}))).total == 3
    finally:
        for ix in indexes:
            ix.close()
