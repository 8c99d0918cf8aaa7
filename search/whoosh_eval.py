"""Whoosh queries evaluated a posting list at a time, with sets and dicts.

Whoosh's matchers walk the candidates of a query one document at a time in
Python: a two-word query of common words scored 12,000 documents through a
tree of matchers (180 ms over 100,000 posts), and counting the matches
walked them all again. Here each word's postings are read a block at a
time into a dict, the query's tree is evaluated with set operations (in C),
intersected with what the reader may see, and only the documents that are
left are scored (BM25F, as Whoosh scores them) or sorted by date.

A phrase is checked word positions by word positions, for the documents
holding all its words that the reader may see, newest first. It stops once
it has found as many matches as the count shows (1,000: the count is
"1,000+" then, and the phrase is ranked among its newest 1,000 matches), or
after PHRASE_CHECKS candidates (the count is then a lower bound, "at
least"). An excluded phrase is always checked in full.

What a segment holds never changes once written, so the documents' field
lengths and dates are read once per segment and kept (:class:`SegmentCache`).

It reads Whoosh's posting blocks and length columns below the public API
(whoosh-reloaded 2.7.5, pinned); :func:`supported` says which queries it
evaluates, and everything else goes through Whoosh's own search.
"""

from __future__ import annotations

import heapq
import pickle
import threading
from array import array
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from itertools import accumulate
from typing import Any

from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.matching.wrappers import FilterMatcher
from whoosh.system import _INT_SIZE
from whoosh.util.numeric import byte_to_length

PHRASE_CHECKS = 20_000  # candidates whose word positions a phrase may read
_BYTE_LENGTHS = [byte_to_length(code) for code in range(256)]

Scores = dict[int, float]


# --- what a segment holds -----------------------------------------------------


class SegmentCache:
    """Per segment reader: each field's length codes and each document's date."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._lengths: dict[str, bytes] = {}
        self._moments: list[int] | None = None

    def length_codes(self, leaf: Any, field: str) -> bytes:
        """One byte a document: Whoosh's quantised length of ``field`` in it."""
        with self._lock:
            codes = self._lengths.get(field)
            if codes is None:
                codes = self._lengths[field] = _read_length_codes(leaf, field)
            return codes

    def moments(self, leaf: Any) -> list[int]:
        with self._lock:
            if self._moments is None:
                column = leaf.column_reader("moment")
                self._moments = list(column)
            return self._moments


def _read_length_codes(leaf: Any, field: str) -> bytes:
    count = leaf.doc_count_all()
    column = leaf._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    if column is None:
        return bytes(count)
    raw = bytes(column._dbfile.get(column._basepos, column._count))
    return raw + bytes(max(0, count - len(raw)))  # documents past the end: length 0


_SEGMENTS: OrderedDict[str, SegmentCache] = OrderedDict()
_SEGMENTS_KEPT = 64
_SEGMENTS_LOCK = threading.Lock()


def segment_key(leaf: Any) -> str | None:
    """The index's folder and the segment's own name: every new searcher reads the
    table of contents afresh, so the segment objects are new after each commit.
    (The name alone is random, from the ``random`` module: seeded alike twice in one
    process, two indexes would share names, and one's postings serve the other.)"""
    segment = leaf.segment()
    if segment is None:
        return None
    folder = getattr(getattr(leaf, "_storage", None), "folder", None)
    return f"{folder}\0{segment.segment_id()}" if folder else None


def forget(folder: str) -> None:
    """Forget every segment of the index in ``folder`` (it was emptied)."""
    POSTINGS.forget(folder)
    prefix = f"{folder}\0"
    with _SEGMENTS_LOCK:
        for key in [k for k in _SEGMENTS if k.startswith(prefix)]:
            del _SEGMENTS[key]


def _segment_cache(leaf: Any) -> SegmentCache:
    key = segment_key(leaf)
    if key is None:
        return SegmentCache()
    with _SEGMENTS_LOCK:
        cache = _SEGMENTS.get(key)
        if cache is None:
            cache = _SEGMENTS[key] = SegmentCache()
            if len(_SEGMENTS) > _SEGMENTS_KEPT:
                _SEGMENTS.popitem(last=False)
        else:
            _SEGMENTS.move_to_end(key)
        return cache


# --- postings -------------------------------------------------------------------


def _global(ids: Iterable[int], offset: int) -> Iterable[int]:
    """A segment's document numbers as the index's (the segment starts at ``offset``)."""
    return ids if not offset else map(offset.__add__, ids)


class Postings:
    """One word's postings in one field across the index, segment by segment."""

    def __init__(self, parts: list[tuple[int, Block]]) -> None:
        self.parts = parts  # (the segment's first document number, its postings)
        self._bounds = [offset for offset, _ in parts[1:]]
        self._weights: Scores | None = None

    def __len__(self) -> int:
        return sum(len(block[0]) for _, block in self.parts)

    def docs_in(self, within: set[int]) -> set[int]:
        """The documents of ``within`` holding the word (set operations in C)."""
        found: set[int] = set()
        for offset, (ids, _, _) in self.parts:
            found |= within.intersection(_global(ids, offset))
        return found

    @property
    def weights(self) -> Scores:
        """Every document's weight (built once, for words scored over many documents)."""
        if self._weights is None:
            self._weights = {}
            for offset, (ids, weights, _) in self.parts:
                self._weights.update(zip(_global(ids, offset), weights, strict=True))
        return self._weights

    def weights_for(self, docs: set[int]) -> Scores:
        """The weights of (at least) ``docs``, which must all hold the word."""
        if self._weights is not None or len(docs) * 8 > len(self):
            return self.weights
        return {doc: self.parts[part][1][1][i] for doc, (part, i) in self._find(docs).items()}

    def value(self, doc: int) -> bytes:
        """The stored value (positions) of a document holding the word."""
        part = bisect_right(self._bounds, doc)
        offset, (ids, _, values) = self.parts[part]
        assert values is not None, "postings read without their values"
        return values[bisect_left(ids, doc - offset)]

    def _find(self, docs: Iterable[int]) -> dict[int, tuple[int, int]]:
        """Where each of ``docs`` sits: (segment part, index), by binary search of the ids."""
        found: dict[int, tuple[int, int]] = {}
        bounds = self._bounds
        for doc in docs:
            part = bisect_right(bounds, doc)
            offset, (ids, _, _) = self.parts[part]
            i = bisect_left(ids, doc - offset)
            if i < len(ids) and ids[i] == doc - offset:
                found[doc] = (part, i)
        return found


Block = tuple["array[int]", "array[float]", tuple[bytes, ...] | None]


class PostingCache:
    """A segment's posting lists as read, the most recently used ones, within a budget.

    Segments never change, so a list read once serves every later query
    until the segment is merged away. Documents and weights are kept as
    arrays (8 bytes a posting); positions, when a phrase needed them, count
    as six postings each.
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._used = 0
        self._lock = threading.Lock()
        self._lists: OrderedDict[tuple[str, str, str], tuple[Block, int]] = OrderedDict()

    def get(self, leaf: Any, field: str, text: str, with_values: bool) -> Block:
        name = segment_key(leaf)
        if name is None:  # not a segment of files (an empty index's reader)
            return _read_leaf(leaf, field, text, with_values)
        key = (name, field, text)
        with self._lock:
            found = self._lists.get(key)
            if found is not None and (found[0][2] is not None or not with_values):
                self._lists.move_to_end(key)
                return found[0]
        block = _read_leaf(leaf, field, text, with_values)
        # An entry's own objects count too (a word absent from a segment is cached
        # as well, and many small lists must not escape the budget).
        cost = _ENTRY_COST + len(block[0]) * (6 if with_values else 1)
        with self._lock:
            previous = self._lists.pop(key, None)
            if previous is not None:
                self._used -= previous[1]
            if cost <= self.budget:
                self._lists[key] = (block, cost)
                self._used += cost
                while self._used > self.budget:
                    _, (_, dropped) = self._lists.popitem(last=False)
                    self._used -= dropped
        return block

    def forget(self, folder: str) -> None:
        """Drop what was read from the index in ``folder`` (emptied: its names may recur)."""
        prefix = f"{folder}\0"
        with self._lock:
            for key in [k for k in self._lists if k[0].startswith(prefix)]:
                self._used -= self._lists.pop(key)[1]


_ENTRY_COST = 80  # units (8 bytes each) for an entry's key, tuple and arrays
POSTINGS = PostingCache(budget=4_000_000)  # about 32 MB of arrays, a process


def _read_leaf(leaf: Any, field: str, text: str, with_values: bool) -> Block:
    """Every (document, weight[, positions]) of a word in one segment, block by block."""
    ids: array[int] = array("I")
    weights: array[float] = array("f")
    values: list[bytes] | None = [] if with_values else None
    if (field, text) in leaf:
        matcher = leaf.postings(field, text)
        while isinstance(matcher, FilterMatcher):  # deleted documents: the filter drops them
            matcher = matcher.child
        while matcher.is_active():
            matcher._read_data()
            data = matcher._data
            ids.extend(data[0] if matcher._byteids else accumulate(data[0]))
            matcher._read_weights()
            weights.extend(matcher._weights)
            if values is not None:
                matcher._read_values()
                values.extend(matcher._values)
            if matcher._lastblock:
                break
            matcher._goto(matcher._nextoffset)
    return ids, weights, (tuple(values) if values is not None else None)


def read_postings(searcher: Any, field: str, text: str, with_values: bool) -> Postings:
    return Postings([(offset, POSTINGS.get(leaf, field, text, with_values))
                     for leaf, offset in searcher.reader().leaf_readers()])


def docs_with(searcher: Any, field: str, texts: Iterable[str]) -> set[int]:
    """Every live document holding any of ``texts`` in ``field`` (an access filter's spaces)."""
    found: set[int] = set()
    leaves = list(searcher.reader().leaf_readers())
    for text in texts:
        for leaf, offset in leaves:
            ids = POSTINGS.get(leaf, field, text, False)[0]
            found.update(_global(ids, offset))
    for leaf, offset in leaves:
        if leaf.has_deletions():
            found.difference_update(offset + doc for doc in leaf.deleted_docs_set)
    return found


# --- evaluation ------------------------------------------------------------------


def supported(query: Any) -> bool:
    """True when :class:`Evaluation` can evaluate every part of ``query``."""
    if query is wq.NullQuery or isinstance(query, wq.Every):
        return True
    if isinstance(query, wq.Term):
        return True
    if isinstance(query, wq.Phrase):
        return query.slop == 1 and bool(query.words)
    if isinstance(query, wq.ConstantScoreQuery):
        child = query.child
        return isinstance(child, wq.Or) and all(isinstance(t, wq.Term) for t in child.subqueries)
    if isinstance(query, wq.AndNot):
        return supported(query.a) and supported(query.b)
    if isinstance(query, wq.And | wq.Or):
        return all(supported(q) for q in query.subqueries)
    return False


class Evaluation:
    """One query over one searcher, for the documents in ``allowed`` only."""

    K1 = 1.2
    B = 0.75

    def __init__(self, searcher: Any, allowed: set[int], enough: int | None = 1000) -> None:
        self.searcher = searcher
        self.allowed = allowed
        self.complete = True  # False once a phrase left candidates unchecked
        self.enough = enough  # matches past which a phrase need not look (the count's limit)
        self._negated = 0  # inside the excluded part of a query
        self._narrowed = 0  # inside a part whose matches something else may still remove
        self._postings: dict[tuple[str, str, bool], Postings] = {}
        # What a phrase or a prefix matched within a set of documents, by the query's id:
        # the scoring pass asks again for the (fewer) documents that matched everything.
        self._phrases: dict[int, tuple[set[int], Scores]] = {}
        self._constant: dict[int, tuple[set[int], set[int]]] = {}
        self._leaves = list(searcher.reader().leaf_readers())

    # Postings, read once per evaluation.
    def postings(self, field: str, text: str, with_values: bool = False) -> Postings:
        key = (field, text, with_values)
        found = self._postings.get(key)
        if found is None:
            if not with_values and (field, text, True) in self._postings:
                return self._postings[(field, text, True)]
            found = self._postings[key] = read_postings(self.searcher, field, text, with_values)
        return found

    # --- which documents match -------------------------------------------------

    def docs(self, query: Any, within: set[int]) -> set[int]:
        """The documents of ``within`` that ``query`` matches."""
        if query is wq.NullQuery:
            return set()
        if isinstance(query, wq.Every):
            return set(within)
        if isinstance(query, wq.Term):
            return self.postings(query.fieldname, query.text).docs_in(within)
        if isinstance(query, wq.Phrase):
            return within.intersection(self._phrase(query, within))
        if isinstance(query, wq.ConstantScoreQuery):
            known = self._constant.get(id(query))
            if known is not None and known[0] >= within:
                return known[1] & within
            found = self.docs(query.child, within)
            self._constant[id(query)] = (within, found)
            return found
        if isinstance(query, wq.AndNot):
            with self._inside("_narrowed"):  # the exclusion may remove some of what it finds
                found = self.docs(query.a, within)
            if not found:
                return found
            with self._inside("_negated"):  # what is left out must be found in full
                return found - self.docs(query.b, found)
        if isinstance(query, wq.And):
            found = within
            # Cheap parts first: a phrase then checks only what the words left.
            parts = sorted(query.subqueries, key=_cost)
            for number, part in enumerate(parts):
                if number == len(parts) - 1:
                    found = self.docs(part, found)
                else:
                    with self._inside("_narrowed"):  # later parts may remove some
                        found = self.docs(part, found)
                if not found:
                    break
            return found if found is not within else set(within)
        if isinstance(query, wq.Or):
            union: set[int] = set()
            for part in query.subqueries:
                union |= self.docs(part, within)
            return union
        raise TypeError(f"not evaluated here: {query!r}")

    @contextmanager
    def _inside(self, counter: str) -> Iterator[None]:
        """Within a part of the query that is excluded or may still be narrowed."""
        setattr(self, counter, getattr(self, counter) + 1)
        try:
            yield
        finally:
            setattr(self, counter, getattr(self, counter) - 1)

    # --- how well they match -----------------------------------------------------

    def scores(self, query: Any, docs: set[int]) -> Scores:
        """The score of each document of ``docs`` that ``query`` matches (the sum of its parts)."""
        if query is wq.NullQuery or not docs:
            return {}
        if isinstance(query, wq.Every):
            return dict.fromkeys(docs, 1.0)
        if isinstance(query, wq.Term):
            return self._term_scores(query, docs)
        if isinstance(query, wq.Phrase):
            scored = self._phrase(query, docs)
            return {doc: scored[doc] for doc in docs.intersection(scored)}
        if isinstance(query, wq.ConstantScoreQuery):
            return dict.fromkeys(self.docs(query, docs), float(query.score))
        if isinstance(query, wq.AndNot):
            return self.scores(query.a, docs)
        if isinstance(query, wq.And | wq.Or):
            total: Scores = {}
            for part in query.subqueries:
                for doc, score in self.scores(part, docs).items():
                    total[doc] = total.get(doc, 0.0) + score
            if query.boost != 1.0:
                total = {doc: score * query.boost for doc, score in total.items()}
            return total
        raise TypeError(f"not evaluated here: {query!r}")

    def _norms(self, field: str) -> list[float]:
        """BM25's length term for each of the 256 length codes of ``field``."""
        avg = self.searcher.avg_field_length(field) or 1.0
        k1, b = self.K1, self.B
        return [k1 * ((1 - b) + b * length / avg) for length in _BYTE_LENGTHS]

    def _bm25(self, field: str, weights: Scores, docs: Iterable[int], factor: float) -> Scores:
        norms = self._norms(field)
        out: Scores = {}
        for leaf_docs, codes in self._by_leaf(field, docs):
            for doc, code in zip(leaf_docs, codes, strict=True):
                tf = weights[doc]
                out[doc] = factor * tf / (tf + norms[code])
        return out

    def _by_leaf(self, field: str, docs: Iterable[int]) -> Iterator[tuple[list[int], list[int]]]:
        """``docs`` grouped by segment, with each one's length code in ``field``."""
        for leaf, offset, chunk in self._segments_of(docs):
            codes = _segment_cache(leaf).length_codes(leaf, field)
            yield chunk, [codes[doc - offset] for doc in chunk]

    def _segments_of(self, docs: Iterable[int]) -> Iterator[tuple[Any, int, list[int]]]:
        """``docs`` in order, a (segment, its first document number, its docs) at a time."""
        ordered = sorted(docs)
        start = 0
        for number, (leaf, offset) in enumerate(self._leaves):
            following = self._leaves[number + 1][1] if number + 1 < len(self._leaves) else None
            stop = len(ordered) if following is None else bisect_left(ordered, following, start)
            if stop > start:
                yield leaf, offset, ordered[start:stop]
            start = stop

    def _term_scores(self, term: Any, docs: set[int]) -> Scores:
        postings = self.postings(term.fieldname, term.text)
        matched = postings.docs_in(docs)
        if not matched:
            return {}
        weights = postings.weights_for(matched)
        idf = self.searcher.idf(term.fieldname, term.text)
        return self._bm25(term.fieldname, weights, matched, term.boost * idf * (self.K1 + 1))

    # --- phrases ---------------------------------------------------------------------

    def _phrase(self, phrase: Any, within: set[int]) -> Scores:
        """The documents of ``within`` holding the words side by side, with their scores.

        Scored as one word occurring as often as the phrase does, with the
        rarest word's idf. Results are remembered for a ``within`` that holds
        no more than one already evaluated (the scoring pass asks again).
        """
        known = self._phrases.get(id(phrase))
        if known is not None and known[0] >= within:
            return known[1]
        field, words = phrase.fieldname, list(phrase.words)
        lists = [self.postings(field, word, with_values=True) for word in words]
        candidates = set(within)
        for postings in sorted(lists, key=len):
            candidates = postings.docs_in(candidates)
            if not candidates:
                break
        rarest = max(words, key=lambda w: self.searcher.idf(field, w))
        idf = self.searcher.idf(field, rarest)
        # Newest first (document numbers follow indexing order). Where the phrase
        # decides what is left out, every candidate is checked. Where its matches
        # are final (nothing after it removes any), the check stops at ``enough``
        # matches: the count is "1,000+" then anyway, and the phrase is ranked among
        # its newest matches, as the PostgreSQL backend does. Otherwise it stops
        # after PHRASE_CHECKS candidates, and the count is a lower bound.
        ordered = sorted(candidates, reverse=True)
        if not self._negated and len(ordered) > PHRASE_CHECKS:
            ordered = ordered[:PHRASE_CHECKS]
            self.complete = False
        enough = None if self._negated or self._narrowed else self.enough
        decode = _positions
        counts: Scores = {}
        for doc in ordered:
            runs = set(decode(lists[0].value(doc)))
            for shift, postings in enumerate(lists[1:], start=1):
                runs &= {p - shift for p in decode(postings.value(doc))}
                if not runs:
                    break
            if runs:
                counts[doc] = len(runs)
                if enough is not None and len(counts) >= enough:
                    break
        scored = self._bm25(field, counts, counts, phrase.boost * idf * (self.K1 + 1))
        self._phrases[id(phrase)] = (set(within), scored)
        return scored

    # --- the answer ---------------------------------------------------------------------

    def ranked(self, query: Any, limit: int) -> tuple[list[tuple[int, float]], int]:
        """The best ``limit`` (document, score) pairs, best first, and how many matched."""
        matched = self.docs(query, self.allowed)
        scored = self.scores(query, matched)
        # Ties go to the older document, as in Whoosh's collector.
        return best(scored, limit), len(matched)

    def by_date(self, query: Any, limit: int, newest_first: bool
                ) -> tuple[list[tuple[int, float]], int]:
        """The first ``limit`` matches by date (newest or oldest first), and how many matched."""
        matched = self.docs(query, self.allowed)
        moments: dict[int, int] = {}
        for leaf, offset, chunk in self._segments_of(matched):
            column = _segment_cache(leaf).moments(leaf)
            moments.update((doc, column[doc - offset]) for doc in chunk)
        if newest_first:
            # Ties newest-numbered first, as Whoosh's reversed sort has them.
            order = heapq.nsmallest(limit, matched, key=lambda d: (-moments.get(d, 0), -d))
        else:
            order = heapq.nsmallest(limit, matched, key=lambda d: (moments.get(d, 0), d))
        return [(doc, 0.0) for doc in order], len(matched)


def _positions(value: bytes) -> Iterator[int]:
    """A posting's word positions (Whoosh's Positions format: a count, then pickled gaps)."""
    gaps = value[_INT_SIZE:]
    return accumulate(pickle.loads(gaps if gaps.endswith(b".") else gaps + b"."))


def best(scored: Scores, limit: int) -> list[tuple[int, float]]:
    """The ``limit`` best (document, score) pairs, ties to the older document (as Whoosh).

    The cut-off score is found among the bare floats (compared in C), so only
    the documents at or above it are sorted as pairs.
    """
    if limit <= 0 or not scored:
        return []
    if len(scored) > limit:
        cut = heapq.nlargest(limit, scored.values())[-1]
        scored = {doc: score for doc, score in scored.items() if score >= cut}
    return sorted(scored.items(), key=lambda item: (-item[1], item[0]))[:limit]


def _cost(query: Any) -> int:
    """Words before phrases: a phrase (however deep in the part) then checks only what
    the words left. Every word and phrase comes wrapped in an OR of title and body."""
    if any(isinstance(q, wq.Phrase) for q in query.leaves()):  # a leaf is its own leaf
        return 2
    if isinstance(query, wq.Term):
        return 0
    return 1


def highlight_terms(query: Any, field: str) -> frozenset[str]:
    """The words of ``field`` that matched documents may hold (not the excluded ones)."""
    found: set[str] = set()

    def walk(q: Any) -> None:
        if isinstance(q, wq.Term):
            if q.fieldname == field:  # a prefix's words come from the index as bytes
                found.add(q.text.decode() if isinstance(q.text, bytes) else q.text)
        elif isinstance(q, wq.Phrase):
            if q.fieldname == field:
                found.update(q.words)
        elif isinstance(q, wq.AndNot):
            walk(q.a)
        elif isinstance(q, wq.ConstantScoreQuery):
            walk(q.child)
        elif isinstance(q, wq.And | wq.Or):
            for part in q.subqueries:
                walk(part)

    walk(query)
    return frozenset(found)

