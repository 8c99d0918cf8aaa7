"""``commonroom check``: the configuration's problems, in plain words, before they bite.

Each check looks at one thing and says what it found. Nothing here changes
anything: the database is not migrated, no secret is written.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import redis
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from forum.core import migrate
from forum.core.config import PREFIX

MIN_SECRET = 32


@dataclass(frozen=True)
class Finding:
    level: str  # "ok", "warning" or "problem"
    message: str


def run_checks(environ: Mapping[str, str] | None = None) -> list[Finding]:
    env = os.environ if environ is None else environ
    data_dir = Path(env.get(PREFIX + "DATA_DIR") or "instance").resolve()
    database_url = env.get(PREFIX + "DATABASE_URL") or f"sqlite:///{data_dir / 'commonroom.db'}"
    postgres = database_url.startswith("postgresql")
    redis_url = env.get(PREFIX + "REDIS_URL")
    return [
        _data_dir(data_dir),
        _secret(env.get(PREFIX + "SECRET_KEY"), data_dir, several_hosts=postgres),
        *_database(database_url),
        _redis(redis_url, several_processes=postgres),
        _base_url(env.get(PREFIX + "BASE_URL"), public=postgres),
        _search(env.get(PREFIX + "SEARCH_BACKEND"), data_dir, postgres=postgres),
    ]


def _data_dir(path: Path) -> Finding:
    if not path.exists():
        return Finding("warning", f"the data directory {path} does not exist yet; "
                                  "it is created on first start")
    if not os.access(path, os.W_OK):
        return Finding("problem", f"the data directory {path} is not writable by this user")
    return Finding("ok", f"data directory {path}")


def _secret(value: str | None, data_dir: Path, *, several_hosts: bool) -> Finding:
    if value:
        if len(value) < MIN_SECRET:
            return Finding("problem", f"COMMONROOM_SECRET_KEY is only {len(value)} characters; "
                                      f"use at least {MIN_SECRET} random ones")
        return Finding("ok", "secret key set in COMMONROOM_SECRET_KEY")
    if several_hosts:
        return Finding("problem", "COMMONROOM_SECRET_KEY is not set: with PostgreSQL you "
                                  "probably run several processes or hosts, and each would "
                                  "make its own key, signing people out as they move "
                                  "between them; set the same random key everywhere")
    if (data_dir / "secret_key").exists():
        return Finding("ok", f"secret key kept in {data_dir / 'secret_key'}")
    return Finding("warning", f"no secret key yet: one is made on first start and kept in "
                              f"{data_dir / 'secret_key'}")


def _database(url: str) -> list[Finding]:
    parsed = make_url(url)
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        if not Path(parsed.database).exists():  # connecting would create it
            return [Finding("warning", f"no database at {parsed.database} yet: it is created "
                                       "on first start (`make run` also loads the demo)")]
    engine = create_engine(url, connect_args=(
        {"connect_timeout": 5} if url.startswith("postgresql") else {}))
    try:
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except Exception as exc:
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            return [Finding("problem", f"cannot reach the database {shown}: {reason}")]
        waiting = migrate.pending(engine)
    finally:
        engine.dispose()
    found = [Finding("ok", f"database {shown} answers")]
    if waiting:
        found.append(Finding("warning", f"{len(waiting)} schema migration(s) pending "
                                        f"({', '.join(waiting)}); they run when Commonroom "
                                        "next starts (back up the database first)"))
    else:
        found.append(Finding("ok", "database schema is up to date"))
    return found


def _redis(url: str | None, *, several_processes: bool) -> Finding:
    if not url:
        if several_processes:
            return Finding("warning", "COMMONROOM_REDIS_URL is not set: live rooms, presence "
                                      "and sign-in limits stay inside each process, so run "
                                      "one web process or set it")
        return Finding("ok", "no Redis (one process serves everything)")
    try:
        client = redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=3)
        client.ping()
        client.close()
    except Exception as exc:
        return Finding("problem", f"cannot reach Redis at {url}: {exc}")
    return Finding("ok", f"Redis at {url} answers")


def _base_url(value: str | None, *, public: bool) -> Finding:
    url = (value or "http://127.0.0.1:5000").rstrip("/")
    if public and ("127.0.0.1" in url or "localhost" in url):
        return Finding("warning", f"COMMONROOM_BASE_URL is {url}: links in feeds, mail and "
                                  "federation will point at this machine; set the public "
                                  "address")
    return Finding("ok", f"base URL {url}")


def _search(value: str | None, data_dir: Path, *, postgres: bool) -> Finding:
    from search import backend_problem

    choice = (value or "auto").strip().lower()
    if (problem := backend_problem(choice, postgres)) is not None:
        return Finding("problem", problem)
    if choice == "postgres" or (choice == "auto" and postgres):
        return Finding("ok", "search: PostgreSQL full-text search, in the database")
    if postgres:
        return Finding("warning", f"search: Whoosh in {data_dir / 'index'} although the "
                                  "database is PostgreSQL: every web process and the worker "
                                  "must share that directory (leave COMMONROOM_SEARCH_BACKEND "
                                  "unset to search in PostgreSQL)")
    return Finding("ok", f"search: Whoosh in {data_dir / 'index'}")
