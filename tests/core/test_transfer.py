"""Export and import the whole log: SQLite to PostgreSQL and back, identical read models."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from forum import create_app
from forum.backend import Backend, open_backend
from forum.cli import main
from forum.core import serialization
from forum.core.errors import InvalidInput
from forum.features.threads.events import ThreadPinned
from forum.transfer import export_log, import_log
from tests.conftest import People, make_config, sqlite_backend
from tests.core.test_rebuild import Snapshot, live_a_little, snapshot


def exported(backend: Backend) -> str:
    out = io.StringIO()
    export_log(backend.store, out)
    return out.getvalue()


def load(backend: Backend, text: str) -> None:
    import_log(backend, text.splitlines())
    backend.projections.rebuild(backend.engine)


def _plain(value: Any) -> Any:
    """A value as both databases agree on it (times in UTC, booleans as 0/1)."""
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UTC)
        return aware.astimezone(UTC).replace(tzinfo=None).isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def plain(shot: Snapshot) -> Snapshot:
    return {name: sorted((tuple(_plain(v) for v in row) for row in rows), key=repr)
            for name, rows in shot.items()}


@pytest.fixture
def lived(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    (tmp_path / "a").mkdir()
    backend = sqlite_backend(tmp_path / "a", tmp_path_factory)
    live_a_little(backend, People(backend))
    yield backend
    backend.dispose()


@pytest.fixture
def empty_sqlite(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    (tmp_path / "c").mkdir()
    backend = sqlite_backend(tmp_path / "c", tmp_path_factory)
    yield backend
    backend.dispose()


def test_sqlite_to_postgres_and_back_gives_the_same_log_and_read_models(
    lived: Backend, empty_sqlite: Backend, pg_schema_url: str, tmp_path: Path
) -> None:
    # Given a forum that has lived a little on SQLite, exported
    first = exported(lived)

    # When it is imported into PostgreSQL, exported again, and imported into SQLite
    (tmp_path / "b").mkdir()
    postgres = open_backend(make_config(tmp_path / "b", pg_schema_url))
    try:
        load(postgres, first)
        second = exported(postgres)
        on_postgres = snapshot(postgres)
        # and the forum goes on there: a new event's position follows the imported ones
        head = postgres.store.head()
        after = postgres.store.append("thread-after", [ThreadPinned("after", "m")],
                                      expected_version=0)
    finally:
        postgres.dispose()
    load(empty_sqlite, second)

    # Then the log is the same line for line, and so is every read model
    assert second == first
    assert exported(empty_sqlite) == first
    assert snapshot(empty_sqlite) == snapshot(lived)
    assert plain(on_postgres) == plain(snapshot(lived))
    assert head == len(first.splitlines())
    assert after[0].position == head + 1


def test_import_refuses_a_database_that_already_has_a_log(lived: Backend) -> None:
    with pytest.raises(InvalidInput, match="already holds"):
        import_log(lived, exported(lived).splitlines())


@pytest.mark.parametrize(("mangle", "message"), [
    (lambda lines: [*lines[:3], "{not json", *lines[3:]], "line 4: not JSON"),
    (lambda lines: [lines[0], lines[2], lines[1], *lines[3:]], "line 3"),
    (lambda lines: [*lines[:2], lines[1], *lines[2:]], "line 3"),
    (lambda lines: [*lines[:5], lines[5].replace('"type":"', '"type":"Nope'), *lines[6:]],
     "line 6: not an event"),
    (lambda lines: [*lines[:1], serialization.dumps({"position": 2}), *lines[1:]],
     "line 2: expected exactly the fields"),
])
def test_a_bad_line_is_named_and_nothing_is_written(
    lived: Backend, empty_sqlite: Backend, mangle: Any, message: str
) -> None:
    lines = mangle(exported(lived).splitlines())
    with pytest.raises(InvalidInput, match=message):
        import_log(empty_sqlite, lines)
    assert empty_sqlite.store.head() == 0


def test_the_commands_round_trip_through_a_file(
    lived: Backend, empty_sqlite: Backend, tmp_path: Path
) -> None:
    dump = tmp_path / "log.jsonl"
    source_app = create_app(lived.config)
    target_app = create_app(empty_sqlite.config)
    try:
        out = source_app.test_cli_runner().invoke(main, ["export", "-o", str(dump)])
        assert out.exit_code == 0, out.output
        result = target_app.test_cli_runner().invoke(main, ["import", str(dump)])
        assert result.exit_code == 0, result.output
        assert "imported" in result.output
        target = target_app.extensions["commonroom"]
        assert snapshot(target) == snapshot(lived)

        # Again into the same database: a clear refusal, no traceback
        again = target_app.test_cli_runner().invoke(main, ["import", str(dump)])
        assert again.exit_code == 1
        assert "already holds" in again.output
        assert "Traceback" not in again.output
    finally:
        for app in (source_app, target_app):
            app.extensions["commonroom"].dispose()
