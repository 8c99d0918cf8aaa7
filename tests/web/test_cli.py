"""The ``commonroom`` command, run against the test app with Flask's CLI runner."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, func, select

from forum.backend import Backend
from forum.cli import main
from forum.core.db import write_connection
from forum.features.members.queries import get_member_by_handle
from forum.features.reading.tables import read_markers
from forum.features.threads.tables import posts
from tests.conftest import PASSWORD
from tests.web.conftest import Auth, World


def count(backend: Backend, table: object) -> int:
    with backend.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar() or 0)


def test_rebuild_restores_every_read_model(app: Flask, backend: Backend, world: World,
                                           client: FlaskClient, auth: Auth) -> None:
    auth.login("sam")
    client.get(f"/t/{world.thread['internal']}")  # a read marker, too
    expected_posts, expected_markers = count(backend, posts), count(backend, read_markers)
    assert expected_posts == 3 and expected_markers == 1
    with write_connection(backend.engine) as conn, conn.begin():
        conn.execute(delete(posts))
        conn.execute(delete(read_markers))
    assert client.get(f"/t/{world.thread['internal']}").status_code == 200
    assert count(backend, posts) == 0

    result = app.test_cli_runner().invoke(main, ["rebuild"])
    assert result.exit_code == 0, result.output
    head = backend.store.head()
    assert f"rebuilt every read model from {head:,} events" in result.stdout
    assert "Replaying the log" in result.stderr  # the progress bar
    assert count(backend, posts) == expected_posts
    assert count(backend, read_markers) == expected_markers
    page = client.get(f"/t/{world.thread['internal']}").get_data(as_text=True)
    assert "secret-internal-words" in page


def test_rebuild_one_read_model(app: Flask, backend: Backend, world: World) -> None:
    result = app.test_cli_runner().invoke(main, ["rebuild", "threads"])
    assert result.exit_code == 0, result.output
    assert "rebuilt threads from" in result.stdout
    assert count(backend, posts) == 3


def test_rebuild_an_unknown_read_model(app: Flask, world: World) -> None:
    result = app.test_cli_runner().invoke(main, ["rebuild", "nonsense"])
    assert result.exit_code == 2
    assert "no projection called nonsense (known: " in result.output
    assert "Traceback" not in result.output


def test_export_writes_the_log_as_json_lines(app: Flask, backend: Backend, world: World,
                                             tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(main, ["export"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == backend.store.head()
    records = [json.loads(line) for line in lines]
    assert [r["position"] for r in records] == list(range(1, len(records) + 1))
    assert records[0]["type"] == "MemberRegistered"
    assert records[0]["data"]["handle"] == "ada"
    assert set(records[0]) == {"position", "stream_id", "stream_version", "type",
                               "schema_version", "data", "meta", "occurred_at"}
    started = [r for r in records if r["type"] == "ThreadStarted"]
    assert [r["data"]["body"] for r in started] == [
        "secret-public-words", "secret-internal-words", "secret-private-words"]
    # To a file, the same lines.
    target = tmp_path / "log.jsonl"
    result = app.test_cli_runner().invoke(main, ["export", "-o", str(target)])
    assert result.exit_code == 0
    assert target.read_text().splitlines() == lines


def test_create_admin(app: Flask, backend: Backend, client: FlaskClient) -> None:
    result = app.test_cli_runner().invoke(main, [
        "create-admin", "--handle", "Root", "--name", "Root User",
        "--email", "root@example.org", "--password", "root's long password"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "administrator @root created\n"
    with backend.engine.connect() as conn:
        row = get_member_by_handle(conn, "root")
    assert (row.role, row.display_name, row.active) == ("admin", "Root User", True)
    response = client.post("/login", data={"login": "root", "password": "root's long password"})
    assert response.status_code == 302
    assert client.get("/admin").status_code == 200


def test_create_admin_asks_for_what_is_missing(app: Flask, backend: Backend) -> None:
    answers = "keeper\nKeeper\nkeeper@example.org\nkeeper password\nkeeper password\n"
    result = app.test_cli_runner().invoke(main, ["create-admin"], input=answers)
    assert result.exit_code == 0, result.output
    assert "administrator @keeper created" in result.output
    assert "keeper password" not in result.output  # hidden input
    with backend.engine.connect() as conn:
        assert get_member_by_handle(conn, "keeper").role == "admin"


def test_create_admin_with_a_taken_handle(app: Flask, backend: Backend, world: World) -> None:
    head = backend.store.head()
    result = app.test_cli_runner().invoke(main, [
        "create-admin", "--handle", "ada", "--name", "Ada Again",
        "--email", "ada2@example.org", "--password", PASSWORD])
    assert result.exit_code == 1
    assert result.output == "Error: the handle @ada is taken\n"
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert backend.store.head() == head


def test_create_admin_with_a_short_password(app: Flask, backend: Backend) -> None:
    result = app.test_cli_runner().invoke(main, [
        "create-admin", "--handle", "root", "--name", "Root",
        "--email", "root@example.org", "--password", "short"])
    assert result.exit_code == 1
    assert result.output == "Error: a password has at least 10 characters\n"
    assert backend.store.head() == 0


def test_worker_once_catches_up(app: Flask, world: World) -> None:
    result = app.test_cli_runner().invoke(main, ["worker", "--once"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "caught up\n"
