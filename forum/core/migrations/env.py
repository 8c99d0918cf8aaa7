"""Alembic environment: runs on the connection handed over by forum.migrate."""

from __future__ import annotations

from alembic import context

from forum.core.db import metadata
from forum.features import register_tables

register_tables()

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
