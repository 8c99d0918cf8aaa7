"""The search query language, parsed into a plain description. Pure: no IO.

Free words, "exact phrases", -exclusion, ``OR`` between alternatives, ``word*``
prefixes, and operators: ``in:`` ``by:`` ``before:`` ``after:`` ``is:unread``
``is:mine`` ``has:link`` ``type:thread|post|chat|article|member``. A query we
cannot read raises :class:`QueryError` with a reason and corrected queries.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date

OPERATORS = ("in", "by", "before", "after", "is", "has", "type")
KINDS = ("thread", "post", "chat", "article", "member")
IS_VALUES = ("unread", "mine")
HAS_VALUES = ("link",)
# Not operators: the start of a URL (``https://…``) or a time (``12:30``) is text.
SCHEMES = ("http", "https", "ftp", "mailto", "file")
MAX_LENGTH = 500
MAX_TERMS = 30
MIN_PREFIX = 2

_OPERATOR = re.compile(r"([A-Za-z]+):(.*)$", re.S)
_TOKEN = re.compile(r'\s*(-?)(?:"([^"]*)"|([A-Za-z]+:"[^"]*")|(\S+))')


class QueryError(ValueError):
    """A query we cannot read: ``message`` says why, ``suggestions`` are queries that work."""

    def __init__(self, message: str, suggestions: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.suggestions = suggestions or []


@dataclass(frozen=True)
class Term:
    """A word (``prefix`` for ``word*``) or, with several words, an exact phrase."""

    words: tuple[str, ...]
    prefix: bool = False
    phrase: bool = False

    def show(self) -> str:
        text = " ".join(self.words)
        return f'"{text}"' if self.phrase else text + ("*" if self.prefix else "")


@dataclass(frozen=True)
class ParsedQuery:
    """``must`` holds groups of alternatives: every group must match, any term in it."""

    must: tuple[tuple[Term, ...], ...] = ()
    must_not: tuple[Term, ...] = ()
    places: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    before: date | None = None
    after: date | None = None
    unread: bool = False
    mine: bool = False
    has_link: bool = False
    kinds: tuple[str, ...] = ()
    words: tuple[str, ...] = field(default=())  # the free words, for "did you mean"

    @property
    def has_text(self) -> bool:
        return bool(self.must)

    @property
    def empty(self) -> bool:
        return self == ParsedQuery()


def _unbalanced(text: str) -> QueryError:
    closed = text + '"'
    removed = text.replace('"', "")
    return QueryError('a quotation mark is not closed: put a " at the end of the phrase',
                      [closed, removed])


def _date(name: str, value: str, text: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        example = f"{name}:{date.today().isoformat()}"
        raise QueryError(
            f"{name}: takes a date as YYYY-MM-DD, not {value!r}",
            [text.replace(f"{name}:{value}", example)]) from None


def _choice(name: str, value: str, allowed: tuple[str, ...], text: str) -> str:
    if value.lower() in allowed:
        return value.lower()
    options = difflib.get_close_matches(value, allowed, n=2, cutoff=0.5) or list(allowed)
    raise QueryError(
        f"{name}:{value} is not known; {name}: takes {', '.join(allowed)}",
        [text.replace(f"{name}:{value}", f"{name}:{o}", 1) for o in options])


def _unknown_operator(name: str, value: str, text: str) -> QueryError:
    close = difflib.get_close_matches(name.lower(), OPERATORS, n=2, cutoff=0.5)
    hints = [text.replace(f"{name}:", f"{c}:", 1) for c in close]
    hints.append(text.replace(f"{name}:{value}", f'"{name}:{value}"', 1))
    return QueryError(
        f"{name}: is not a search operator (they are {', '.join(o + ':' for o in OPERATORS)}); "
        "put it in quotes to search for the text", hints)


def _split(text: str) -> list[tuple[bool, str, bool]]:
    """(negated, text, quoted) per item; raises on an unclosed quotation mark."""
    if text.count('"') % 2:
        raise _unbalanced(text)
    items: list[tuple[bool, str, bool]] = []
    for match in _TOKEN.finditer(text):
        negated, quoted, operator, word = match.groups()
        if quoted is not None:
            items.append((bool(negated), quoted, True))
        else:
            items.append((bool(negated), (operator or word or "").replace('"', ""), False))
    return [i for i in items if i[1].strip() or i[2]]


def _term(text: str, quoted: bool) -> Term | None:
    words = tuple(text.split())
    if not words:
        return None
    if quoted:
        return Term(words, phrase=len(words) > 1)
    if text.endswith("*") and len(text) > 1:
        stem = text.rstrip("*")
        if not stem:
            return None
        if len(stem) < MIN_PREFIX:
            raise QueryError(f"a prefix needs at least {MIN_PREFIX} letters before the *",
                             [])
        return Term((stem,), prefix=True)
    return Term((text.strip("*"),)) if text.strip("*") else None


class _Builder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.groups: list[list[Term]] = []
        self.must_not: list[Term] = []
        self.fields: dict[str, object] = {}
        self.places: list[str] = []
        self.authors: list[str] = []
        self.kinds: list[str] = []
        self.join_next = False

    def operator(self, name: str, value: str, negated: bool) -> None:
        key = name.lower()
        if key not in OPERATORS:
            raise _unknown_operator(name, value, self.text)
        if not value:
            raise QueryError(f"{key}: needs a value, as in {_EXAMPLES[key]}",
                             [self.text.replace(f"{name}:", _EXAMPLES[key], 1)])
        if negated:
            raise QueryError(f"-{key}: cannot be negated; leave out the minus",
                             [self.text.replace(f"-{name}:", f"{name}:", 1)])
        if key in ("before", "after"):
            self.fields[key] = _date(key, value, self.text)
        elif key == "is":
            self.fields[_choice("is", value, IS_VALUES, self.text)] = True
        elif key == "has":
            self.fields["has_" + _choice("has", value, HAS_VALUES, self.text)] = True
        elif key == "type":
            singular = value[:-1] if value.lower()[:-1] in KINDS else value
            self.kinds.append(_choice("type", singular, KINDS, self.text))
        elif key == "in":
            self.places.append(value.lower())
        else:
            self.authors.append(value.lstrip("@").lower())

    def term(self, term: Term, negated: bool) -> None:
        if negated:
            self.must_not.append(term)
        elif self.join_next and self.groups:
            self.groups[-1].append(term)
        else:
            self.groups.append([term])
        self.join_next = False


_EXAMPLES = {"in": "in:general", "by": "by:sam", "before": "before:2025-01-31",
             "after": "after:2025-01-01", "is": "is:unread", "has": "has:link",
             "type": "type:post"}


def parse(text: str) -> ParsedQuery:
    """Read a query as typed into the search box."""
    try:
        return _parse(text)
    except QueryError as refused:
        # Offer only corrections that are themselves queries we can read.
        refused.suggestions = [s for s in refused.suggestions if _readable(s)]
        raise


def _readable(text: str) -> bool:
    try:
        _parse(text)
    except QueryError:
        return False
    return True


def _parse(text: str) -> ParsedQuery:
    if len(text) > MAX_LENGTH:
        raise QueryError(f"a query is at most {MAX_LENGTH} characters; shorten it",
                         [text[:MAX_LENGTH].rsplit(" ", 1)[0]])
    built = _Builder(text)
    for negated, item, quoted in _split(text):
        operator = None if quoted else _OPERATOR.match(item)
        if operator and operator.group(1).lower() not in SCHEMES:
            built.operator(operator.group(1), operator.group(2).strip('"'), negated)
        elif not quoted and item == "OR":
            built.join_next = bool(built.groups)
        elif (term := _term(item, quoted)) is not None:
            built.term(term, negated)
    terms = sum(len(g) for g in built.groups) + len(built.must_not)
    if terms > MAX_TERMS:
        raise QueryError(f"a query has at most {MAX_TERMS} words or phrases; leave some out")
    if built.must_not and not built.groups and not _any_filter(built):
        raise QueryError("a query cannot only exclude: say what to look for too",
                         [text.replace("-", "", 1)])
    return ParsedQuery(
        must=tuple(tuple(g) for g in built.groups), must_not=tuple(built.must_not),
        places=tuple(built.places), authors=tuple(built.authors),
        before=built.fields.get("before"), after=built.fields.get("after"),  # type: ignore[arg-type]
        unread=bool(built.fields.get("unread")), mine=bool(built.fields.get("mine")),
        has_link=bool(built.fields.get("has_link")), kinds=tuple(dict.fromkeys(built.kinds)),
        words=tuple(w for g in built.groups for t in g if not t.phrase and not t.prefix
                    for w in t.words),
    )


def _any_filter(built: _Builder) -> bool:
    return bool(built.places or built.authors or built.fields or built.kinds)
