"""How text becomes searchable words: English stems, folded accents, code and URLs split.

Whoosh only. One analyzer serves indexing, queries and highlighting, so a
word is always cut the same way on both sides.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from whoosh.analysis import (
    Analyzer,
    CharsetFilter,
    Filter,
    IntraWordFilter,
    LowercaseFilter,
    RegexTokenizer,
    Token,
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


def chain(stems: bool = True) -> Any:
    """The analysis as Whoosh's tokenizer and filters, one generator each.

    What :class:`Words` does, and the reference it is tested against; an index
    made before Words existed keeps this chain in its schema (same words).
    """
    words = (RegexTokenizer(WORD)
             | IntraWordFilter(mergewords=True, mergenums=True)
             | LowercaseFilter()
             | CharsetFilter(accent_map))
    return words | OriginalAndStem() if stems else words


_TOKENIZER = RegexTokenizer(WORD)
_SPLIT = IntraWordFilter(mergewords=True, mergenums=True)
_FOLD = LowercaseFilter() | CharsetFilter(accent_map)

# One matched word as the filters leave it: per part, its text, its position
# after the word's first, its characters within the word, and its stem when
# OriginalAndStem would add one.
Cut = tuple[tuple[str, int, int, int, str | None], ...]


@lru_cache(maxsize=100_000)
def _cut(word: str) -> Cut:
    """Split, lowercase, fold and stem one word by the filters themselves, remembered.

    The filters see one word at a time (IntraWordFilter only renumbers
    positions across words), so a word cuts the same wherever it stands.
    """
    token = Token(positions=True, chars=True)
    token.text, token.pos, token.startchar, token.endchar = word, 0, 0, len(word)
    parts = []
    for part in _FOLD(_SPLIT(iter([token]))):
        text = part.text
        stemmed = stem(text) if len(text) > 3 and not text.isdigit() else text
        parts.append((text, part.pos, part.startchar, part.endchar,
                      None if stemmed == text else stemmed))
    return tuple(parts)


class Words(Analyzer):  # type: ignore[misc]
    """The tokens of :func:`chain`, exactly, in one generator with each distinct word cut once.

    The chain passes each word through five generators (a fifth of indexing's
    time); words repeat, so each is cut once (by the same filters) and
    remembered. Calls the fast path does not cover go to the chain itself.
    """

    def __init__(self, stems: bool = True) -> None:
        self.stems = stems

    def __repr__(self) -> str:
        return f"Words(stems={self.stems})"

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "",
                 **kwargs: Any) -> Iterator[Any]:
        if keeporiginal or not tokenize or "no_morph" in kwargs:
            return chain(self.stems)(  # type: ignore[no-any-return]
                value, positions=positions, chars=chars, keeporiginal=keeporiginal,
                removestops=removestops, start_pos=start_pos, start_char=start_char,
                tokenize=tokenize, mode=mode, **kwargs)
        return self._tokens(value, positions, chars, removestops, start_pos, start_char,
                            mode, kwargs)

    def _tokens(self, value: str, positions: bool, chars: bool, removestops: bool,
                start_pos: int, start_char: int, mode: str, kwargs: dict[str, Any]
                ) -> Iterator[Any]:
        assert isinstance(value, str), f"{value!r} is not unicode"
        stems = self.stems
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        # IntraWordFilter numbers from the first token's position, or from 0
        # when positions were not asked for (it sets pos either way).
        pos = start_pos if positions else 0
        for match in _TOKENIZER.expression.finditer(value):
            parts = _cut(match.group(0))
            if not parts:  # only delimiters (``_``): the filter drops it
                continue
            base = start_char + match.start()
            for text, offset, startchar, endchar, stemmed in parts:
                t.text = text
                t.boost = 1.0
                t.stopped = False
                t.pos = pos + offset
                if chars:
                    t.startchar = base + startchar
                    t.endchar = base + endchar
                yield t
                if stems and stemmed is not None:
                    t.text = stemmed
                    yield t
            pos += parts[-1][1] + 1


def analyzer() -> Any:
    """The analyzer of every text field."""
    return Words(stems=True)


WORDS = Words(stems=False)


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
