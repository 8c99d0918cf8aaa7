"""Schema migrations with Alembic, run from code (``commonroom`` does it on start)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from forum.core.db import is_postgres, write_connection

MIGRATIONS = Path(__file__).parent / "migrations"
_LOCK_KEY = "hashtext('commonroom-migrate.' || current_schema())"  # one per schema


def alembic_config() -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine) -> None:
    """Bring the database schema to the newest migration."""
    config = alembic_config()
    with write_connection(engine) as conn:
        if is_postgres(engine):
            # Several web processes start at once: one migrates, the others wait
            # and then find nothing to do. (SQLite's writer lock does the same.)
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({_LOCK_KEY})")
            conn.commit()
        try:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            conn.commit()
        finally:
            if is_postgres(engine):
                conn.rollback()
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_LOCK_KEY})")
                conn.commit()


def pending(engine: Engine) -> list[str]:
    """Revisions not yet applied, oldest first."""
    script = ScriptDirectory.from_config(alembic_config())
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    # From the newest down to (not including) the one applied last.
    return [rev.revision for rev in reversed(list(
        script.iterate_revisions("heads", current or "base"))) if rev is not None]
