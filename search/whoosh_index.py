"""The Whoosh backend: the index on disk, its one writer's commits, and queries.

The only module (with :mod:`search.analysis`) that imports Whoosh. Swapping in
PostgreSQL full-text search means another class with the same methods.
"""

from __future__ import annotations

import json
import threading
from collections import Counter, OrderedDict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.columns import NumericColumn
from whoosh.fields import BOOLEAN, COLUMN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.highlight import (
    ContextFragmenter,
    Highlighter,
    HtmlFormatter,
    get_text,
    set_matched_filter,
    top_fragments,
)

from search import whoosh_eval
from search.analysis import analyzer
from search.documents import Document
from search.results import Hit, SearchRequest, SearchResults
from search.whoosh_eval import Evaluation, docs_with, highlight_terms, supported
from search.whoosh_query import filter_query, suggest, to_query
from search.whoosh_writing import FastCodec, Written

CHECKPOINT_ID = "meta:checkpoint"
_FILTER_CACHE = 256
AUTHOR_SCAN = 5000  # documents looked at to count who wrote most about something
COUNT_LIMIT = 1000  # counting every match of a common word costs more than finding the top
# Whoosh sorts a commit's postings in memory up to a limit and in runs on disk
# beyond (a third slower); a document makes a hundred-odd postings of ~170 bytes
# as Whoosh counts them, so the limit grows with the batch.
POOL_MB_PER_DOC = 25 / 1024


def schema() -> Schema:
    text = analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        space=ID(stored=True),
        container=ID(stored=True),
        # One numeric tier: each tier is another term per document (indexing time
        # goes by postings), and tiered ranges over 32 bits mismatch in
        # whoosh-reloaded 2.7.5. Ranges here (seq for is:unread, days) are short.
        seq=NUMERIC(int, bits=32, stored=True, signed=False, shift_step=32),
        author=ID(stored=True),
        title=TEXT(analyzer=text, stored=True, field_boost=2.0),
        body=TEXT(analyzer=text, stored=True),
        created=STORED(),
        day=NUMERIC(int, bits=32, signed=False, shift_step=32),  # for before: / after:
        moment=COLUMN(NumericColumn("Q")),  # for sorting by date; not indexed
        hidden=BOOLEAN(stored=True),
        flags=KEYWORD(),
        payload=STORED(),
    )


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def day_number(value: datetime) -> int:
    """Days since 1970-01-01 (UTC): what before: and after: compare."""
    return (_utc(value) - EPOCH).days


def _fields(doc: Document) -> dict[str, Any]:
    return {"id": doc.id, "kind": doc.kind, "space": doc.space, "container": doc.container,
            "seq": doc.seq, "author": doc.author, "title": doc.title, "body": doc.body,
            "created": _utc(doc.created), "day": day_number(doc.created),
            "moment": int((_utc(doc.created) - EPOCH).total_seconds() * 1_000_000),
            "hidden": doc.hidden,
            "flags": "link" if doc.has_link else ""}


def _document(stored: dict[str, Any]) -> Document:
    return Document(stored["id"], stored["kind"], stored["space"], stored["container"],
                    int(stored["seq"]), stored["author"], stored["title"], stored["body"],
                    _utc(stored["created"]), bool(stored["hidden"]))


class WhooshIndex:
    """One index directory: written by the indexer alone, read by every process."""

    # A reindex commits this many documents at once: under 24 commits Whoosh's
    # merge policy never merges (merging ~100,000 documents cost as much as
    # indexing them), and the segments stay few enough for queries.
    reindex_batch = 20_000

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._index: Any = None
        self._searcher: Any = None
        self._allowed: OrderedDict[tuple[int, object], set[int]] = OrderedDict()
        self._written: Written | None = None  # since clear(): ids that may be stored

    # --- opening -----------------------------------------------------------

    def _ix(self) -> Any:
        if self._index is None:
            self.path.mkdir(parents=True, exist_ok=True)
            if whoosh_index.exists_in(str(self.path)):
                self._index = whoosh_index.open_dir(str(self.path))
            else:
                self._index = whoosh_index.create_in(str(self.path), schema())
        return self._index

    def _current(self) -> Any:
        """A searcher on the newest commit (called under the lock)."""
        if self._searcher is None:
            self._searcher = self._ix().searcher()
        elif not self._searcher.up_to_date():
            # A new searcher rather than refresh(): refreshing an empty index's
            # reader fails in whoosh-reloaded 2.7.5.
            self._searcher.close()
            self._searcher = self._ix().searcher()
            self._allowed.clear()
        return self._searcher

    def close(self) -> None:
        with self._lock:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = None
            if self._index is not None:
                self._index.close()
            self._index = None
            self._allowed.clear()  # by the searcher's id(), which a new one may reuse

    def clear(self) -> None:
        """Start again from an empty index (for a full reindex)."""
        self.close()
        self.path.mkdir(parents=True, exist_ok=True)
        with self._lock:
            whoosh_eval.forget(str(self.path))
            self._index = whoosh_index.create_in(str(self.path), schema())
            self._written = Written(self._index.latest_generation())

    # --- reading what is stored --------------------------------------------

    def checkpoint(self) -> tuple[int, int]:
        """The log position (txid, position) of the last committed batch."""
        with self._lock:
            stored = self._current().document(id=CHECKPOINT_ID)
        if stored is None:
            return (0, 0)
        data = json.loads(stored["payload"])
        return (int(data["txid"]), int(data["position"]))

    def get(self, doc_id: str) -> Document | None:
        with self._lock:
            stored = self._current().document(id=doc_id)
        return None if stored is None else _document(stored)

    def in_container(self, container: str) -> list[Document]:
        with self._lock:
            found = self._current().documents(container=container)
            return [_document(s) for s in found if s["kind"] != "meta"]

    def doc_count(self) -> int:
        with self._lock:
            return int(self._current().doc_count()) - (
                1 if self._current().document(id=CHECKPOINT_ID) else 0)

    # --- the one writer ----------------------------------------------------

    def write(self, puts: Iterable[Document], removes: Iterable[str],
              checkpoint: tuple[int, int]) -> None:
        """Commit removals, documents and the checkpoint together, or nothing."""
        puts = list(puts)
        limitmb = max(128, int(len(puts) * POOL_MB_PER_DOC))
        # Segments as separate files, not one compound file: Whoosh reads a
        # compound file's parts through a copy in memory, so every new searcher
        # (one a commit) copied the whole index (25-50 ms and 300 MB more at
        # 20,000 posts, against 1 ms).
        writer = self._ix().writer(limitmb=limitmb, codec=FastCodec(), compound=False)
        # After a clear, ids this object never wrote are not in the index: their
        # documents are added without looking for an old one. Holding the write
        # lock, a generation of our own commit proves nobody else wrote since.
        written, self._written = self._written, None
        if written is not None and written.generation != writer.generation - 1:
            written = None
        try:
            for doc_id in removes:
                if written is None or written.may_hold(doc_id):
                    writer.delete_by_term("id", doc_id)
            for doc in puts:
                if written is None or written.mark(doc.id):
                    writer.update_document(**_fields(doc))
                else:
                    writer.add_document(**_fields(doc))
            writer.update_document(
                id=CHECKPOINT_ID, kind="meta", space="", container="", seq=0, hidden=True,
                payload=json.dumps({"txid": checkpoint[0], "position": checkpoint[1]}))
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        if written is not None:
            written.generation = writer.generation
            self._written = written

    # --- queries -------------------------------------------------------------

    def _cached(self, key: tuple[int, object], compute: Any) -> set[int]:
        """Doc numbers by key, kept while this index version is the newest."""
        cached = self._allowed.get(key)
        if cached is None:
            cached = self._allowed[key] = set(compute())  # never changed once cached
            if len(self._allowed) > _FILTER_CACHE:
                self._allowed.popitem(last=False)
        else:
            self._allowed.move_to_end(key)
        return cached

    def _allowed_docs(self, searcher: Any, request: SearchRequest) -> set[int]:
        """Doc numbers the reader may see and the operators allow, cached per index version."""

        def visible() -> set[int]:
            docs = docs_with(searcher, "space", request.spaces)
            docs.difference_update(searcher.docs_for_query(wq.Term("hidden", True)))
            return docs

        allowed = self._cached((id(searcher), request.spaces), visible)
        narrowing = filter_query(request)
        if narrowing is None or not allowed:
            return allowed
        matching = self._cached((id(searcher), repr(narrowing)),
                                lambda: searcher.docs_for_query(narrowing))
        return allowed & matching

    def search(self, request: SearchRequest) -> SearchResults:
        with self._lock:
            searcher = self._current()
            query = to_query(request, searcher.reader())
            allowed = self._allowed_docs(searcher, request)
            if not allowed or query is None:
                return SearchResults(page=request.page, per_page=request.per_page)
            hits, total, exact = self._run(searcher, query, allowed, request)
            suggestion = None
            if total == 0 and request.query.words:
                suggestion = suggest(searcher, request, allowed)
        return SearchResults(hits, total, request.page, request.per_page, suggestion, exact)

    def _run(self, searcher: Any, query: Any, allowed: set[int], request: SearchRequest
             ) -> tuple[list[Hit], int, bool]:
        by_date = not (request.sort == "relevance" and request.query.has_text)
        limit = request.page * request.per_page
        start = (request.page - 1) * request.per_page
        if not supported(query):
            return self._run_in_whoosh(searcher, query, allowed, request, by_date)
        # A phrase may stop at the count's limit, keeping its newest matches: not
        # when the oldest are asked for.
        enough = None if request.sort == "oldest" and by_date else COUNT_LIMIT
        evaluation = Evaluation(searcher, allowed, enough=enough)
        if by_date:
            top, matched = evaluation.by_date(query, limit, request.sort != "oldest")
        else:
            top, matched = evaluation.ranked(query, limit)
        words = highlight_terms(query, "body")
        hits = [_stored_hit(searcher.stored_fields(doc), score, words)
                for doc, score in top[start:start + request.per_page]]
        if matched >= COUNT_LIMIT:
            return hits, COUNT_LIMIT, False
        return hits, matched, evaluation.complete

    def _run_in_whoosh(self, searcher: Any, query: Any, allowed: set[int],
                       request: SearchRequest, by_date: bool) -> tuple[list[Hit], int, bool]:
        """Whoosh's own search, for a query :mod:`search.whoosh_eval` does not evaluate."""
        sortedby = "moment" if by_date else None
        reverse = by_date and request.sort != "oldest"
        # Never terms=True: in whoosh-reloaded 2.7.5 it makes search() ignore the filter.
        results = searcher.search(query, limit=request.page * request.per_page,
                                  filter=allowed, sortedby=sortedby, reverse=reverse)
        results.fragmenter = _HIGHLIGHTER.fragmenter
        results.formatter = _HIGHLIGHTER.formatter
        start = (request.page - 1) * request.per_page
        hits = [_hit(hit) for hit in results[start:start + request.per_page]]
        total, exact = _count(searcher, query, allowed)
        return hits, total, exact

    def count_authors(self, request: SearchRequest, kinds: tuple[str, ...], limit: int
                      ) -> list[tuple[str, int]]:
        """Authors of the matching documents the reader may see, most documents first.

        Walks at most AUTHOR_SCAN matches, so a common word costs a bounded time.
        """
        counts: Counter[str] = Counter()
        with self._lock:
            searcher = self._current()
            query = to_query(request, searcher.reader())
            allowed = self._allowed_docs(searcher, request)
            if not allowed or query is None:
                return []
            scanned = 0
            if supported(query):
                found = Evaluation(searcher, allowed, enough=AUTHOR_SCAN).docs(query, allowed)
                matches: Iterable[int] = sorted(found)
            else:
                matches = (d for d in searcher.docs_for_query(query) if d in allowed)
            for docnum in matches:
                stored = searcher.stored_fields(docnum)
                if stored.get("kind") in kinds and stored.get("author"):
                    counts[stored["author"]] += 1
                scanned += 1
                if scanned >= AUTHOR_SCAN:
                    break
        return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def _count(searcher: Any, query: Any, allowed: set[int]) -> tuple[int, bool]:
    """Matches the reader may see, counted exactly up to COUNT_LIMIT ("1,000+" beyond)."""
    total = 0
    for docnum in searcher.docs_for_query(query):
        if docnum in allowed:
            total += 1
            if total >= COUNT_LIMIT:
                return total, False
    return total, True


class MarkFormatter(HtmlFormatter):  # type: ignore[misc]
    """Matches in ``<mark class="match">``; the text around them escaped."""

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f'<mark class="match">{self._text(get_text(text, token, replace))}</mark>'


_HIGHLIGHTER = Highlighter(fragmenter=ContextFragmenter(maxchars=300, surround=60),
                           formatter=MarkFormatter())
_ANALYZER = analyzer()


def _snippet(text: str, words: frozenset[str]) -> str:
    """Up to two passages of ``text`` with ``words`` marked, as Whoosh's highlighter cuts them."""
    tokens = _ANALYZER(text, positions=True, chars=True, mode="index", removestops=False)
    tokens = _HIGHLIGHTER._merge_matched_tokens(set_matched_filter(tokens, words))
    fragments = _HIGHLIGHTER.fragmenter.fragment_tokens(text, tokens)
    fragments = top_fragments(fragments, 2, _HIGHLIGHTER.scorer, _HIGHLIGHTER.order,
                              minscore=1)
    return str(_HIGHLIGHTER.formatter.format(fragments))


def _stored_hit(stored: dict[str, Any], score: float, words: frozenset[str]) -> Hit:
    body = stored.get("body") or ""
    return _as_hit(stored, _snippet(body, words) if body and words else "", score)


def _hit(hit: Any) -> Hit:
    """A hit of Whoosh's own search."""
    stored = hit.fields()
    snippet = hit.highlights("body", top=2) if stored.get("body") else ""
    return _as_hit(stored, snippet, float(hit.score or 0.0))


def _as_hit(stored: dict[str, Any], snippet: str, score: float) -> Hit:
    """A result from its stored fields; without marked passages, the body's start."""
    snippet = snippet or _escape((stored.get("body") or "")[:240])
    return Hit(stored["id"], stored["kind"], stored["space"], stored["container"],
               int(stored["seq"]), stored["author"], stored["title"], snippet,
               _utc(stored["created"]), score)


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


