"""A parsed query as a Whoosh query, and "did you mean" from what the reader may see."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from whoosh import matching
from whoosh import query as wq

from search.analysis import fold, query_words, stem_of
from search.querylang import Term
from search.results import SearchRequest

TEXT_FIELDS = (("title", 2.0), ("body", 1.0))
EPOCH_DAY = date(1970, 1, 1)
UNREAD_KINDS = ("thread", "post", "chat")


MAX_EXPANSIONS = 12  # words a prefix stands for: the most frequent ones
_SCANNED = 5000


def _word(field: str, word: str, boost: float) -> Any:
    # Every form of a word is indexed beside its stem, so the stem alone finds
    # them all ("deploys", "deployed", "deploy") in one posting list.
    return wq.Term(field, stem_of(word), boost=boost)


def _prefix(reader: Any, field: str, prefix: str, boost: float) -> Any:
    """The prefix's most frequent words: "d*" must not mean ten thousand posting lists."""
    words = []
    for number, word in enumerate(reader.expand_prefix(field, prefix)):
        if number >= _SCANNED:
            break
        words.append(word)
    if len(words) > MAX_EXPANSIONS:
        words = sorted(words, key=lambda w: -reader.doc_frequency(field, w))[:MAX_EXPANSIONS]
    if not words:
        return wq.NullQuery
    return _AnyOfWords(wq.Or([wq.Term(field, w) for w in words]), score=boost)


class _AnyOfWords(wq.ConstantScoreQuery):  # type: ignore[misc]
    """Documents with any of a prefix's words, all with the same score.

    Scored as Lucene scores a multi-term query: ranking a dozen common words'
    postings one by one took seconds, and which expansion matched says little
    about relevance. Whoosh would still merge the words' postings through a
    tree of union matchers in Python; here each word's ids are read as a block
    and joined as a set.
    """

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        if context is not None and context.needs_current:
            return super().matcher(searcher, context)
        reader = searcher.reader()
        ids: set[int] = set()
        for term in self.child.subqueries:
            if (term.fieldname, term.text) in reader:
                ids.update(term.matcher(searcher, context).all_ids())
        if not ids:
            return matching.NullMatcher()
        return matching.ListMatcher(sorted(ids), all_weights=self.score)


def _in_fields(reader: Any, words: list[str], prefix: bool) -> Any:
    alternatives = []
    for field, boost in TEXT_FIELDS:
        if prefix:
            alternatives.append(_prefix(reader, field, words[0], boost))
        elif len(words) == 1:
            alternatives.append(_word(field, words[0], boost))
        else:
            alternatives.append(wq.Phrase(field, words, boost=boost))
    return wq.Or(alternatives)


def term_query(reader: Any, term: Term) -> Any | None:
    """One word, prefix or phrase, over subjects (weighted) and bodies."""
    if term.prefix:
        prefix = fold(term.words[0])
        return _in_fields(reader, [prefix], prefix=True) if prefix else None
    words = [w for text in term.words for w in query_words(text)]
    return _in_fields(reader, words, prefix=False) if words else None


def _any(field: str, values: tuple[str, ...] | list[str]) -> Any:
    return wq.Or([wq.Term(field, v) for v in values])


def _days(day: date) -> int:
    return (day - EPOCH_DAY).days


def _dates(request: SearchRequest) -> Any | None:
    """after: is on or after that day, before: is before it (UTC days)."""
    q = request.query
    if q.after is None and q.before is None:
        return None
    start = _days(q.after) if q.after else 0
    end = _days(q.before) - 1 if q.before else 2**31
    return wq.NumericRange("day", start, end)


def _unread(request: SearchRequest) -> Any:
    read = [wq.And([wq.Term("container", place), wq.NumericRange("seq", 0, up_to)])
            for place, up_to in request.read_marks]
    kinds = _any("kind", UNREAD_KINDS)
    return wq.AndNot(kinds, wq.Or(read)) if read else kinds


def filter_query(request: SearchRequest) -> Any | None:
    """The operators as one unscored query (None: no operator narrows the search).

    Kept apart from the words: its documents are computed once per index
    version and intersected with the access filter, so scoring only ever
    walks the words' posting lists (and may skip blocks that cannot rank).
    """
    q = request.query
    parts: list[Any] = [_any("kind", list(q.kinds))] if q.kinds else []
    if request.authors:
        parts.append(_any("author", request.authors))
    if q.mine:
        parts.append(wq.Term("author", request.viewer_id or ""))
    if q.has_link:
        parts.append(wq.Term("flags", "link"))
    if q.unread:
        parts.append(_unread(request))
    if (dates := _dates(request)) is not None:
        parts.append(dates)
    return wq.And(parts) if len(parts) > 1 else parts[0] if parts else None


def to_query(request: SearchRequest, reader: Any) -> Any | None:
    """The words as a scored query, or None when they hold nothing searchable."""
    q = request.query
    must: list[Any] = []
    for group in q.must:
        alternatives = [t for t in (term_query(reader, term) for term in group)
                        if t is not None]
        if not alternatives:
            return None
        must.append(alternatives[0] if len(alternatives) == 1 else wq.Or(alternatives))
    query = wq.And(must) if len(must) > 1 else must[0] if must else wq.Every()
    excluded = [t for t in (term_query(reader, term) for term in q.must_not) if t is not None]
    return wq.AndNot(query, wq.Or(excluded)) if excluded else query


# --- did you mean -----------------------------------------------------------------


def _visible(searcher: Any, word: str, allowed: set[int]) -> bool:
    query = wq.Or([wq.Term(field, word) for field, _ in TEXT_FIELDS])
    return any(doc in allowed for doc in searcher.docs_for_query(query))


def _candidates(searcher: Any, word: str) -> list[str]:
    found: list[str] = []
    for field, _ in TEXT_FIELDS:
        for candidate in searcher.corrector(field).suggest(word, limit=8, maxdist=2):
            if candidate not in found and not candidate.isdigit():
                found.append(candidate)
    # Stems sit beside the words they came from: offer the word, not "receiv".
    return [c for c in found if not any(o != c and stem_of(o) == c for o in found)]


def suggest(searcher: Any, request: SearchRequest, allowed: set[int]) -> str | None:
    """The query with misspelt words replaced by words found where the reader may look."""
    text, changed = request.text, False
    for typed in request.query.words:
        words = query_words(typed)
        if len(words) != 1 or _visible(searcher, words[0], allowed):
            continue
        for candidate in _candidates(searcher, words[0]):
            if _visible(searcher, candidate, allowed):
                text = re.sub(rf"(?<![\w-]){re.escape(typed)}(?!\w)", candidate, text, count=1)
                changed = True
                break
    return text if changed else None
