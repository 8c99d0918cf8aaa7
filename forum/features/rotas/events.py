"""The events of the talk rota: frozen dataclasses, named in the past tense.

A released event is never edited. To change one, bump its ``schema_version``
and register an upcaster in :mod:`forum.core.serialization`."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.events import Event, event

#
# A rota's stream (``rota-<id>``) holds its slots, the talks in them, waiting
# lists, swaps, reminders and each talk's write-up. Times are ISO 8601 in UTC.


@event
@dataclass(frozen=True)
class RotaCreated(Event):
    """A talk rota (e.g. Friday lunch talks) in a conference, whose list it follows."""

    rota_id: str
    conference_id: str
    slug: str
    name: str
    description: str
    timezone: str
    created_by: str


@event
@dataclass(frozen=True)
class SlotsScheduled(Event):
    """Dated slots made in bulk from a recurrence rule; ``slots`` holds
    (slot id, starts at, ends at) and ``skipped`` the dates left out (holidays)."""

    rota_id: str
    slots: tuple[tuple[str, str, str], ...]
    rule: str
    skipped: tuple[str, ...]
    by: str


@event
@dataclass(frozen=True)
class SlotCancelled(Event):
    rota_id: str
    slot_id: str
    by: str


@event
@dataclass(frozen=True)
class TalkSignedUp(Event):
    """A member holds a slot with a talk. ``by`` is the speaker, an organiser who
    assigned it, or whoever released it when the first on its waiting list took it.
    The talk's discussion thread (``thread_id``, first post ``post_id``) is started
    in the same transaction."""

    rota_id: str
    talk_id: str
    slot_id: str
    speaker_id: str
    title: str
    abstract: str
    thread_id: str
    post_id: str
    by: str


@event
@dataclass(frozen=True)
class TalkReleased(Event):
    rota_id: str
    talk_id: str
    slot_id: str
    by: str


@event
@dataclass(frozen=True)
class TalkMoved(Event):
    rota_id: str
    talk_id: str
    from_slot_id: str
    to_slot_id: str
    by: str


@event
@dataclass(frozen=True)
class SwapRequested(Event):
    """The speaker of ``talk_id`` asks the speaker of ``other_talk_id`` to trade slots."""

    rota_id: str
    talk_id: str
    other_talk_id: str
    by: str


@event
@dataclass(frozen=True)
class SwapDeclined(Event):
    """Declined by the other speaker, or withdrawn by the one who asked."""

    rota_id: str
    talk_id: str
    other_talk_id: str
    by: str


@event
@dataclass(frozen=True)
class TalksSwapped(Event):
    rota_id: str
    talk_id: str
    other_talk_id: str
    by: str


@event
@dataclass(frozen=True)
class WaitlistJoined(Event):
    """A member waits for a taken slot, with the talk they would give in it."""

    rota_id: str
    slot_id: str
    member_id: str
    title: str
    abstract: str


@event
@dataclass(frozen=True)
class WaitlistLeft(Event):
    rota_id: str
    slot_id: str
    member_id: str
    by: str


@event
@dataclass(frozen=True)
class TalkReminderSent(Event):
    """The speaker was reminded of their talk, ``kind`` ``week`` or ``day`` before."""

    rota_id: str
    talk_id: str
    slot_id: str
    speaker_id: str
    kind: str


@event
@dataclass(frozen=True)
class WriteUpSaved(Event):
    """A revision of the talk's write-up (the article for customers and partners)."""

    rota_id: str
    talk_id: str
    title: str
    body: str
    revision: int
    by: str


@event
@dataclass(frozen=True)
class WriteUpSubmitted(Event):
    rota_id: str
    talk_id: str
    by: str


@event
@dataclass(frozen=True)
class WriteUpSentBack(Event):
    rota_id: str
    talk_id: str
    comment: str
    by: str


@event
@dataclass(frozen=True)
class WriteUpApproved(Event):
    rota_id: str
    talk_id: str
    by: str


@event
@dataclass(frozen=True)
class CalendarFeedIssued(Event):
    """The member's secret calendar address changed; the old one stops working."""

    member_id: str
    token_hash: str
