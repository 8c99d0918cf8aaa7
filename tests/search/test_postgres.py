"""The PostgreSQL backend's own parts: how it is chosen, its schema, highlighting accents,
"did you mean" without pg_trgm, and `commonroom reindex` on it. (Everything else is the
shared suite in this directory, which runs on both backends.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from forum import create_app
from forum.backend import Backend, open_backend
from forum.cli import main
from forum.core.config import from_env
from forum.core.db import make_engine
from forum.core.permissions import ANONYMOUS
from forum.features.threads import handlers as threads
from forum.features.threads.commands import PostReply
from search import open_search
from search.documents import Document
from search.pg_index import PostgresIndex, StaleWriter
from tests.conftest import People, make_config
from tests.search.conftest import Places, index_all, search


@pytest.fixture
def backend(pg_schema_url: str, tmp_path: Path) -> Iterator[Backend]:
    """PostgreSQL only, here (the shared fixture runs both)."""
    result = open_backend(make_config(tmp_path, pg_schema_url))
    yield result
    result.dispose()


@pytest.fixture
def pg(backend: Backend) -> Backend:
    return backend


def test_the_backend_follows_the_database_or_the_setting(
        pg: Backend, tmp_path: Path) -> None:
    sqlite = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        assert open_search("auto", tmp_path, pg.engine).backend_name == "postgres"
        assert open_search("auto", tmp_path, sqlite).backend_name == "whoosh"
        assert open_search("whoosh", tmp_path, pg.engine).backend_name == "whoosh"
        assert open_search("postgres", tmp_path, pg.engine).backend_name == "postgres"
        with pytest.raises(ValueError, match="needs COMMONROOM_DATABASE_URL"):
            open_search("postgres", tmp_path, sqlite)
        with pytest.raises(ValueError, match="is one of auto, whoosh, postgres"):
            open_search("elastic", tmp_path, pg.engine)
    finally:
        sqlite.dispose()
    assert pg.search.backend_name == "postgres"
    env = {"COMMONROOM_DATA_DIR": str(tmp_path), "COMMONROOM_SECRET_KEY": "x"}
    assert from_env(env).search_backend == "auto"
    assert from_env({**env, "COMMONROOM_SEARCH_BACKEND": "Whoosh "}).search_backend == "whoosh"


def test_the_migration_makes_the_tables_indexes_and_configuration(pg: Backend) -> None:
    with pg.engine.connect() as conn:
        indexes = set(conn.execute(text(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            " AND tablename LIKE 'search_%'")).scalars())
        configs = set(conn.execute(text(
            "SELECT cfgname FROM pg_ts_config WHERE cfgnamespace ="
            " current_schema()::regnamespace")).scalars())
        extensions = set(conn.execute(text("SELECT extname FROM pg_extension")).scalars())
    assert {"ix_search_documents_tsv", "ix_search_documents_space",
            "search_documents_pkey", "search_words_pkey"} <= indexes
    assert "commonroom_english" in configs
    # Both are part of PostgreSQL's contrib and trusted: the migration creates them here.
    assert {"pg_trgm", "unaccent"} <= extensions
    assert "ix_search_words_trgm" in indexes


def test_accented_words_are_found_and_marked(pg: Backend, people: People,
                                             places: Places) -> None:
    threads.post_reply(pg.services, people.admin, PostReply(
        places.thread["public"], places.post["public"], "Fika på Café Zqmörgås i Malmö"))
    for query in ("cafe", "café", "zqmorgas", "zqmörgås", "zqmör*"):
        (hit,) = search(pg, ANONYMOUS, query).hits
        assert re.search(r'<mark class="match">(Café|Zqmörgås)</mark>', hit.snippet_html), query


def test_did_you_mean_without_pg_trgm(pg: Backend, people: People, places: Places,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    index = pg.search.index
    assert isinstance(index, PostgresIndex)
    monkeypatch.setattr(index, "_trgm_known", True)
    monkeypatch.setattr(index, "_trgm", None)
    result = search(pg, people.staff, "zqprivateuniqe")
    assert result.total == 0 and result.suggestion == "zqprivateunique"
    assert search(pg, ANONYMOUS, "zqprivateuniqe").suggestion is None
    assert search(pg, ANONYMOUS, "gardenign").suggestion == "gardening"


def test_commonroom_reindex_on_postgresql(pg_schema_url: str, tmp_path: Path) -> None:
    app: Flask = create_app(make_config(tmp_path, pg_schema_url))
    backend: Backend = app.extensions["commonroom"]
    try:
        people_places = Places(backend, People(backend))
        index_all(backend)
        before = backend.search.index.doc_count()
        backend.search.index.clear()
        assert backend.search.index.doc_count() == 0
        result = app.test_cli_runner().invoke(main, ["reindex"])
        assert result.exit_code == 0, result.output
        assert re.fullmatch(rf"indexed {before} documents from \d+ events\n", result.stdout)
        assert backend.search.index.checkpoint()[1] == backend.store.head()
        assert [h.doc_id for h in search(backend, ANONYMOUS, "zqpublicunique").hits] == [
            f"post:{people_places.post['public']}"]
        # And the search page and the API answer from PostgreSQL, as they do from Whoosh
        client = app.test_client()
        page = client.get("/search", query_string={"q": "zqpublicunique"}).get_data(True)
        assert "1 result" in page and '<mark class="match">zqpublicunique</mark>' in page
        data = client.get("/api/v1/search", query_string={"q": "zqprivateuniqe"}).get_json()
        assert data["total"] == 0 and not data.get("suggestion")
    finally:
        backend.dispose()



def test_a_second_writer_is_refused_and_nothing_is_applied_twice(pg: Backend) -> None:
    # Given two indexers that both read the checkpoint (say, one lost its lease unnoticed)
    first, second = PostgresIndex(pg.engine), PostgresIndex(pg.engine)
    assert first.checkpoint() == second.checkpoint() == (0, 0)
    doc = Document("post:p1", "post", "c1", "t1", 1, "m1", "", "zqonce", datetime.now(UTC))
    # When the first commits a batch, then the second tries to commit the same events
    first.write([doc], [], (0, 5))
    with pytest.raises(StaleWriter, match=r"at \(0, 5\), not \(0, 0\)"):
        second.write([replace(doc, body="zqtwice")], ["post:p9"], (0, 5))
    # Then the second wrote nothing, and resumes from where the first left the index
    assert first.get("post:p1") == doc and second.checkpoint() == (0, 5)
    second.write([], [], (0, 7))
    assert first.checkpoint() == (0, 7)


def test_ranking_among_the_newest_matches_pages_without_overlap(
        pg: Backend, monkeypatch: pytest.MonkeyPatch) -> None:
    import search.pg_index
    from search.planning import MAX_PAGE
    from search.querylang import parse
    from search.results import SearchRequest

    assert search.pg_index.MAX_PAGE == MAX_PAGE
    index = PostgresIndex(pg.engine)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    # The oldest document says the word most often; the others once each.
    docs = [Document(f"post:p{n}", "post", "c1", "t1", n, "m1", "",
                     "zqrank " * (9 if n == 0 else 1), start.replace(day=n + 1))
            for n in range(9)]
    index.write(docs, [], (0, 9))
    monkeypatch.setattr(search.pg_index, "RANK_CANDIDATES", 4)
    monkeypatch.setattr(search.pg_index, "MAX_PAGE", 2)

    def page(number: int) -> list[str]:
        request = SearchRequest(parse("zqrank"), frozenset({"c1"}), page=number, per_page=2)
        results = index.search(request)
        assert results.total == 9
        return [h.doc_id for h in results.hits]

    # Ranked among the newest four (the oldest, however relevant, is not among them)
    pages = [page(1), page(2)]
    assert [len(p) for p in pages] == [2, 2]
    assert len(set(pages[0] + pages[1])) == 4 and "post:p0" not in pages[0] + pages[1]
    monkeypatch.setattr(search.pg_index, "RANK_CANDIDATES", 100)
    assert page(1)[0] == "post:p0"
