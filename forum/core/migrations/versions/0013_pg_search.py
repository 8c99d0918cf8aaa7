"""PostgreSQL full-text search: documents with a tsvector, the word list, the checkpoint

Only on PostgreSQL (SQLite deployments search with Whoosh on disk). pg_trgm
(for "did you mean") and unaccent (for highlighting accented words) are
created when the database allows it; without them search still works, with
the fallbacks described in search/pg_index.py.

Revision ID: 0013
Revises: 0012
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _extension_schema(bind: sa.Connection, name: str) -> str | None:
    found = bind.execute(sa.text(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace"
        " WHERE e.extname = :name"), {"name": name}).scalar()
    return None if found is None else str(found)


def _extension(bind: sa.Connection, name: str) -> str | None:
    """The schema of extension ``name``, creating it (in public if we may) when missing."""
    schema = _extension_schema(bind, name)
    for statement in (f"CREATE EXTENSION IF NOT EXISTS {name} WITH SCHEMA public",
                      f"CREATE EXTENSION IF NOT EXISTS {name}"):
        if schema is not None:
            break
        try:
            with bind.begin_nested():
                bind.exec_driver_sql(statement)
        except sa.exc.DBAPIError:  # not installed, not allowed, or created meanwhile
            pass
        schema = _extension_schema(bind, name)
    return schema


def _quoted(schema: str) -> str:
    return '"' + schema.replace('"', '""') + '"'


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.create_table(
        'search_documents',
        sa.Column('id', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('space', sa.String(length=200), nullable=False),
        sa.Column('container', sa.String(length=200), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('author', sa.String(length=200), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('created', sa.DateTime(timezone=True), nullable=False),
        sa.Column('day', sa.Integer(), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('has_link', sa.Boolean(), nullable=False),
        sa.Column('tsv', postgresql.TSVECTOR(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_search_documents_tsv', 'search_documents', ['tsv'],
                    postgresql_using='gin')
    op.create_index('ix_search_documents_space', 'search_documents', ['space'])
    op.create_index('ix_search_documents_container', 'search_documents',
                    ['container', 'seq'])
    op.create_index('ix_search_documents_created', 'search_documents', ['created'])
    op.create_table(
        'search_words',
        sa.Column('word', sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint('word'),
    )
    op.create_table(
        'search_checkpoint',
        sa.Column('name', sa.String(length=20), nullable=False),
        sa.Column('txid', sa.BigInteger(), nullable=False),
        sa.Column('position', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )
    trgm = _extension(bind, "pg_trgm")
    if trgm is not None:
        op.execute("CREATE INDEX ix_search_words_trgm ON search_words "
                   f"USING gin (word {_quoted(trgm)}.gin_trgm_ops)")
    # English stems with accents folded, for ts_headline to find the words it marks.
    op.execute("CREATE TEXT SEARCH CONFIGURATION commonroom_english (COPY = pg_catalog.english)")
    unaccent = _extension(bind, "unaccent")
    if unaccent is not None:
        op.execute("ALTER TEXT SEARCH CONFIGURATION commonroom_english ALTER MAPPING FOR "
                   f"hword, hword_part, word WITH {_quoted(unaccent)}.unaccent, english_stem")


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS commonroom_english")
    op.drop_table('search_checkpoint')
    op.drop_table('search_words')
    op.drop_table('search_documents')
