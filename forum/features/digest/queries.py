"""The monthly "what we learned" digest: talks given, articles published, circles
active, kudos and TIL posts in one month. Never writes; everything goes through the
one rule for the viewer (an anonymous viewer sees only what is public)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, select

from forum.core.errors import InvalidInput
from forum.core.permissions import Viewer
from forum.core.rows import DbRow
from forum.features.articles.tables import articles
from forum.features.circles.tables import circle_sessions, circles
from forum.features.conferences.queries import readable_ids
from forum.features.kudos.queries import get_til_conference
from forum.features.kudos.tables import kudos
from forum.features.members.tables import members
from forum.features.rotas.tables import rota_slots, rotas, talks
from forum.features.threads.tables import posts, threads


@dataclass(frozen=True)
class Month:
    """A calendar month in UTC (the digest counts what happened between its ends)."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        try:
            year, month = (int(part) for part in text.strip().split("-"))
            datetime(year, month, 1)
            if not 1970 <= year <= 9998:
                raise ValueError(year)
        except ValueError:
            raise InvalidInput("a month is written YYYY-MM, e.g. 2026-11", field="month") \
                from None
        return cls(year, month)

    @classmethod
    def of(cls, moment: datetime) -> Month:
        return cls(moment.year, moment.month)

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return Month(self.year + self.month // 12, self.month % 12 + 1).start

    @property
    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    @property
    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return self.start.strftime("%B %Y")


@dataclass
class Digest:
    month: Month
    talks: Sequence[DbRow] = ()
    articles: Sequence[DbRow] = ()
    circles: list[dict[str, Any]] = field(default_factory=list)
    kudos: Sequence[DbRow] = ()
    tils: Sequence[DbRow] = ()

    @property
    def empty(self) -> bool:
        return not (self.talks or self.articles or self.circles or self.kudos or self.tils)


def _talks(conn: Connection, readable: set[str], month: Month, now: datetime
           ) -> Sequence[DbRow]:
    """Talks given: their slot began in the month (and before now), in a rota the viewer
    may read; with the write-up's article on the blog, if published."""
    live = and_(articles.c.source_kind == "talk", articles.c.source_id == talks.c.id,
                articles.c.status == "published")
    return conn.execute(
        select(talks.c.id, talks.c.title, rota_slots.c.starts_at, rotas.c.slug.label("rota"),
               rotas.c.name.label("rota_name"), members.c.display_name.label("speaker"),
               articles.c.slug.label("article_slug"), articles.c.title.label("article_title"))
        .join(rota_slots, rota_slots.c.id == talks.c.slot_id)
        .join(rotas, rotas.c.id == talks.c.rota_id)
        .join(members, members.c.id == talks.c.speaker_id)
        .outerjoin(articles, live)
        .where(rotas.c.conference_id.in_(readable), rota_slots.c.starts_at >= month.start,
               rota_slots.c.starts_at < min(month.end, now))
        .order_by(rota_slots.c.starts_at)).all()


def _articles(conn: Connection, month: Month) -> Sequence[DbRow]:
    """Published in the month and still on the blog (public by definition)."""
    return conn.execute(
        select(articles.c.slug, articles.c.title, articles.c.source_kind,
               articles.c.published_at, members.c.display_name.label("author"))
        .join(members, members.c.id == articles.c.author_id)
        .where(articles.c.status == "published", articles.c.published_at >= month.start,
               articles.c.published_at < month.end, articles.c.source_kind != "digest")
        .order_by(articles.c.published_at)).all()


def _circles(conn: Connection, readable: set[str], month: Month) -> list[dict[str, Any]]:
    """Circles with sessions held or posts written in the month, that the viewer may see."""
    found = []
    for row in conn.execute(select(circles).where(circles.c.conference_id.in_(readable))
                            .order_by(circles.c.name)):
        sessions = conn.execute(select(func.count()).select_from(circle_sessions).where(
            circle_sessions.c.circle_id == row.id,
            circle_sessions.c.held_on >= str(month.start.date()),
            circle_sessions.c.held_on < str(month.end.date()))).scalar() or 0
        written = conn.execute(
            select(func.count()).select_from(posts)
            .join(threads, threads.c.id == posts.c.thread_id)
            .where(threads.c.conference_id == row.conference_id,
                   posts.c.created_at >= month.start, posts.c.created_at < month.end,
                   posts.c.deleted_by.is_(None), posts.c.hidden_by.is_(None))).scalar() or 0
        if sessions or written:
            found.append({"slug": row.slug, "name": row.name, "sessions": int(sessions),
                          "posts": int(written)})
    return found


def _kudos(conn: Connection, viewer: Viewer, readable: set[str], month: Month
           ) -> Sequence[DbRow]:
    """Kudos given in the month, where the viewer may read; members only (as on every
    page, kudos are not shown to visitors)."""
    if not viewer.signed_in:
        return []
    giver, receiver = members.alias("giver"), members.alias("receiver")
    return conn.execute(
        select(kudos.c.target, kudos.c.thread_id, kudos.c.note, kudos.c.given_at,
               giver.c.display_name.label("giver"), receiver.c.display_name.label("receiver"),
               threads.c.subject)
        .join(threads, threads.c.id == kudos.c.thread_id)
        .join(giver, giver.c.id == kudos.c.member_id)
        .join(receiver, receiver.c.id == kudos.c.to_member_id)
        .where(threads.c.conference_id.in_(readable), kudos.c.given_at >= month.start,
               kudos.c.given_at < month.end)
        .order_by(kudos.c.given_at)).all()


def _tils(conn: Connection, readable: set[str], month: Month) -> Sequence[DbRow]:
    conference_id = get_til_conference(conn)
    if conference_id is None or conference_id not in readable:
        return []
    return conn.execute(
        select(threads.c.id, threads.c.subject, threads.c.created_at,
               members.c.display_name.label("author"))
        .join(members, members.c.id == threads.c.author_id)
        .join(posts, (posts.c.thread_id == threads.c.id) & (posts.c.seq == 1))
        .where(threads.c.conference_id == conference_id, threads.c.created_at >= month.start,
               threads.c.created_at < month.end, posts.c.deleted_by.is_(None),
               posts.c.hidden_by.is_(None))
        .order_by(threads.c.created_at)).all()


def get_digest(conn: Connection, viewer: Viewer, month: Month, now: datetime) -> Digest:
    """The month as the viewer may see it."""
    readable = readable_ids(conn, viewer)
    return Digest(month, _talks(conn, readable, month, now), _articles(conn, month),
                  _circles(conn, readable, month), _kudos(conn, viewer, readable, month),
                  _tils(conn, readable, month))


def get_digest_article(conn: Connection, month: Month) -> DbRow | None:
    """The latest article made from the month's digest."""
    return conn.execute(
        select(articles.c.id, articles.c.slug, articles.c.status)
        .where(articles.c.source_kind == "digest", articles.c.source_id == str(month))
        .order_by(articles.c.proposed_at.desc(), articles.c.id.desc())).first()
