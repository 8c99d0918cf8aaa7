"""Handlers for study circles: start, join (or ask to), answer, leave, organise,
the reading list, session notes and archiving.

A circle is decided from its own stream. The same transaction writes what the
decision says about the circle's conference (created with it; its access list
replaced whenever the membership changes) and a session's notes thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from forum.core import recurrence
from forum.core.errors import ConcurrencyConflict, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.eventstore import StreamWrite
from forum.core.handlers import Services
from forum.core.permissions import ConferenceAccess, Viewer
from forum.features.circles import model as circle
from forum.features.circles import queries as circle_queries
from forum.features.circles.commands import (
    AddCircleMember,
    AnswerJoinRequest,
    ArchiveCircle,
    ChangeCircleCadence,
    JoinCircle,
    LeaveCircle,
    NameCircleOrganiser,
    RecordCircleSession,
    SetReadingList,
    StartCircle,
)
from forum.features.circles.events import (
    CircleArchived,
    CircleCadenceChanged,
    CircleJoinDeclined,
    CircleJoined,
    CircleJoinRequested,
    CircleLeft,
    CircleOrganiserNamed,
    CircleReadingListChanged,
    CircleSessionHeld,
    CircleStarted,
)
from forum.features.circles.model import CircleState
from forum.features.conferences.events import ConferenceAclChanged, ConferenceCreated
from forum.features.conferences.queries import conference_access, get_conference_by_slug
from forum.features.members.queries import get_member, viewer_from_row
from forum.features.threads import handlers as threads
from forum.features.threads.events import ThreadStarted

Decide = Callable[[CircleState, ConferenceAccess | None], Sequence[Event]]
RETRIES = 10


def stream(circle_id: str) -> str:
    return f"circle-{circle_id}"


def _writes(circle_id: str, new_events: Sequence[Event], version: int) -> list[StreamWrite]:
    """The conference's events first (so its list is in place when the circle's event is
    read), then the circle's at its version, then a session's thread."""
    writes: list[StreamWrite] = []
    conference_events = [e for e in new_events
                         if isinstance(e, ConferenceCreated | ConferenceAclChanged)]
    if conference_events:
        created = isinstance(conference_events[0], ConferenceCreated)
        writes.append(StreamWrite(f"conference-{conference_events[0].conference_id}",
                                  conference_events, 0 if created else None))
    writes.append(StreamWrite(stream(circle_id), [
        e for e in new_events if isinstance(e, CircleStarted | CircleJoinRequested
                                            | CircleJoinDeclined | CircleJoined
                                            | CircleLeft | CircleOrganiserNamed
                                            | CircleCadenceChanged
                                            | CircleReadingListChanged
                                            | CircleSessionHeld | CircleArchived)],
        version))
    writes += [StreamWrite(threads.stream(e.thread_id), [e], 0) for e in new_events
               if isinstance(e, ThreadStarted)]
    return writes


def _on_circle(svc: Services, actor: Viewer, circle_id: str, decide: Decide) -> None:
    for attempt in range(RETRIES):
        history = svc.store.read_stream(stream(circle_id))
        state = circle.load(circle_id, [r.event for r in history])
        if not state.exists:
            raise NotFound("no such circle")
        with svc.engine.connect() as conn:
            conference = conference_access(conn, state.conference_id)
        new_events = decide(state, conference)
        if not new_events:
            return
        try:
            svc.store.append_streams(_writes(circle_id, new_events, len(history)),
                                     svc.meta(actor))
            return
        except ConcurrencyConflict:
            if attempt == RETRIES - 1:
                raise


def _check_rule(svc: Services, cadence: str) -> None:
    """A cadence written as an iCalendar rule must give dates."""
    if circle.is_rule(cadence) and not recurrence.next_dates(cadence, svc.store.clock(), 1):
        raise InvalidInput("the recurrence rule is not valid or gives no dates from today on; "
                           "write the cadence in words, or a rule such as FREQ=WEEKLY;BYDAY=TU",
                           field="cadence")


def start_circle(svc: Services, actor: Viewer, command: StartCircle) -> str:
    """Returns the new circle's id."""
    slug = command.slug.strip().lower()
    with svc.engine.connect() as conn:
        taken = (circle_queries.get_circle_by_slug(conn, slug) is not None
                 or get_conference_by_slug(conn, f"circle-{slug}") is not None)
    circle_id, conference_id = svc.new_id(), svc.new_id()
    new_events = circle.start(command, actor, circle_id, conference_id, taken)
    _check_rule(svc, command.cadence)
    svc.store.append_streams(_writes(circle_id, new_events, 0), svc.meta(actor))
    return circle_id


def join_circle(svc: Services, actor: Viewer, command: JoinCircle) -> None:
    _on_circle(svc, actor, command.circle_id, lambda s, c: circle.join(s, command, actor, c))


def answer_join_request(svc: Services, actor: Viewer, command: AnswerJoinRequest) -> None:
    _on_circle(svc, actor, command.circle_id, lambda s, c: circle.answer(s, command, actor, c))


def add_circle_member(svc: Services, actor: Viewer, command: AddCircleMember) -> None:
    with svc.engine.connect() as conn:
        found = viewer_from_row(get_member(conn, command.member_id))
    exists = found is not None and found.signed_in
    _on_circle(svc, actor, command.circle_id,
               lambda s, c: circle.add_member(s, command, actor, c, exists))


def leave_circle(svc: Services, actor: Viewer, command: LeaveCircle) -> None:
    _on_circle(svc, actor, command.circle_id, lambda s, c: circle.leave(s, command, actor, c))


def name_circle_organiser(svc: Services, actor: Viewer,
                          command: NameCircleOrganiser) -> None:
    _on_circle(svc, actor, command.circle_id,
               lambda s, c: circle.name_organiser(s, command, actor, c))


def change_circle_cadence(svc: Services, actor: Viewer,
                          command: ChangeCircleCadence) -> None:
    def decide(state: CircleState, conference: ConferenceAccess | None) -> Sequence[Event]:
        new_events = circle.change_cadence(state, command, actor, conference)
        _check_rule(svc, command.cadence)
        return new_events

    _on_circle(svc, actor, command.circle_id, decide)


def set_reading_list(svc: Services, actor: Viewer, command: SetReadingList) -> None:
    _on_circle(svc, actor, command.circle_id,
               lambda s, c: circle.set_reading_list(s, command, actor, c))


def record_circle_session(svc: Services, actor: Viewer,
                          command: RecordCircleSession) -> str:
    """Returns the notes thread's id."""
    ids = (svc.new_id(), svc.new_id(), svc.new_id())
    _on_circle(svc, actor, command.circle_id, lambda s, c: circle.record_session(
        s, command, actor, c, svc.store.clock().date(), ids))
    return ids[1]


def archive_circle(svc: Services, actor: Viewer, command: ArchiveCircle) -> None:
    _on_circle(svc, actor, command.circle_id,
               lambda s, c: circle.archive(s, command, actor, c))
