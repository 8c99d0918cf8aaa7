"""Full-text search: index 100,000 generated posts, then run a fixed query mix.

Corpus: 100,000 posts (``--posts``) in threads of about 10, spread over 40
conferences, written by 300 members, 200–1,200 characters each. Text mixes
the common-word prose of ``_common.body`` with a Zipf-distributed vocabulary
of 20,000 generated words (so rare words are rare and common ones common),
code identifiers (``sess.opts``, ``snake_case``), URLs and some Swedish. The
events (``ThreadStarted``, ``ReplyPosted``) are appended to a real SQLite log.

- ours: ``SearchService.reindex`` — read the log, turn events into documents,
  analyse (stems, accent folding, code and URL parts) and commit to Whoosh
  in batches. Queries: ``WhooshIndex.search`` for a page of 20 hits with
  highlighted snippets and the exact total, under the ACL filter (the reader
  may see 30 of the 40 conferences).
- peer: SQLite FTS5 (``porter unicode61 remove_diacritics 2``) over the same
  documents read from the same log; each query is a ``MATCH`` ordered by
  ``rank`` for 20 rows with ``snippet()``, plus a ``count(*)`` for the total,
  with the same ACL filter (``space IN (...)``) and operators as SQL conditions.

- ours-pg (when ``COMMONROOM_TEST_DATABASE_URL`` names a PostgreSQL database):
  the same reindex and queries with the PostgreSQL full-text backend
  (``search.pg_index``) in a fresh schema, dropped afterwards; its lines are
  named ``search_pg_*``, against the same SQLite FTS5 figures.

The query mix (22 queries) has common and rare words, two words, a phrase, a
prefix, OR, exclusion, and operator queries (by:, in:, after:, type:thread,
has:link), all under the ACL filter. Units: docs/s for indexing (ratio above 1:
ours faster); ms for query p50/p95 over every query of every round (ratio
below 1: ours faster).
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import _common as c

from forum.core import migrate
from forum.core.db import make_engine
from forum.core.events import Event
from forum.core.eventstore import EventStore, StreamWrite
from forum.features.conferences.events import ConferenceCreated
from forum.features.threads.events import ReplyPosted, ThreadStarted
from search import SearchService
from search.pg_index import PostgresIndex
from search.querylang import parse
from search.results import SearchRequest

CONFERENCES = 40
READABLE = 30
MEMBERS = 300
START = datetime(2024, 1, 1, tzinfo=UTC)
SWEDISH = ("smörgåsbord kanelbullar fika göteborg älvsborg sjöng flickorna "
           "måndag tisdag räksmörgås björk åsikt").split()
CODE = ("sess.opts snake_case camelCase parse_args os.path.join HttpClient "
        "user_id max_retries config.yaml").split()


def vocabulary(rng: random.Random, size: int = 20_000) -> list[str]:
    syllables = ["ka", "lo", "mi", "ne", "ru", "sta", "tor", "vel", "qua", "zen", "bri",
                 "dor", "fen", "gal", "hum", "jor", "kin", "lux", "mor", "nix", "pol"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))))
    return sorted(words)


class Corpus:
    """The generated forum: threads of posts with authors, places and times."""

    def __init__(self, posts: int, seed: int = 5) -> None:
        rng = random.Random(seed)
        self.vocab = vocabulary(rng)
        weights = [1 / (i + 1) for i in range(len(self.vocab))]
        pool = [c.paragraph(rng) for _ in range(2000)]
        self.conferences = [f"conf{i}" for i in range(CONFERENCES)]
        self.members = [f"m{i}" for i in range(MEMBERS)]
        self.writes: list[StreamWrite] = [StreamWrite(
            f"conference-{cid}", [ConferenceCreated(cid, cid, cid.title(), "", "private",
                                                       None, "m0")], 0)
            for cid in self.conferences]
        made, t = 0, 0
        while made < posts:
            tid, conference = f"t{t}", self.conferences[t % CONFERENCES]
            size = min(rng.randint(5, 15), posts - made)
            events: list[Event] = []
            for n in range(1, size + 1):
                text = self._text(rng, pool, weights)
                author = rng.choice(self.members)
                if n == 1:
                    events.append(ThreadStarted(tid, conference, self._subject(rng, weights),
                                                   f"{tid}p1", author, text))
                else:
                    events.append(ReplyPosted(tid, f"{tid}p{n}", n, f"{tid}p1", author, text))
            self.writes.append(StreamWrite(f"thread-{tid}", events, 0))
            made += size
            t += 1
        self.threads = t

    def _words(self, rng: random.Random, weights: list[float], k: int) -> list[str]:
        return rng.choices(self.vocab, weights, k=k)

    def _subject(self, rng: random.Random, weights: list[float]) -> str:
        return " ".join(self._words(rng, weights, rng.randint(3, 7))).capitalize()

    def _text(self, rng: random.Random, pool: list[str], weights: list[float]) -> str:
        prose = c.body(rng, rng.randint(150, 900), pool=pool)
        extra = self._words(rng, weights, rng.randint(10, 40))
        if rng.random() < 0.1:
            extra.append(rng.choice(CODE))
        if rng.random() < 0.05:
            extra += rng.sample(SWEDISH, 3)
        if rng.random() < 0.08:
            extra.append(f"https://docs.example.org/{rng.choice(self.vocab)}")
        return prose + "\n\n" + " ".join(extra) + "."


def load_log(path: Path, corpus: Corpus) -> EventStore:
    """The corpus in a real log: 20 threads an append, six hours apart (for after:)."""
    engine = make_engine(f"sqlite:///{path / 'log.db'}")
    migrate.upgrade(engine)
    moments = (START + timedelta(hours=6 * n) for n in range(10**9))
    store = EventStore(engine, projections=None, clock=lambda: next(moments))
    for start in range(0, len(corpus.writes), 20):
        store.append_streams(corpus.writes[start:start + 20])
    return store


# --- queries ---------------------------------------------------------------------------


def query_mix(corpus: Corpus) -> list[str]:
    v = corpus.vocab
    after = (START + timedelta(days=30)).date().isoformat()
    return [
        "database", "release deploy", v[3], v[40], v[900], v[5000], f"{v[2]} {v[30]}",
        '"the database"', f'"{v[1]} {v[2]}"', f"{v[10][:4]}*", "depl*",
        f"{v[800]} OR {v[1200]}", f"database -{v[0]}", "sess.opts", "smörgåsbord",
        f"{v[5]} by:m7", f"{v[5]} in:conf3", f"{v[5]} after:{after}",
        f"{v[20]} type:thread", f"{v[7]} has:link", "by:m42", f"{v[60]} {v[61]} {v[62]}",
    ]


def request_for(text: str, spaces: frozenset[str]) -> SearchRequest:
    parsed = parse(text)
    if parsed.places:
        spaces = frozenset(p for p in parsed.places if p in spaces)
    return SearchRequest(parsed, spaces, authors=parsed.authors, text=text)


def _fts_term(words: tuple[str, ...], phrase: bool, prefix: bool) -> str:
    quoted = " ".join(w.replace('"', "") for w in words)
    if prefix:
        return f'"{quoted}"*'
    return f'"{quoted}"'


def fts_query(text: str, spaces: frozenset[str]) -> tuple[str, list[object]]:
    """The same query as SQL over FTS5: MATCH for words, conditions for operators."""
    q = parse(text)
    groups = [" OR ".join(_fts_term(t.words, t.phrase, t.prefix) for t in g) for g in q.must]
    match = " AND ".join(f"({g})" for g in groups)
    if q.must_not:
        match += " NOT " + " NOT ".join(_fts_term(t.words, t.phrase, t.prefix)
                                        for t in q.must_not)
    chosen = [s for s in q.places if s in spaces] if q.places else sorted(spaces)
    where = [f"space IN ({','.join('?' * len(chosen))})"]
    params: list[object] = list(chosen)
    if match:
        where.insert(0, "docs MATCH ?")
        params.insert(0, match)
    if q.authors:
        where.append("author = ?")
        params.append(q.authors[0])
    if q.after:
        where.append("created >= ?")
        params.append(q.after.isoformat())
    if q.kinds:
        where.append("kind = ?")
        params.append(q.kinds[0])
    if q.has_link:
        where.append("has_link = 1")
    return " AND ".join(where), params


def open_fts(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path / "fts.db")
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, kind UNINDEXED, "
                 "space UNINDEXED, author UNINDEXED, created UNINDEXED, has_link UNINDEXED, "
                 "tokenize='porter unicode61 remove_diacritics 2')")
    return conn


def index_fts(conn: sqlite3.Connection, store: EventStore) -> int:
    """Read the log and insert a row per thread subject and per post, as ours does."""
    from search.documents import Put, changes_for

    spaces: dict[str, str] = {}
    rows = []
    for recorded in store.iter_all():
        for change in changes_for(recorded, spaces.get):
            if isinstance(change, Put):
                d = change.document
                if d.kind == "thread":
                    spaces[d.container] = d.space
                rows.append((d.title, d.body, d.kind, d.space, d.author,
                             d.created.date().isoformat(), int(d.has_link)))
    with conn:
        conn.executemany("INSERT INTO docs VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    return len(rows)


def run_fts(conn: sqlite3.Connection, text: str, spaces: frozenset[str]) -> int:
    where, params = fts_query(text, spaces)
    order = "ORDER BY rank" if "MATCH" in where else "ORDER BY created DESC"
    conn.execute(f"SELECT rowid, title, snippet(docs, 1, '<mark>', '</mark>', '…', 24) "
                 f"FROM docs WHERE {where} {order} LIMIT 20", params).fetchall()
    return int(conn.execute(f"SELECT count(*) FROM docs WHERE {where}", params).fetchone()[0])


@contextmanager
def pg_service(url: str) -> Iterator[SearchService]:
    """The PostgreSQL backend in a fresh schema of ``url``'s database, dropped afterwards."""
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}")
    try:
        migrate.upgrade(engine)
        yield SearchService(PostgresIndex(engine))
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def time_queries(args: Any, service: SearchService, mix: list[str], spaces: frozenset[str],
                 rounds: int) -> list[float]:
    """Milliseconds per query of every round but the first (which warms caches)."""
    taken: list[float] = []
    for round_no in range(rounds + 1):
        for text in mix:
            request = request_for(text, spaces)
            t0 = time.perf_counter()
            total = service.index.search(request).total
            if round_no:
                taken.append((time.perf_counter() - t0) * 1000)
            elif args.verbose:
                c.log(args, f"{text!r}: ours-pg {total:,} hits")
    return taken


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> list[str]:
    p = c.parser(__doc__)
    p.add_argument("--posts", type=int, default=None)
    args = p.parse_args(argv)
    posts = args.posts or (10_000 if args.quick else 100_000)
    rounds = args.rounds or (3 if args.quick else 5)
    corpus = Corpus(posts)
    spaces = frozenset(corpus.conferences[:READABLE])
    with c.workdir("search") as path:
        store = load_log(path, corpus)
        c.log(args, f"log: {store.head():,} events, {corpus.threads:,} threads")

        service = SearchService(path / "index")
        started = time.perf_counter()
        service.reindex(store)
        ours_seconds = time.perf_counter() - started
        docs = service.index.doc_count()
        fts = open_fts(path)
        started = time.perf_counter()
        fts_docs = index_fts(fts, store)
        fts_seconds = time.perf_counter() - started
        assert docs == fts_docs, (docs, fts_docs)
        c.log(args, f"indexed {docs:,} docs: ours {ours_seconds:.1f} s, fts5 {fts_seconds:.1f} s")

        mix = query_mix(corpus)
        ours_ms: list[float] = []
        fts_ms: list[float] = []
        for round_no in range(rounds + 1):  # the first round warms caches and is not counted
            for text in mix:
                request = request_for(text, spaces)
                t0 = time.perf_counter()
                ours_total = service.index.search(request).total
                t1 = time.perf_counter()
                fts_total = run_fts(fts, text, spaces)
                t2 = time.perf_counter()
                if round_no:
                    ours_ms.append((t1 - t0) * 1000)
                    fts_ms.append((t2 - t1) * 1000)
                elif args.verbose:
                    c.log(args, f"{text!r}: ours {ours_total:,} hits, fts5 {fts_total:,}")
        service.close()
        pg_lines: list[str] = []
        pg_url = os.environ.get("COMMONROOM_TEST_DATABASE_URL", "")
        if pg_url.startswith("postgresql"):
            with pg_service(pg_url) as pg:
                started = time.perf_counter()
                pg.reindex(store)
                pg_seconds = time.perf_counter() - started
                pg_docs = pg.index.doc_count()
                assert pg_docs == fts_docs, (pg_docs, fts_docs)
                c.log(args, f"indexed {pg_docs:,} docs into PostgreSQL in {pg_seconds:.1f} s")
                pg_ms = time_queries(args, pg, mix, spaces, rounds)
            pg_lines = [
                c.summary("search_pg_index", pg_docs / pg_seconds, "sqlite-fts5",
                          fts_docs / fts_seconds, "docs/s"),
                c.summary("search_pg_query_p50", statistics.median(pg_ms), "sqlite-fts5",
                          statistics.median(fts_ms), "ms"),
                c.summary("search_pg_query_p95", percentile(pg_ms, 0.95), "sqlite-fts5",
                          percentile(fts_ms, 0.95), "ms"),
            ]
        fts.close()
    lines = [
        c.summary("search_index", docs / ours_seconds, "sqlite-fts5", fts_docs / fts_seconds,
                  "docs/s"),
        c.summary("search_query_p50", statistics.median(ours_ms), "sqlite-fts5",
                  statistics.median(fts_ms), "ms"),
        c.summary("search_query_p95", percentile(ours_ms, 0.95), "sqlite-fts5",
                  percentile(fts_ms, 0.95), "ms"),
        f"search_reindex: ours {ours_seconds:.1f} s for {docs:,} documents from "
        f"{store.head():,} events ({posts:,} posts)",
        *pg_lines,
    ]
    for line in lines:
        print(line, flush=True)
    return lines


if __name__ == "__main__":
    main()
