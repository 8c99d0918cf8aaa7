"""Alembic environment: runs on the connection handed over by forum.migrate."""

from __future__ import annotations

from alembic import context

import forum.projections.tables  # noqa: F401  (registers the read-model tables)
from forum.db import metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
