"""Handlers for read markers: mark read, mark unread from here, mark conference read.

These decide from the read models (the thread's last post number and the
member's marker) rather than replaying the thread: they run on every thread
view, and a marker is the member's own business, so the last writer wins.
"""

from __future__ import annotations

from forum.core.errors import NotFound
from forum.core.events import Event
from forum.core.handlers import Services, append_marker, member_of
from forum.core.permissions import Viewer, can_read
from forum.features.conferences.queries import conference_access
from forum.features.reading.commands import MarkConferenceRead, MarkThreadRead, MarkUnreadFrom
from forum.features.reading.events import ThreadRead
from forum.features.reading.queries import get_read_marker, list_thread_markers
from forum.features.threads import model as thread
from forum.features.threads.queries import get_thread


def _thread(svc: Services, actor: Viewer, member_id: str, thread_id: str) -> tuple[int, int]:
    """The thread's last post number and the member's marker on it."""
    with svc.engine.connect() as conn:
        row = get_thread(conn, thread_id)
        access = conference_access(conn, row.conference_id) if row else None
        if row is None or access is None or not can_read(actor, access):
            raise NotFound("no such thread")
        return int(row.last_seq), get_read_marker(conn, member_id, thread_id)


def mark_thread_read(svc: Services, actor: Viewer, command: MarkThreadRead) -> None:
    member_id = member_of(actor)
    last_seq, marker = _thread(svc, actor, member_id, command.thread_id)
    append_marker(svc, actor, member_id,
            thread.mark_read(command.thread_id, last_seq, member_id, marker, command.up_to_seq))


def mark_unread_from(svc: Services, actor: Viewer, command: MarkUnreadFrom) -> None:
    member_id = member_of(actor)
    last_seq, marker = _thread(svc, actor, member_id, command.thread_id)
    append_marker(svc, actor, member_id,
            thread.mark_unread_from(command.thread_id, last_seq, member_id, marker, command.seq))


def mark_conference_read(svc: Services, actor: Viewer, command: MarkConferenceRead) -> int:
    """Mark every thread of a conference read; returns how many threads moved."""
    member_id = member_of(actor)
    with svc.engine.connect() as conn:
        access = conference_access(conn, command.conference_id)
        if access is None or not can_read(actor, access):
            raise NotFound("no such conference")
        markers = list_thread_markers(conn, member_id, command.conference_id)
    new_events: list[Event] = [
        ThreadRead(member_id, tid, marker, last) for tid, marker, last in markers if last > marker
    ]
    append_marker(svc, actor, member_id, new_events)
    return len(new_events)
