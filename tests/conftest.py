"""Shared fixtures: a fresh database per test (SQLite file; PostgreSQL schema when configured).

Tests mirror the code (tests/README.md). Where the two speeds share a folder
(tests/features/<feature>/, tests/live/), the file name says which fixtures a
module gets: test_pages*, test_api* and test_sockets* modules run against the
Flask app, with the fixtures of tests/web/conftest.py (whose ``backend`` is the
app's SQLite database); every other module gets the ones below, where
``backend`` is SQLite and again PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from forum.backend import Backend, open_backend
from forum.core.config import Config, test_settings
from forum.core.permissions import Viewer
from forum.features.members import handlers as members
from forum.features.members.commands import RegisterMember

TESTS = Path(__file__).resolve().parent
APP_MODULES = ("test_pages", "test_api", "test_sockets")
APP_FOLDERS = (TESTS / "features", TESTS / "live")
APP_FIXTURES = ("app", "backend", "people", "client", "auth", "world")
SETTINGS = test_settings()
FAST_HASH = {"password_time_cost": 1, "password_memory_cost": 1024}
PASSWORD = "correct horse battery"


def make_config(tmp_path: Path, database_url: str | None = None, **changes: object) -> Config:
    data_dir = tmp_path / "data"
    data_dir.mkdir(exist_ok=True)
    return Config(
        data_dir=data_dir,
        database_url=database_url or f"sqlite:///{data_dir / 'commonroom.db'}",
        secret_key="test-secret",
        run_subscribers=False,
        testing=True,
        **FAST_HASH,  # type: ignore[arg-type]
    ).with_changes(**changes)


_TEMPLATE: dict[str, Path] = {}


def sqlite_backend(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Backend:
    """A migrated SQLite database, copied from one migrated once per session."""
    if "db" not in _TEMPLATE:
        base = tmp_path_factory.mktemp("template")
        config = make_config(base)
        open_backend(config).dispose()
        _TEMPLATE["db"] = config.data_dir / "commonroom.db"
    config = make_config(tmp_path)
    shutil.copy(_TEMPLATE["db"], config.data_dir / "commonroom.db")
    return open_backend(config, migrate_schema=False)


def missing(what: str) -> None:
    """A real peer or service this test needs is not here: skip it, or fail when the run
    promised everything (COMMONROOM_REQUIRE_SERVICES=1, as in CI)."""
    if SETTINGS["require_services"]:
        pytest.fail(f"{what} (COMMONROOM_REQUIRE_SERVICES=1)")
    pytest.skip(what)


def postgres_url() -> str | None:
    url = SETTINGS["database_url"]
    if not url:
        if SETTINGS["require_services"]:
            pytest.fail("COMMONROOM_TEST_DATABASE_URL is required (COMMONROOM_REQUIRE_SERVICES=1)")
        pytest.skip("COMMONROOM_TEST_DATABASE_URL not set")
    return url


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    url = postgres_url()
    assert url is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """The wired log on SQLite, and again on PostgreSQL when it is configured."""
    if request.param == "sqlite":
        result = sqlite_backend(tmp_path, tmp_path_factory)
    else:
        url = request.getfixturevalue("pg_schema_url")
        result = open_backend(make_config(tmp_path, url))
    yield result
    result.dispose()


@pytest.fixture
def sqlite(tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """The wired log on SQLite only (for tests of the web layer and the model's IO)."""
    result = sqlite_backend(tmp_path, tmp_path_factory)
    yield result
    result.dispose()


class People:
    """A small cast registered through the real handlers."""

    def __init__(self, backend: Backend) -> None:
        svc = backend.services
        self.admin = self._add(svc, members.SYSTEM, "ada", "admin")
        self.staff = self._add(svc, self.admin, "sam", "staff")
        self.other = self._add(svc, self.admin, "oli", "staff")
        self.guest = self._add(svc, self.admin, "gus", "guest")

    @staticmethod
    def _add(svc: object, actor: Viewer, handle: str, role: str) -> Viewer:
        member_id = members.register_member(
            svc, actor,  # type: ignore[arg-type]
            RegisterMember(handle, handle.title(), f"{handle}@example.org", PASSWORD, role),
        )
        return Viewer(member_id, role)


@pytest.fixture
def people(backend: Backend) -> People:
    return People(backend)


def env_flag(name: str) -> bool:
    return os.environ.get(name, "") not in ("", "0")


class AppModule(pytest.Module):
    """A module that runs against the app, beside modules that do not (same folder, so one
    conftest): it sees tests/web/conftest.py's fixtures as if it had imported them."""

    def collect(self) -> Iterable[pytest.Item | pytest.Collector]:
        # Imported here, not at the top: tests/web/conftest.py imports this module.
        from tests.web import conftest as web

        namespace = vars(self.obj)
        for name in APP_FIXTURES:
            namespace.setdefault(name, getattr(web, name))  # the module's own fixture wins
        return super().collect()


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector
                                ) -> pytest.Module | None:
    if module_path.stem.startswith(APP_MODULES) and any(
            folder in module_path.parents for folder in APP_FOLDERS):
        return AppModule.from_parent(parent, path=module_path)
    return None
