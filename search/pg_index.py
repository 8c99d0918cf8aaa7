"""The PostgreSQL backend: documents in a table with a tsvector, queried in SQL.

The same methods as :class:`search.whoosh_index.WhooshIndex`, so the indexer,
the planner and every caller are unchanged; what differs is where the words
live. The tables come from migration 0013_pg_search (PostgreSQL only):

* ``search_documents``: one row per document, its text and a ``tsv`` made of
  the words Whoosh would cut (:func:`search.analysis.index_words`: code and
  URLs split, accents folded), each twice: English stems (``english``
  configuration) and as written (``simple``), titles weighted A, bodies D.
  Stems find "gardens" for "gardening"; words as written serve phrases and
  prefixes (``connecti*`` finds "connection"). GIN-indexed.
* ``search_words``: every word once, for "did you mean": the closest by
  trigram similarity (pg_trgm), offered only when a document the reader may
  see contains it. Without pg_trgm, words of similar length and the same
  first letter are compared with :mod:`difflib` instead.
* ``search_checkpoint``: the log position the documents cover, written in
  the same transaction as the documents, so a crash loses or repeats nothing.

Snippets are ``ts_headline`` over the body in ``commonroom_english`` (English
stems with unaccent when that extension exists), marked like Whoosh's.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, text

from search.analysis import fold, index_words, query_words
from search.documents import Document
from search.querylang import Term
from search.results import Hit, SearchRequest, SearchResults
from search.whoosh_index import AUTHOR_SCAN, COUNT_LIMIT

CHECKPOINT = "index"
UNREAD_KINDS = ("thread", "post", "chat")
EPOCH_DAY = date(1970, 1, 1)
RANK_WEIGHTS = "{0.5, 0.5, 0.5, 1.0}"  # D, C, B, A: a word in the subject counts double
RANK_CANDIDATES = 2000  # relevance is decided among the newest this many matches
MAX_PAGE = 50  # as search.planning.MAX_PAGE: the deepest page a query may ask for
_START, _STOP = "\x01", "\x02"  # ts_headline's marks, escaped around afterwards
HEADLINE = (f"StartSel={_START}, StopSel={_STOP}, MaxFragments=2, MaxWords=30, "
            "MinWords=12, FragmentDelimiter=\" … \"")
# Four parts, each after a one-position gap (a placeholder lexeme, deleted once they
# are joined), so no "exact phrase" runs from the end of one part into the next.
_GAP = "CAST('''§''\\:1' AS tsvector)"  # (the backslash keeps SQLAlchemy off :1)
_TSV = ("ts_delete(setweight(to_tsvector('english', :title_words), 'A')"
        f" || {_GAP} || setweight(to_tsvector('simple', :title_words), 'A')"
        f" || {_GAP} || setweight(to_tsvector('english', :body_words), 'D')"
        f" || {_GAP} || setweight(to_tsvector('simple', :body_words), 'D'), '§')")
_COLUMNS = "id, kind, space, container, seq, author, title, body, created, hidden"


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def _days(day: date) -> int:
    return (day - EPOCH_DAY).days


def _document(row: Any) -> Document:
    return Document(row.id, row.kind, row.space, row.container, int(row.seq), row.author,
                    row.title, row.body, _utc(row.created), bool(row.hidden))


def _escape(value: str) -> str:
    return (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def _lexeme(word: str) -> str:
    """A word as a quoted tsquery lexeme (our words are \\w+, but never trust that)."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


class _Sql:
    """Builds one statement's SQL fragments with numbered parameters."""

    def __init__(self) -> None:
        self.params: dict[str, Any] = {}

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def term(self, term: Term) -> str | None:
        """A word (its stem or itself), an exact phrase, or a prefix, as a tsquery."""
        if term.prefix:
            words = query_words(fold(term.words[0]))
            if not words:
                return None
            # "sess.op*": the leading parts as a phrase, then the prefix of the last.
            parts = [_lexeme(w) for w in words[:-1]] + [_lexeme(words[-1]) + ":*"]
            return f"to_tsquery('simple', {self.bind(' <-> '.join(parts))})"
        words = [w for typed in term.words for w in query_words(typed)]
        if not words:
            return None
        if len(words) > 1:
            return f"phraseto_tsquery('simple', {self.bind(' '.join(words))})"
        word = self.bind(words[0])
        return f"(plainto_tsquery('english', {word}) || plainto_tsquery('simple', {word}))"

    def matching(self, request: SearchRequest) -> tuple[str | None, str | None, bool]:
        """(what must match, what must not, whether anything can match at all)."""
        groups: list[str] = []
        for group in request.query.must:
            alternatives = [t for t in (self.term(term) for term in group) if t is not None]
            if not alternatives:
                return None, None, False
            groups.append("(" + " || ".join(alternatives) + ")")
        excluded = [t for t in (self.term(term) for term in request.query.must_not)
                    if t is not None]
        must = " && ".join(groups) if groups else None
        must_not = " || ".join(excluded) if excluded else None
        return must, must_not, True

    def allowed(self, request: SearchRequest) -> list[str]:
        """The access filter and the operators, as conditions on ``d``."""
        q = request.query
        where = [f"d.space = ANY({self.bind(sorted(request.spaces))})", "NOT d.hidden"]
        if q.kinds:
            where.append(f"d.kind = ANY({self.bind(list(q.kinds))})")
        if request.authors:
            where.append(f"d.author = ANY({self.bind(list(request.authors))})")
        if q.mine:
            where.append(f"d.author = {self.bind(request.viewer_id or '')}")
        if q.has_link:
            where.append("d.has_link")
        if q.unread:
            where.append(f"d.kind = ANY({self.bind(list(UNREAD_KINDS))})")
            if request.read_marks:
                places = self.bind([place for place, _ in request.read_marks])
                upto = self.bind([seq for _, seq in request.read_marks])
                where.append(
                    "NOT EXISTS (SELECT 1 FROM unnest(CAST(" + places + " AS text[]), CAST("
                    + upto + " AS int[])) AS r(place, upto)"
                    " WHERE r.place = d.container AND d.seq <= r.upto)")
        if q.after is not None:
            where.append(f"d.day >= {self.bind(_days(q.after))}")
        if q.before is not None:
            where.append(f"d.day < {self.bind(_days(q.before))}")
        return where


class StaleWriter(RuntimeError):
    """Another writer moved the checkpoint since this one read it: nothing was written."""


class PostgresIndex:
    """Search documents in the forum's PostgreSQL database (migration 0013_pg_search)."""

    reindex_batch = 5000  # documents a reindex commits at once

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._trgm: str | None = None
        self._trgm_known = False
        # Where this writer believes the index stands (from checkpoint() or its own last
        # write): a write from anywhere else is refused rather than applied twice.
        self._expected: tuple[int, int] | None = None

    def close(self) -> None:
        """Nothing of its own to close: the engine belongs to the backend."""

    def clear(self) -> None:
        """Start again from an empty index (for a full reindex)."""
        with self.engine.begin() as conn:
            conn.execute(text("TRUNCATE search_documents, search_words"))
            self._save_checkpoint(conn, (0, 0))
        self._expected = (0, 0)

    # --- reading what is stored --------------------------------------------

    def checkpoint(self) -> tuple[int, int]:
        """The log position (txid, position) of the last committed batch."""
        with self.engine.connect() as conn:
            row = conn.execute(text("SELECT txid, position FROM search_checkpoint"
                                    " WHERE name = :name"), {"name": CHECKPOINT}).first()
        self._expected = (0, 0) if row is None else (int(row.txid), int(row.position))
        return self._expected

    def get(self, doc_id: str) -> Document | None:
        with self.engine.connect() as conn:
            row = conn.execute(text(f"SELECT {_COLUMNS} FROM search_documents WHERE id = :id"),
                               {"id": doc_id}).first()
        return None if row is None else _document(row)

    def in_container(self, container: str) -> list[Document]:
        with self.engine.connect() as conn:
            rows = conn.execute(text(f"SELECT {_COLUMNS} FROM search_documents"
                                     " WHERE container = :c ORDER BY seq, id"),
                                {"c": container}).all()
        return [_document(row) for row in rows]

    def doc_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM search_documents")).scalar_one())

    def ids(self) -> list[str]:
        """Every document's id (for tests that look for duplicates)."""
        with self.engine.connect() as conn:
            return [str(i) for i in conn.execute(text("SELECT id FROM search_documents"))
                    .scalars()]

    # --- the one writer ----------------------------------------------------

    def write(self, puts: Iterable[Document], removes: Iterable[str],
              checkpoint: tuple[int, int]) -> None:
        """Removals, documents, new words and the checkpoint in one transaction."""
        rows: list[dict[str, Any]] = []
        vocabulary: set[str] = set()
        for doc in puts:
            title_words, title_vocabulary = index_words(doc.title)
            body_words, body_vocabulary = index_words(doc.body)
            vocabulary.update(title_vocabulary, body_vocabulary)
            rows.append({
                "id": doc.id, "kind": doc.kind, "space": doc.space, "container": doc.container,
                "seq": doc.seq, "author": doc.author, "title": doc.title,
                "body": doc.body.replace("\x00", ""), "created": _utc(doc.created),
                "day": (_utc(doc.created).date() - EPOCH_DAY).days, "hidden": doc.hidden,
                "has_link": doc.has_link, "title_words": title_words,
                "body_words": body_words})
        removed = sorted(set(removes))
        with self.engine.begin() as conn:
            # The lease makes the indexer the one writer; this makes sure of it. A writer
            # that lost its lease unnoticed finds the checkpoint moved and writes nothing.
            row = conn.execute(text("SELECT txid, position FROM search_checkpoint"
                                    " WHERE name = :name FOR UPDATE"),
                               {"name": CHECKPOINT}).first()
            stored = (0, 0) if row is None else (int(row.txid), int(row.position))
            if self._expected is not None and stored != self._expected:
                raise StaleWriter(f"the search index is at {stored}, not {self._expected}: "
                                  "another indexer wrote meanwhile; resuming from there")
            if removed:
                conn.execute(text("DELETE FROM search_documents WHERE id = ANY(:ids)"),
                             {"ids": removed})
            if rows:
                conn.execute(text(
                    "INSERT INTO search_documents (id, kind, space, container, seq, author,"
                    " title, body, created, day, hidden, has_link, tsv) VALUES (:id, :kind,"
                    " :space, :container, :seq, :author, :title, :body, :created, :day,"
                    f" :hidden, :has_link, {_TSV}) ON CONFLICT (id) DO UPDATE SET"
                    " kind = excluded.kind, space = excluded.space,"
                    " container = excluded.container, seq = excluded.seq,"
                    " author = excluded.author, title = excluded.title, body = excluded.body,"
                    " created = excluded.created, day = excluded.day,"
                    " hidden = excluded.hidden, has_link = excluded.has_link,"
                    " tsv = excluded.tsv"), rows)
            if vocabulary:
                conn.execute(text("INSERT INTO search_words (word)"
                                  " SELECT unnest(CAST(:words AS text[]))"
                                  " ON CONFLICT DO NOTHING"), {"words": sorted(vocabulary)})
            self._save_checkpoint(conn, checkpoint)
        self._expected = checkpoint

    @staticmethod
    def _save_checkpoint(conn: Connection, checkpoint: tuple[int, int]) -> None:
        conn.execute(text(
            "INSERT INTO search_checkpoint (name, txid, position) VALUES (:name, :txid, :pos)"
            " ON CONFLICT (name) DO UPDATE SET txid = excluded.txid,"
            " position = excluded.position"),
            {"name": CHECKPOINT, "txid": checkpoint[0], "pos": checkpoint[1]})

    # --- queries -------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResults:
        empty = SearchResults(page=request.page, per_page=request.per_page)
        if not request.spaces:
            return empty
        sql = _Sql()
        must, must_not, possible = sql.matching(request)
        if not possible:
            return empty
        where = sql.allowed(request)
        if must is not None:
            where.append("d.tsv @@ q.must")
        if must_not is not None:
            where.append(f"NOT d.tsv @@ ({must_not})")
        source = (f"search_documents d CROSS JOIN (SELECT {must or 'NULL::tsquery'} AS must) q"
                  f" WHERE {' AND '.join(where)}")
        with self.engine.connect() as conn:
            # One snapshot for the page, the count and the suggestion: they agree.
            conn.execution_options(isolation_level="REPEATABLE READ")
            hits = self._page(conn, sql, source, request, ranked=must is not None)
            total = int(conn.execute(text(
                f"SELECT count(*) FROM (SELECT 1 FROM {source} LIMIT {COUNT_LIMIT}) c"),
                sql.params).scalar_one())
            suggestion = None
            if total == 0 and request.query.words:
                suggestion = self._suggest(conn, request)
        return SearchResults(hits, total, request.page, request.per_page, suggestion,
                             total < COUNT_LIMIT)

    def count_authors(self, request: SearchRequest, kinds: tuple[str, ...], limit: int
                      ) -> list[tuple[str, int]]:
        """Authors of the matching documents the reader may see, most documents first.

        Counts the newest AUTHOR_SCAN matches of those kinds, so a common word
        costs a bounded time.
        """
        if not request.spaces:
            return []
        sql = _Sql()
        must, must_not, possible = sql.matching(request)
        if not possible:
            return []
        where = sql.allowed(request)
        where += [f"d.kind = ANY({sql.bind(list(kinds))})", "d.author <> ''"]
        if must is not None:
            where.append(f"d.tsv @@ ({must})")
        if must_not is not None:
            where.append(f"NOT d.tsv @@ ({must_not})")
        with self.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT m.author, count(*) AS n FROM (SELECT d.author FROM search_documents d"
                f" WHERE {' AND '.join(where)} ORDER BY d.created DESC"
                f" LIMIT {int(AUTHOR_SCAN)}) m GROUP BY m.author ORDER BY n DESC, m.author"
                f" LIMIT {int(limit)}"), sql.params).all()
        return [(str(row.author), int(row.n)) for row in rows]

    def _page(self, conn: Connection, sql: _Sql, source: str, request: SearchRequest,
              *, ranked: bool) -> list[Hit]:
        limit, offset = request.per_page, (request.page - 1) * request.per_page
        columns = "d.id, d.kind, d.space, d.container, d.seq, d.author, d.title, d.body, d.created"
        if ranked and request.sort == "relevance":
            # ts_rank reads every candidate's tsvector: a common word's thousands of
            # matches are ranked among the newest RANK_CANDIDATES of them (or as many as
            # the deepest page needs), which keeps it fast and, in a forum, favours the
            # recent.
            # The same candidates for every page of a query, so pages never overlap.
            candidates = max(RANK_CANDIDATES, request.per_page * MAX_PAGE)
            page = (f"SELECT c.*, ts_rank('{RANK_WEIGHTS}', c.tsv, c.must) AS score FROM"
                    f" (SELECT {columns}, d.tsv, q.must FROM {source}"
                    f" ORDER BY d.created DESC LIMIT {int(candidates)}) c"
                    " ORDER BY score DESC, c.created DESC, c.id"
                    f" LIMIT {int(limit)} OFFSET {int(offset)}")
            order = "p.score DESC, p.created DESC, p.id"
        else:
            order = "d.created, d.id" if request.sort == "oldest" else "d.created DESC, d.id"
            page = (f"SELECT {columns}, q.must, 0.0 AS score FROM {source} ORDER BY {order}"
                    f" LIMIT {int(limit)} OFFSET {int(offset)}")
            order = order.replace("d.", "p.")
        # Escaped before ts_headline, which would otherwise drop whatever looks like a
        # tag (a post about "<div>" must show it); entities are single tokens to it.
        escaped = ("replace(replace(replace(replace(translate(p.body, E'\\x01\\x02', ''),"
                   " '&', '&amp;'), '<', '&lt;'), '>', '&gt;'), '\"', '&quot;')")
        headline = (f"ts_headline('commonroom_english', {escaped}, p.must, :headline_options)"
                    if ranked else "NULL")
        sql.params["headline_options"] = HEADLINE
        rows = conn.execute(text(
            f"SELECT p.id, p.kind, p.space, p.container, p.seq, p.author, p.title, p.body,"
            f" p.created, p.score, {headline} AS headline FROM ({page}) p ORDER BY {order}"),
            sql.params).all()
        return [Hit(row.id, row.kind, row.space, row.container, int(row.seq), row.author,
                    row.title, _snippet(row.body, row.headline), _utc(row.created),
                    float(row.score)) for row in rows]

    # --- did you mean ------------------------------------------------------

    def _trgm_schema(self, conn: Connection) -> str | None:
        if not self._trgm_known:
            found = conn.execute(text(
                "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n"
                " ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'")).scalar()
            self._trgm = None if found is None else '"' + str(found).replace('"', '""') + '"'
            self._trgm_known = True
        return self._trgm

    def _candidates(self, conn: Connection, word: str) -> list[str]:
        schema = self._trgm_schema(conn)
        if schema is not None:
            found = conn.execute(text(
                f"SELECT word FROM search_words WHERE word OPERATOR({schema}.%) :w"
                f" AND word <> :w ORDER BY {schema}.similarity(word, :w) DESC, word LIMIT 8"),
                {"w": word}).scalars().all()
            return [str(w) for w in found if not str(w).isdigit()]
        # Without pg_trgm: words of about the same length and the same first letter.
        near = conn.execute(text(
            "SELECT word FROM search_words WHERE left(word, 1) = left(:w, 1)"
            " AND length(word) BETWEEN :low AND :high AND word <> :w LIMIT 20000"),
            {"w": word, "low": len(word) - 2, "high": len(word) + 2}).scalars().all()
        return difflib.get_close_matches(word, [str(w) for w in near if not str(w).isdigit()],
                                         n=8, cutoff=0.75)

    def _visible(self, conn: Connection, request: SearchRequest, word: str) -> bool:
        sql = _Sql()
        where = sql.allowed(request)
        where.append(f"d.tsv @@ to_tsquery('simple', {sql.bind(_lexeme(word))})")
        return conn.execute(text(
            f"SELECT EXISTS (SELECT 1 FROM search_documents d WHERE {' AND '.join(where)})"),
            sql.params).scalar() is True

    def _suggest(self, conn: Connection, request: SearchRequest) -> str | None:
        """The query with misspelt words replaced by words found where the reader may look."""
        typed_text, changed = request.text, False
        for typed in request.query.words:
            words = query_words(typed)
            if len(words) != 1 or self._visible(conn, request, words[0]):
                continue
            for candidate in self._candidates(conn, words[0]):
                if self._visible(conn, request, candidate):
                    typed_text = re.sub(rf"(?<![\w-]){re.escape(typed)}(?!\w)", candidate,
                                        typed_text, count=1)
                    changed = True
                    break
        return typed_text if changed else None


def _snippet(body: str, headline: str | None) -> str:
    """The headline with matches in ``<mark class="match">``, or the body's start."""
    if not body:
        return ""
    if not headline or _START not in headline:
        return _escape(body[:240])
    # Already escaped (see _page); a stray bracket would be PostgreSQL's, not ours.
    marked = headline.replace("<", "&lt;").replace(">", "&gt;")
    return marked.replace(_START, '<mark class="match">').replace(_STOP, "</mark>")


def tables_exist(conn: Connection) -> bool:
    return conn.execute(text("SELECT to_regclass('search_documents') IS NOT NULL")).scalar() \
        is True


__all__: Sequence[str] = ("PostgresIndex", "StaleWriter", "tables_exist")
