"""The read side of talk rotas: ``get_*`` and ``list_*``. Never writes.

Whether a viewer may see a rota is its conference's question, asked through
:mod:`forum.permissions` (``readable_ids``) like every other surface.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, select

from forum.core.permissions import Viewer
from forum.core.rows import DbRow
from forum.features.conferences.queries import readable_ids
from forum.features.conferences.tables import conferences
from forum.features.members.tables import members
from forum.features.rotas.tables import calendar_feeds, rota_slots, rota_waitlist, rotas, talks


def aware(moment: datetime) -> datetime:
    """SQLite hands back times without their zone; they are stored as UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def get_rota(conn: Connection, rota_id: str) -> DbRow | None:
    return conn.execute(select(rotas).where(rotas.c.id == rota_id)).first()


def get_rota_by_slug(conn: Connection, slug: str) -> DbRow | None:
    return conn.execute(select(rotas).where(rotas.c.slug == slug)).first()


def list_rotas(conn: Connection, viewer: Viewer, conference_id: str | None = None
               ) -> Sequence[DbRow]:
    """The rotas the viewer may read (their conference's rule), with the conference's name."""
    query = (select(rotas, conferences.c.name.label("conference_name"),
                    conferences.c.slug.label("conference_slug"))
             .join(conferences, conferences.c.id == rotas.c.conference_id)
             .where(rotas.c.conference_id.in_(readable_ids(conn, viewer)))
             .order_by(rotas.c.name))
    if conference_id is not None:
        query = query.where(rotas.c.conference_id == conference_id)
    return conn.execute(query).all()


_SPEAKER = members.alias("speaker")
_TALK_COLUMNS = (talks, _SPEAKER.c.display_name.label("speaker_name"),
                 _SPEAKER.c.handle.label("speaker_handle"))


@dataclass(frozen=True)
class SlotView:
    """A slot as the rota page shows it: its talk (or None) and who waits for it."""

    slot: DbRow
    talk: DbRow | None
    waiting: list[DbRow]

    @property
    def starts_at(self) -> datetime:
        return aware(self.slot.starts_at)

    @property
    def ends_at(self) -> datetime:
        return aware(self.slot.ends_at)


def list_slots(conn: Connection, rota_id: str) -> list[SlotView]:
    """Every slot of the rota in time order, each with its talk and waiting list."""
    rows = conn.execute(
        select(rota_slots, *[c.label(f"t_{c.name}") for c in talks.c],
               _SPEAKER.c.display_name.label("speaker_name"),
               _SPEAKER.c.handle.label("speaker_handle"))
        .outerjoin(talks, talks.c.id == rota_slots.c.talk_id)
        .outerjoin(_SPEAKER, _SPEAKER.c.id == talks.c.speaker_id)
        .where(rota_slots.c.rota_id == rota_id)
        .order_by(rota_slots.c.starts_at)).all()
    waiting: dict[str, list[DbRow]] = {}
    for row in conn.execute(
            select(rota_waitlist, members.c.display_name, members.c.handle)
            .join(members, members.c.id == rota_waitlist.c.member_id)
            .where(rota_waitlist.c.rota_id == rota_id)
            .order_by(rota_waitlist.c.position)):
        waiting.setdefault(row.slot_id, []).append(row)
    return [SlotView(row, _talk_of(row), waiting.get(row.id, [])) for row in rows]


@dataclass(frozen=True)
class TalkRow:
    """A talk's columns (as on the talks table) and its speaker's name."""

    values: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None


def _talk_of(row: DbRow) -> TalkRow | None:
    if row.t_id is None:
        return None
    mapping = row._mapping
    values = {c.name: mapping[f"t_{c.name}"] for c in talks.c}
    values["speaker_name"] = row.speaker_name
    values["speaker_handle"] = row.speaker_handle
    return TalkRow(values)


def next_talk(slots: Sequence[SlotView], now: datetime) -> SlotView | None:
    """Who is next: the talk on now, or the first still to come."""
    return next((s for s in slots if s.talk is not None and s.ends_at > now), None)


def get_talk(conn: Connection, talk_id: str) -> DbRow | None:
    """A talk with its speaker's name and its slot's times."""
    return conn.execute(
        select(*_TALK_COLUMNS, rota_slots.c.starts_at, rota_slots.c.ends_at)
        .join(_SPEAKER, _SPEAKER.c.id == talks.c.speaker_id)
        .join(rota_slots, rota_slots.c.id == talks.c.slot_id)
        .where(talks.c.id == talk_id)).first()


def get_talk_by_thread(conn: Connection, thread_id: str) -> DbRow | None:
    return conn.execute(select(talks.c.id, talks.c.rota_id)
                        .where(talks.c.thread_id == thread_id)).first()


def list_member_talks(conn: Connection, member_id: str | None, *, rota_id: str | None = None
                      ) -> Sequence[DbRow]:
    """A member's talks in every rota (or every talk of one rota), with their rota and
    slot, in time order: what a calendar feed lists."""
    query = (select(*_TALK_COLUMNS, rota_slots.c.starts_at, rota_slots.c.ends_at,
                    rotas.c.slug.label("rota_slug"), rotas.c.name.label("rota_name"),
                    rotas.c.conference_id)
             .join(_SPEAKER, _SPEAKER.c.id == talks.c.speaker_id)
             .join(rota_slots, rota_slots.c.id == talks.c.slot_id)
             .join(rotas, rotas.c.id == talks.c.rota_id)
             .order_by(rota_slots.c.starts_at))
    if member_id is not None:
        query = query.where(talks.c.speaker_id == member_id)
    if rota_id is not None:
        query = query.where(talks.c.rota_id == rota_id)
    return conn.execute(query).all()


def rotas_with_talks_between(conn: Connection, start: datetime, end: datetime) -> list[str]:
    """The rotas with a talk starting in [start, end): the ones that may owe reminders."""
    return list(conn.execute(
        select(talks.c.rota_id).distinct()
        .join(rota_slots, rota_slots.c.id == talks.c.slot_id)
        .where(and_(rota_slots.c.starts_at >= start, rota_slots.c.starts_at < end))
        .order_by(talks.c.rota_id)).scalars())


def get_member_by_feed_token(conn: Connection, token_hash: str) -> DbRow | None:
    return conn.execute(
        select(members).join(calendar_feeds, calendar_feeds.c.member_id == members.c.id)
        .where(calendar_feeds.c.token_hash == token_hash, members.c.active.is_(True))).first()


def has_calendar_feed(conn: Connection, member_id: str) -> bool:
    return conn.execute(select(calendar_feeds.c.member_id)
                        .where(calendar_feeds.c.member_id == member_id)).first() is not None
