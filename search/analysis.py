"""How text becomes searchable words: English stems, folded accents, code and URLs split.

Whoosh only. One analyzer serves indexing, queries and highlighting, so a
word is always cut the same way on both sides.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import (
    CharsetFilter,
    Filter,
    IntraWordFilter,
    LowercaseFilter,
    RegexTokenizer,
)
from whoosh.lang.porter2 import stem as porter2
from whoosh.support.charset import accent_map

# A word, or words joined by the punctuation of URLs, paths and code
# (``sess.opts``, ``example.com/a-b``); the intra-word filter then splits it.
WORD = r"\w+(?:[.\-/:@#+=?&%~]+\w+)*"


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """Porter2 (Snowball English), remembered: it is most of indexing's time otherwise."""
    return str(porter2(word))


class OriginalAndStem(Filter):  # type: ignore[misc]
    """Keep each word as written and add its English stem at the same position.

    Stems find "running" for "runs"; the original keeps prefix search
    ("connecti*" finds "connection") and exact words ranking first. Swedish and
    other words pass through as written (the stemmer leaves most of them alone,
    and index and query are cut alike, so nothing is lost).
    """

    def __call__(self, tokens: Iterator[Any]) -> Iterator[Any]:
        for token in tokens:
            text = token.text
            yield token
            if len(text) > 3 and not text.isdigit():
                stemmed = stem(text)
                if stemmed != text:
                    token.text = stemmed
                    yield token


def _words() -> Any:
    return (RegexTokenizer(WORD)
            | IntraWordFilter(mergewords=True, mergenums=True)
            | LowercaseFilter()
            | CharsetFilter(accent_map))


def analyzer() -> Any:
    """The analyzer of every text field."""
    return _words() | OriginalAndStem()


WORDS = _words()


def query_words(text: str) -> list[str]:
    """A query word cut like indexed text, without stems: one word, or a phrase's parts."""
    seen: dict[int, str] = {}
    for token in WORDS(text, positions=True):
        seen.setdefault(token.pos, token.text)  # the merged form shares the last part's place
    return [seen[pos] for pos in sorted(seen)]


def fold(text: str) -> str:
    """Lower case without accents (for prefixes, which are not cut into words)."""
    return str(text.lower().translate(accent_map))


def stem_of(word: str) -> str:
    return stem(word) if len(word) > 3 and not word.isdigit() else word


def index_words(text: str) -> tuple[str, list[str]]:
    """Text cut into words exactly as Whoosh cuts it, for another engine to stem.

    Returns the words in order, one per position and space-separated (so an
    engine's phrase search sees them side by side), followed by the merged forms
    (``snakecase`` for ``snake_case``), which share a position with their last
    part in Whoosh and so go at the end, where they cannot break a phrase; and
    the distinct words worth offering as "did you mean" (not numbers, 3–60 letters).
    """
    primary: dict[int, str] = {}
    extra: list[str] = []
    for token in WORDS(text, positions=True):
        if token.pos in primary:
            extra.append(token.text)
        else:
            primary[token.pos] = token.text
    words = [primary[pos] for pos in sorted(primary)] + extra
    vocabulary = sorted({w for w in words if 3 <= len(w) <= 60 and not w.isdigit()})
    return " ".join(words), vocabulary
