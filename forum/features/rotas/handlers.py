"""Handlers for talk rotas: slots, sign-ups, swaps, waiting lists, reminders, write-ups.

A rota is decided from its own stream and appended at the version it was
decided on. When two members reach for one slot, the second append conflicts;
the handler decides again on the fresh state, and that decision says the slot
was just taken. A talk's discussion thread is written in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from forum.core import recurrence
from forum.core.errors import ConcurrencyConflict, NotFound
from forum.core.events import Event
from forum.core.eventstore import StreamWrite
from forum.core.handlers import Services
from forum.core.passwords import new_token, token_hash
from forum.core.permissions import ConferenceAccess, Viewer
from forum.features.articles import model as article
from forum.features.articles import queries as article_queries
from forum.features.articles.events import ArticleApproved, ArticleProposed
from forum.features.conferences.queries import conference_access
from forum.features.members.handlers import SYSTEM
from forum.features.members.queries import get_member, viewer_from_row
from forum.features.rotas import model as rota
from forum.features.rotas import queries as rota_queries
from forum.features.rotas.commands import (
    AnswerSwap,
    ApproveWriteUp,
    CancelSlot,
    CreateRota,
    IssueCalendarFeed,
    JoinWaitlist,
    LeaveWaitlist,
    MoveTalk,
    ReleaseTalk,
    RequestSwap,
    SaveWriteUp,
    ScheduleSlots,
    SendBackWriteUp,
    SignUpForSlot,
    SubmitWriteUp,
    SwapTalks,
)
from forum.features.rotas.events import CalendarFeedIssued
from forum.features.rotas.model import RotaState
from forum.features.threads import handlers as threads
from forum.features.threads.events import ThreadLocked, ThreadStarted

Decide = Callable[[RotaState, ConferenceAccess | None], Sequence[Event]]
RETRIES = 10


def stream(rota_id: str) -> str:
    return f"rota-{rota_id}"


_ARTICLE_EVENTS = ArticleProposed | ArticleApproved


def _writes(rota_id: str, new_events: Sequence[Event], version: int) -> list[StreamWrite]:
    """A talk's thread, started new or locked as it stands, then the rota's events at its
    version, then a write-up's new article. The thread goes first in the log, so whatever
    reads it for a rota event (a notice about the talk) finds it, in a rebuild as when it
    happened; the article follows the approval that published it."""
    writes = []
    for e in new_events:
        if isinstance(e, ThreadStarted):
            writes.append(StreamWrite(threads.stream(e.thread_id), [e], 0))
        elif isinstance(e, ThreadLocked):
            writes.append(StreamWrite(threads.stream(e.thread_id), [e], None))
    rota_events = [e for e in new_events
                   if not isinstance(e, ThreadStarted | ThreadLocked | _ARTICLE_EVENTS)]
    writes.append(StreamWrite(stream(rota_id), rota_events, version))
    published = [e for e in new_events if isinstance(e, _ARTICLE_EVENTS)]
    if published:
        writes.append(StreamWrite(f"article-{published[0].article_id}", published, 0))
    return writes


def _on_rota(svc: Services, actor: Viewer, rota_id: str, decide: Decide) -> int:
    """Decide on the rota as it stands and append; returns how many events were written."""
    for attempt in range(RETRIES):
        history = svc.store.read_stream(stream(rota_id))
        state = rota.load(rota_id, [r.event for r in history])
        if not state.exists:
            raise NotFound("no such rota")
        with svc.engine.connect() as conn:
            conference = conference_access(conn, state.conference_id)
        new_events = decide(state, conference)
        if not new_events:
            return 0
        try:
            return len(svc.store.append_streams(_writes(rota_id, new_events, len(history)),
                                                svc.meta(actor)))
        except ConcurrencyConflict:
            if attempt == RETRIES - 1:
                raise
    raise AssertionError("unreachable")


def _now(svc: Services) -> datetime:
    return svc.store.clock()


def create_rota(svc: Services, actor: Viewer, command: CreateRota) -> str:
    """Returns the new rota's id."""
    with svc.engine.connect() as conn:
        taken = rota_queries.get_rota_by_slug(conn, command.slug) is not None
        conference = conference_access(conn, command.conference_id)
    rota_id = svc.new_id()
    new_events = rota.create_rota(command, actor, conference, rota_id, taken)
    svc.store.append(stream(rota_id), new_events, expected_version=0, meta=svc.meta(actor))
    return rota_id


def schedule_slots(svc: Services, actor: Viewer, command: ScheduleSlots) -> int:
    """Returns how many slots were made."""
    made: list[int] = []

    def plan(state: RotaState, conference: ConferenceAccess | None) -> Sequence[Event]:
        rota.require_organiser(state, actor, conference)  # before any date is looked at
        starts, skipped = recurrence.expand(
            command.first_day, command.time, command.rule, state.timezone, command.skip_dates,
            command.holidays, limit=rota.SLOTS_MAX)
        ids = [svc.new_id() for _ in starts]
        new_events = rota.schedule_slots(state, command, actor, conference, starts, skipped,
                                         _now(svc), ids)
        made.append(len(starts))
        return new_events

    _on_rota(svc, actor, command.rota_id, plan)
    return made[-1]


def cancel_slot(svc: Services, actor: Viewer, command: CancelSlot) -> None:
    _on_rota(svc, actor, command.rota_id, lambda s, c: rota.cancel_slot(s, command, actor, c))


def _ids(svc: Services) -> tuple[str, str, str]:
    return svc.new_id(), svc.new_id(), svc.new_id()


def sign_up_for_slot(svc: Services, actor: Viewer, command: SignUpForSlot) -> str:
    """Returns the talk's id."""
    speaker: Viewer | None = None
    if command.speaker_id is not None:
        with svc.engine.connect() as conn:
            speaker = viewer_from_row(get_member(conn, command.speaker_id))
    ids = _ids(svc)
    _on_rota(svc, actor, command.rota_id,
             lambda s, c: rota.sign_up(s, command, actor, c, speaker, _now(svc), ids))
    return ids[0]


def release_talk(svc: Services, actor: Viewer, command: ReleaseTalk) -> None:
    ids = _ids(svc)
    _on_rota(svc, actor, command.rota_id,
             lambda s, c: rota.release(s, command, actor, c, _now(svc), ids))


def move_talk(svc: Services, actor: Viewer, command: MoveTalk) -> None:
    _on_rota(svc, actor, command.rota_id,
             lambda s, c: rota.move(s, command, actor, c, _now(svc)))


def request_swap(svc: Services, actor: Viewer, command: RequestSwap) -> None:
    _on_rota(svc, actor, command.rota_id,
             lambda s, c: rota.request_swap(s, command, actor, c, _now(svc)))


def answer_swap(svc: Services, actor: Viewer, command: AnswerSwap) -> None:
    _on_rota(svc, actor, command.rota_id,
             lambda s, c: rota.answer_swap(s, command, actor, c, _now(svc)))


def swap_talks(svc: Services, actor: Viewer, command: SwapTalks) -> None:
    _on_rota(svc, actor, command.rota_id,
             lambda s, c: rota.swap(s, command, actor, c, _now(svc)))


def join_waitlist(svc: Services, actor: Viewer, command: JoinWaitlist) -> None:
    _on_rota(svc, actor, command.rota_id,
             lambda s, c: rota.join_waitlist(s, command, actor, c, _now(svc)))


def leave_waitlist(svc: Services, actor: Viewer, command: LeaveWaitlist) -> None:
    _on_rota(svc, actor, command.rota_id,
             lambda s, c: rota.leave_waitlist(s, command, actor, c))


def save_writeup(svc: Services, actor: Viewer, command: SaveWriteUp) -> None:
    _on_rota(svc, actor, command.rota_id,
             lambda s, c: rota.save_writeup(s, command, actor, c))


def submit_writeup(svc: Services, actor: Viewer, command: SubmitWriteUp) -> None:
    _on_rota(svc, actor, command.rota_id,
             lambda s, c: rota.submit_writeup(s, command, actor, c, _now(svc)))


def send_back_writeup(svc: Services, actor: Viewer, command: SendBackWriteUp) -> None:
    _on_rota(svc, actor, command.rota_id,
             lambda s, c: rota.send_back_writeup(s, command, actor, c))


def approve_writeup(svc: Services, actor: Viewer, command: ApproveWriteUp) -> str:
    """Approves the write-up and publishes it on the public blog, in one transaction;
    returns the article's slug (its address on the blog)."""
    article_id = svc.new_id()
    slugs: list[str] = []

    def decide(state: RotaState, conference: ConferenceAccess | None) -> Sequence[Event]:
        approved = rota.approve_writeup(state, command, actor, conference)
        talk = state.talks[command.talk_id]
        with svc.engine.connect() as conn:
            slug = article.free_slug(talk.writeup_title,
                                     lambda s: article_queries.slug_taken(conn, s))
        slugs.append(slug)
        assert actor.member_id is not None
        return [*approved, *article.publish_writeup(
            article_id, talk.talk_id, talk.thread_id, talk.writeup_title, talk.writeup_body,
            talk.speaker_id, actor.member_id, slug)]

    _on_rota(svc, actor, command.rota_id, decide)
    return slugs[-1]


def send_due_reminders(svc: Services, now: datetime | None = None) -> int:
    """Remind speakers a week and a day before their talks; returns how many were sent.

    A clock-driven step (the worker runs it every minute; ``commonroom remind``
    runs it once). It is idempotent: each reminder is an event in the rota's
    stream, decided from that stream, so running it twice, or in two
    processes at once, sends each reminder once.
    """
    moment = now or _now(svc)
    with svc.engine.connect() as conn:
        rota_ids = rota_queries.rotas_with_talks_between(conn, moment,
                                                    moment + rota.REMINDERS[0][1])
    return sum(_on_rota(svc, SYSTEM, rota_id, lambda s, c: rota.due_reminders(s, moment))
               for rota_id in rota_ids)


def issue_calendar_feed(svc: Services, actor: Viewer, command: IssueCalendarFeed) -> str:
    """A new secret calendar address for the member; returns its token (kept only hashed)."""
    member_id = rota.require_member(actor)
    token = new_token()
    svc.store.append(f"calendar-{member_id}", [CalendarFeedIssued(member_id,
                                                                      token_hash(token))],
                     expected_version=None, meta=svc.meta(actor))
    return token

