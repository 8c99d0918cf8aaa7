"""What a search asks for and what it answers: plain values, the same for every backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from search.querylang import ParsedQuery

SORTS = ("relevance", "newest", "oldest")
PER_PAGE = 20


@dataclass(frozen=True)
class SearchRequest:
    """A parsed query with everything resolved that the index cannot know.

    ``spaces`` are the spaces the reader may see now (from the visibility
    rule), already narrowed by ``in:``; nothing outside them is matched,
    counted, shown or suggested. ``read_marks`` are (thread or room, last
    seq read) for ``is:unread``.
    """

    query: ParsedQuery
    spaces: frozenset[str]
    authors: tuple[str, ...] = ()
    viewer_id: str | None = None
    read_marks: tuple[tuple[str, int], ...] = ()
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    text: str = ""  # as typed, to build a "did you mean" query from


@dataclass(frozen=True)
class Hit:
    doc_id: str
    kind: str
    space: str
    container: str
    seq: int
    author: str
    title: str
    snippet_html: str  # escaped text with matches in <mark>
    created: datetime
    score: float


@dataclass(frozen=True)
class SearchResults:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE
    suggestion: str | None = None  # "did you mean", only from what the reader may see
    total_is_exact: bool = True  # False: at least ``total`` (shown as "1,000+")

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))
