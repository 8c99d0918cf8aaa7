"""``commonroom check``: configuration problems in plain words, and nothing changed."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from forum.cli import main
from tests.conftest import SETTINGS
from tests.servers import free_port


def check(env: dict[str, str]) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check"], env=env)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_a_fresh_embedded_setup_has_nothing_to_fix_and_is_left_untouched(
    tmp_path: Path
) -> None:
    data = tmp_path / "instance"
    code, output = check({"COMMONROOM_DATA_DIR": str(data), "COMMONROOM_DATABASE_URL": "",
                          "COMMONROOM_SECRET_KEY": "", "COMMONROOM_REDIS_URL": ""})
    assert code == 0, output
    assert "created on first start" in output
    assert "nothing to fix" in output
    assert not data.exists(), "check made the data directory"


def test_an_existing_database_with_the_schema_up_to_date(app: object, tmp_path: Path) -> None:
    code, output = check({"COMMONROOM_DATA_DIR": str(tmp_path / "data"),
                          "COMMONROOM_DATABASE_URL": "", "COMMONROOM_REDIS_URL": "",
                          "COMMONROOM_SECRET_KEY": "x" * 40})
    assert code == 0, output
    assert "database schema is up to date" in output
    assert "secret key set" in output


def test_pending_migrations_are_reported_without_running_them(tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    import sqlite3

    sqlite3.connect(database).close()  # an empty database: every migration is pending
    code, output = check({"COMMONROOM_DATA_DIR": str(tmp_path),
                          "COMMONROOM_DATABASE_URL": f"sqlite:///{database}",
                          "COMMONROOM_SECRET_KEY": "x" * 40, "COMMONROOM_REDIS_URL": ""})
    assert code == 0, output
    assert "schema migration(s) pending (0001" in output
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)


def test_unreachable_services_and_a_weak_secret_are_problems(tmp_path: Path) -> None:
    closed = free_port()
    code, output = check({
        "COMMONROOM_DATA_DIR": str(tmp_path),
        "COMMONROOM_DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{closed}/none",
        "COMMONROOM_REDIS_URL": f"redis://127.0.0.1:{closed}/0",
        "COMMONROOM_SECRET_KEY": "short",
        "COMMONROOM_BASE_URL": "",
    })
    assert code == 1
    assert "problem: COMMONROOM_SECRET_KEY is only 5 characters" in output
    assert f"problem: cannot reach the database postgresql+psycopg://nobody@127.0.0.1:{closed}" \
        in output
    assert f"problem: cannot reach Redis at redis://127.0.0.1:{closed}/0" in output
    assert "links in feeds" in output
    assert "3 problem(s) to fix" in output


def test_several_processes_need_a_shared_secret_and_redis(tmp_path: Path) -> None:
    url = SETTINGS["database_url"] or f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/x"
    code, output = check({"COMMONROOM_DATA_DIR": str(tmp_path), "COMMONROOM_DATABASE_URL": url,
                          "COMMONROOM_SECRET_KEY": "", "COMMONROOM_REDIS_URL": ""})
    assert code == 1
    assert "COMMONROOM_SECRET_KEY is not set: with PostgreSQL" in output
    assert "COMMONROOM_REDIS_URL is not set" in output


def test_other_commands_say_plainly_when_the_database_is_away(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["worker", "--once"], env={
        "COMMONROOM_DATA_DIR": str(tmp_path),
        "COMMONROOM_DATABASE_URL": f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/x"})
    assert result.exit_code == 1
    assert "cannot open the database" in result.output
    assert "Traceback" not in result.output


def test_the_search_backend_is_reported_and_a_wrong_one_is_a_problem(tmp_path: Path) -> None:
    env = {"COMMONROOM_DATA_DIR": str(tmp_path), "COMMONROOM_DATABASE_URL": "",
           "COMMONROOM_SECRET_KEY": "x" * 40, "COMMONROOM_REDIS_URL": ""}
    code, output = check(env)
    assert code == 0 and "search: Whoosh in" in output, output
    code, output = check({**env, "COMMONROOM_SEARCH_BACKEND": "postgres"})
    assert code != 0 and "COMMONROOM_SEARCH_BACKEND=postgres needs" in output, output
    code, output = check({**env, "COMMONROOM_SEARCH_BACKEND": "elastic"})
    assert code != 0 and "not 'elastic'" in output, output
    # And a command that opens the app says the same, without a traceback
    result = CliRunner().invoke(main, ["reindex"], env={
        **env, "COMMONROOM_SEARCH_BACKEND": "elastic"})
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "COMMONROOM_SEARCH_BACKEND is one of auto, whoosh, postgres" in result.output
    assert not (tmp_path / "commonroom.db").exists(), "it opened the database anyway"
