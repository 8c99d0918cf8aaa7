"""Cursor pagination: opaque cursors that carry the last item's sort key.

Keys rather than offsets, so a page walk never repeats or skips an item while
others post: a thread that gains a reply moves ahead of the cursor (it is
newer than anything still to come), never back into the unread part.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from marshmallow import ValidationError, fields
from sqlalchemy import Connection, and_, false, or_, select

from forum.core.rows import DbRow
from forum.features.articles.tables import articles
from forum.features.members.tables import members
from forum.features.threads.tables import threads


@dataclass(frozen=True)
class ThreadKey:
    """Where a thread sorts: pinned first, then newest activity, then id."""

    pinned: bool
    last_post_at: datetime
    id: str


def encode(kind: str, *key: Any) -> str:
    raw = json.dumps([kind, *key], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def thread_cursor(row: DbRow) -> str:
    return encode("threads", bool(row.pinned), row.last_post_at.isoformat(), row.id)


def post_cursor(seq: int) -> str:
    return encode("posts", seq)


class Cursor(fields.String):
    """A cursor of one kind; loads to a ThreadKey (threads), a post number (posts) or
    (published at, id) (articles)."""

    def __init__(self, kind: str, **kwargs: Any) -> None:
        super().__init__(allow_none=True, **kwargs)
        self.kind = kind

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            kind, *key = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            if kind == self.kind == "threads":
                pinned, when, thread_id = key
                if isinstance(pinned, bool) and isinstance(thread_id, str) and (
                        "\x00" not in thread_id):
                    return ThreadKey(pinned, datetime.fromisoformat(when), thread_id)
            if kind == self.kind == "articles":
                when, article_id = key
                if isinstance(article_id, str) and "\x00" not in article_id:
                    return datetime.fromisoformat(when), article_id
            if kind == self.kind == "posts":
                (seq,) = key
                if isinstance(seq, int) and not isinstance(seq, bool) and 0 <= seq < 2**31:
                    return seq
        except (ValueError, TypeError, binascii.Error):
            pass
        raise ValidationError("not a cursor this API gave out; start again without one")


def list_threads_after(conn: Connection, conference_id: str, after: ThreadKey | None,
                       limit: int) -> Sequence[Any]:
    """Threads of a conference in listing order, starting after ``after``."""
    author = members.alias("author")
    query = (
        select(threads, author.c.display_name.label("author_name"),
               author.c.handle.label("author_handle"))
        .join(author, author.c.id == threads.c.author_id)
        .where(threads.c.conference_id == conference_id)
    )
    if after is not None:
        # Pinned sorts first, so after a pinned thread come the unpinned ones.
        query = query.where(or_(
            threads.c.pinned.is_(False) if after.pinned else false(),
            and_(threads.c.pinned == after.pinned, or_(
                threads.c.last_post_at < after.last_post_at,
                and_(threads.c.last_post_at == after.last_post_at, threads.c.id > after.id),
            )),
        ))
    return conn.execute(
        query.order_by(threads.c.pinned.desc(), threads.c.last_post_at.desc(), threads.c.id)
        .limit(limit)
    ).all()


def list_articles_after(conn: Connection, after: tuple[datetime, str] | None,
                        limit: int) -> Sequence[Any]:
    """Published articles, newest first, starting after ``after`` (published at, id)."""
    from forum.features.articles.queries import published_query

    query = published_query()
    if after is not None:
        when, article_id = after
        query = query.where(or_(articles.c.published_at < when,
                                and_(articles.c.published_at == when, articles.c.id > article_id)))
    return conn.execute(query.order_by(articles.c.published_at.desc(), articles.c.id)
                        .limit(limit)).all()
