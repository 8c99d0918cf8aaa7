"""Handlers for team-together days: sessions, sign-up with seats, follow-ups."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from forum.core.errors import ConcurrencyConflict, NotFound
from forum.core.events import Event
from forum.core.eventstore import StreamWrite
from forum.core.handlers import Services
from forum.core.permissions import ConferenceAccess, Viewer
from forum.features.conferences.queries import conference_access
from forum.features.members.queries import get_member, viewer_from_row
from forum.features.teamdays import model as teamday
from forum.features.teamdays import queries as teamday_queries
from forum.features.teamdays.commands import (
    AddSession,
    CreateTeamDay,
    JoinSession,
    LeaveSession,
    PlanFollowUp,
)
from forum.features.teamdays.model import TeamDayState
from forum.features.threads import handlers as threads
from forum.features.threads.events import ThreadStarted

Decide = Callable[[TeamDayState, ConferenceAccess | None], Sequence[Event]]
RETRIES = 10


def stream(day_id: str) -> str:
    return f"teamday-{day_id}"


def _on_day(svc: Services, actor: Viewer, day_id: str, decide: Decide) -> None:
    """Decide on the day as it stands and append at its version (a session's thread first)."""
    for attempt in range(RETRIES):
        history = svc.store.read_stream(stream(day_id))
        state = teamday.load(day_id, [r.event for r in history])
        if not state.exists:
            raise NotFound("no such team day")
        with svc.engine.connect() as conn:
            conference = conference_access(conn, state.conference_id)
        new_events = decide(state, conference)
        if not new_events:
            return
        writes = [StreamWrite(threads.stream(e.thread_id), [e], 0) for e in new_events
                  if isinstance(e, ThreadStarted)]
        writes.append(StreamWrite(stream(day_id), [e for e in new_events if not isinstance(
            e, ThreadStarted)], len(history)))
        try:
            svc.store.append_streams(writes, svc.meta(actor))
            return
        except ConcurrencyConflict:
            if attempt == RETRIES - 1:
                raise


def create_team_day(svc: Services, actor: Viewer, command: CreateTeamDay) -> str:
    with svc.engine.connect() as conn:
        taken = teamday_queries.get_team_day_by_slug(conn, command.slug) is not None
        conference = conference_access(conn, command.conference_id)
    day_id = svc.new_id()
    new_events = teamday.create_team_day(command, actor, conference, day_id, taken,
                                         svc.store.clock().date())
    svc.store.append(stream(day_id), new_events, expected_version=0, meta=svc.meta(actor))
    return day_id


def add_session(svc: Services, actor: Viewer, command: AddSession) -> str:
    """Returns the session's id."""
    with svc.engine.connect() as conn:
        host = viewer_from_row(get_member(conn, command.host_id))
    ids = (svc.new_id(), svc.new_id(), svc.new_id())
    _on_day(svc, actor, command.day_id, lambda s, c: teamday.add_session(
        s, command, actor, c, host, svc.store.clock(), ids))
    return ids[0]


def join_session(svc: Services, actor: Viewer, command: JoinSession) -> None:
    _on_day(svc, actor, command.day_id,
            lambda s, c: teamday.join_session(s, command, actor, c, svc.store.clock()))


def leave_session(svc: Services, actor: Viewer, command: LeaveSession) -> None:
    _on_day(svc, actor, command.day_id,
            lambda s, c: teamday.leave_session(s, command, actor, c))


def plan_follow_up(svc: Services, actor: Viewer, command: PlanFollowUp) -> None:
    with svc.engine.connect() as conn:
        found = teamday_queries.get_session(conn, command.next_session_id)
    exists = found is not None and found.day_id == command.next_day_id
    _on_day(svc, actor, command.day_id,
            lambda s, c: teamday.plan_follow_up(s, command, actor, c, exists))
