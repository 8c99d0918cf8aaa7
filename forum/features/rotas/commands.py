"""The commands of the talk rota: one frozen dataclass per thing a person means."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.commands import Command


@dataclass(frozen=True)
class CreateRota(Command):
    conference_id: str
    slug: str
    name: str
    description: str = ""
    timezone: str = "UTC"


@dataclass(frozen=True)
class ScheduleSlots(Command):
    """Slots from ``first_day`` at ``time`` (the rota's time zone), one per date of
    ``rule`` (an iCalendar RRULE such as ``FREQ=WEEKLY;BYDAY=FR;COUNT=10``), leaving
    out ``skip_dates`` and, with ``holidays`` (a country code), its public holidays."""

    rota_id: str
    first_day: str
    time: str
    rule: str
    duration_minutes: int = 45
    skip_dates: tuple[str, ...] = ()
    holidays: str = ""


@dataclass(frozen=True)
class CancelSlot(Command):
    rota_id: str
    slot_id: str


@dataclass(frozen=True)
class SignUpForSlot(Command):
    """Hold a free slot with a talk; an organiser may name another ``speaker_id``."""

    rota_id: str
    slot_id: str
    title: str
    abstract: str = ""
    speaker_id: str | None = None


@dataclass(frozen=True)
class ReleaseTalk(Command):
    rota_id: str
    talk_id: str


@dataclass(frozen=True)
class MoveTalk(Command):
    rota_id: str
    talk_id: str
    to_slot_id: str


@dataclass(frozen=True)
class RequestSwap(Command):
    rota_id: str
    talk_id: str
    other_talk_id: str


@dataclass(frozen=True)
class AnswerSwap(Command):
    """The other speaker accepts or declines; the asker may withdraw (accept=False)."""

    rota_id: str
    talk_id: str
    other_talk_id: str
    accept: bool


@dataclass(frozen=True)
class SwapTalks(Command):
    """An organiser trades two talks' slots directly."""

    rota_id: str
    talk_id: str
    other_talk_id: str


@dataclass(frozen=True)
class JoinWaitlist(Command):
    rota_id: str
    slot_id: str
    title: str
    abstract: str = ""


@dataclass(frozen=True)
class LeaveWaitlist(Command):
    rota_id: str
    slot_id: str


@dataclass(frozen=True)
class SaveWriteUp(Command):
    rota_id: str
    talk_id: str
    title: str
    body: str
    expected_revision: int | None = None


@dataclass(frozen=True)
class SubmitWriteUp(Command):
    rota_id: str
    talk_id: str


@dataclass(frozen=True)
class SendBackWriteUp(Command):
    rota_id: str
    talk_id: str
    comment: str


@dataclass(frozen=True)
class ApproveWriteUp(Command):
    rota_id: str
    talk_id: str


@dataclass(frozen=True)
class IssueCalendarFeed(Command):
    pass
