"""Talk rotas: their slots, the talks in them, waiting lists, reminders, write-ups, feeds.

Rota events are rare (a few per talk), so this projection writes with
SQLAlchemy Core rather than driver-level statements.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, update

from forum.core.eventstore import Recorded
from forum.core.projections import rendering
from forum.core.projections.registry import Projection
from forum.features.rotas.events import (
    CalendarFeedIssued,
    RotaCreated,
    SlotCancelled,
    SlotsScheduled,
    SwapDeclined,
    SwapRequested,
    TalkMoved,
    TalkReleased,
    TalkReminderSent,
    TalkSignedUp,
    TalksSwapped,
    WaitlistJoined,
    WaitlistLeft,
    WriteUpApproved,
    WriteUpSaved,
    WriteUpSentBack,
    WriteUpSubmitted,
)
from forum.features.rotas.tables import (
    calendar_feeds,
    rota_slots,
    rota_waitlist,
    rotas,
    talk_reminders,
    talks,
)

projection = Projection(
    "rotas", [rotas, rota_slots, talks, rota_waitlist, talk_reminders, calendar_feeds])


def _version(conn: Connection, rec: Recorded, rota_id: str) -> None:
    conn.execute(update(rotas).where(rotas.c.id == rota_id).values(version=rec.stream_version))


def _talk(conn: Connection, talk_id: str, **values: Any) -> None:
    conn.execute(update(talks).where(talks.c.id == talk_id).values(**values))


def _slot(conn: Connection, slot_id: str, talk_id: str | None) -> None:
    conn.execute(update(rota_slots).where(rota_slots.c.id == slot_id).values(talk_id=talk_id))


@projection.on(RotaCreated)
def _created(conn: Connection, rec: Recorded, e: RotaCreated) -> None:
    conn.execute(rotas.insert().values(
        id=e.rota_id, conference_id=e.conference_id, slug=e.slug, name=e.name,
        description=e.description, description_html=rendering.render(conn, e.description),
        timezone=e.timezone, created_by=e.created_by, created_at=rec.occurred_at,
        version=rec.stream_version))


@projection.on(SlotsScheduled)
def _scheduled(conn: Connection, rec: Recorded, e: SlotsScheduled) -> None:
    conn.execute(rota_slots.insert(), [
        {"id": slot_id, "rota_id": e.rota_id, "starts_at": datetime.fromisoformat(starts),
         "ends_at": datetime.fromisoformat(ends), "talk_id": None}
        for slot_id, starts, ends in e.slots])
    _version(conn, rec, e.rota_id)


@projection.on(SlotCancelled)
def _cancelled(conn: Connection, rec: Recorded, e: SlotCancelled) -> None:
    conn.execute(delete(rota_waitlist).where(rota_waitlist.c.slot_id == e.slot_id))
    conn.execute(delete(rota_slots).where(rota_slots.c.id == e.slot_id))
    _version(conn, rec, e.rota_id)


@projection.on(TalkSignedUp)
def _signed_up(conn: Connection, rec: Recorded, e: TalkSignedUp) -> None:
    conn.execute(talks.insert().values(
        id=e.talk_id, rota_id=e.rota_id, slot_id=e.slot_id, speaker_id=e.speaker_id,
        title=e.title, abstract=e.abstract, abstract_html=rendering.render(conn, e.abstract),
        thread_id=e.thread_id, post_id=e.post_id, signed_up_by=e.by,
        signed_up_at=rec.occurred_at, swap_with=None, writeup_status="none", writeup_title="",
        writeup_body="", writeup_html="", writeup_revision=0, review_comment=""))
    _slot(conn, e.slot_id, e.talk_id)
    conn.execute(delete(rota_waitlist).where(rota_waitlist.c.slot_id == e.slot_id,
                                             rota_waitlist.c.member_id == e.speaker_id))
    _version(conn, rec, e.rota_id)


@projection.on(TalkReleased)
def _released(conn: Connection, rec: Recorded, e: TalkReleased) -> None:
    conn.execute(delete(talk_reminders).where(talk_reminders.c.talk_id == e.talk_id))
    conn.execute(delete(talks).where(talks.c.id == e.talk_id))
    conn.execute(update(talks).where(talks.c.swap_with == e.talk_id).values(swap_with=None))
    _slot(conn, e.slot_id, None)
    _version(conn, rec, e.rota_id)


@projection.on(TalkMoved)
def _moved(conn: Connection, rec: Recorded, e: TalkMoved) -> None:
    _slot(conn, e.from_slot_id, None)
    _slot(conn, e.to_slot_id, e.talk_id)
    _talk(conn, e.talk_id, slot_id=e.to_slot_id)
    _version(conn, rec, e.rota_id)


@projection.on(SwapRequested, SwapDeclined)
def _swap_offer(conn: Connection, rec: Recorded, e: SwapRequested | SwapDeclined) -> None:
    _talk(conn, e.talk_id,
          swap_with=e.other_talk_id if isinstance(e, SwapRequested) else None)
    _version(conn, rec, e.rota_id)


@projection.on(TalksSwapped)
def _swapped(conn: Connection, rec: Recorded, e: TalksSwapped) -> None:
    rows = conn.execute(talks.select().where(talks.c.id.in_([e.talk_id, e.other_talk_id])))
    slot_of = {row.id: row.slot_id for row in rows}
    _talk(conn, e.talk_id, slot_id=slot_of[e.other_talk_id], swap_with=None)
    _talk(conn, e.other_talk_id, slot_id=slot_of[e.talk_id], swap_with=None)
    _slot(conn, slot_of[e.other_talk_id], e.talk_id)
    _slot(conn, slot_of[e.talk_id], e.other_talk_id)
    _version(conn, rec, e.rota_id)


@projection.on(WaitlistJoined)
def _waiting(conn: Connection, rec: Recorded, e: WaitlistJoined) -> None:
    conn.execute(rota_waitlist.insert().values(
        slot_id=e.slot_id, member_id=e.member_id, rota_id=e.rota_id, title=e.title,
        abstract=e.abstract, position=rec.position, joined_at=rec.occurred_at))
    _version(conn, rec, e.rota_id)


@projection.on(WaitlistLeft)
def _stopped_waiting(conn: Connection, rec: Recorded, e: WaitlistLeft) -> None:
    conn.execute(delete(rota_waitlist).where(rota_waitlist.c.slot_id == e.slot_id,
                                             rota_waitlist.c.member_id == e.member_id))
    _version(conn, rec, e.rota_id)


@projection.on(TalkReminderSent)
def _reminded(conn: Connection, rec: Recorded, e: TalkReminderSent) -> None:
    conn.execute(talk_reminders.insert().values(
        talk_id=e.talk_id, slot_id=e.slot_id, kind=e.kind, speaker_id=e.speaker_id,
        sent_at=rec.occurred_at))
    _version(conn, rec, e.rota_id)


@projection.on(WriteUpSaved)
def _writeup_saved(conn: Connection, rec: Recorded, e: WriteUpSaved) -> None:
    row = conn.execute(talks.select().where(talks.c.id == e.talk_id)).first()
    status = "draft" if row is None or row.writeup_status in ("none", "sent_back") \
        else row.writeup_status
    _talk(conn, e.talk_id, writeup_title=e.title, writeup_body=e.body,
          writeup_html=rendering.render(conn, e.body), writeup_revision=e.revision,
          writeup_by=e.by, writeup_at=rec.occurred_at, writeup_status=status)
    _version(conn, rec, e.rota_id)


@projection.on(WriteUpSubmitted)
def _writeup_submitted(conn: Connection, rec: Recorded, e: WriteUpSubmitted) -> None:
    _talk(conn, e.talk_id, writeup_status="in_review")
    _version(conn, rec, e.rota_id)


@projection.on(WriteUpSentBack, WriteUpApproved)
def _writeup_reviewed(conn: Connection, rec: Recorded,
                      e: WriteUpSentBack | WriteUpApproved) -> None:
    sent_back = isinstance(e, WriteUpSentBack)
    _talk(conn, e.talk_id, writeup_status="sent_back" if sent_back else "approved",
          review_comment=e.comment if isinstance(e, WriteUpSentBack) else "",
          reviewed_by=e.by, reviewed_at=rec.occurred_at)
    _version(conn, rec, e.rota_id)


@projection.on(CalendarFeedIssued)
def _feed(conn: Connection, rec: Recorded, e: CalendarFeedIssued) -> None:
    conn.execute(delete(calendar_feeds).where(calendar_feeds.c.member_id == e.member_id))
    conn.execute(calendar_feeds.insert().values(member_id=e.member_id, token_hash=e.token_hash,
                                                issued_at=rec.occurred_at))
