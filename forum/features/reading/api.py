"""Read markers: where you are in each thread, what is unread, and moving the markers."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from forum.features.conferences.access import readable_conference
from forum.features.reading import commands as reading_commands
from forum.features.reading import handlers as reading
from forum.features.reading.commands import MarkThreadRead, MarkUnreadFrom
from forum.features.reading.documents import marker_document
from forum.features.reading.queries import (
    get_next_unread,
    get_read_marker,
    list_conferences,
    unread_by_thread,
)
from forum.features.reading.schemas import (
    ConferenceReadSchema,
    MarkerSchema,
    MarkerUpdateSchema,
    MarkUnreadSchema,
    UnreadSchema,
)
from forum.features.threads.access import readable_thread
from forum.web import context
from forum.web.api.blueprint import Blueprint, member

blp = Blueprint("api_reading", "Read markers and unread counts. The API never moves a "
                "marker unless you ask it to.")


def _marker(thread_id: str) -> dict[str, Any]:
    viewer = member()
    thread, _, _ = readable_thread(context.db(), context.viewer(), thread_id)
    conn = context.db()
    return marker_document(
        thread, get_read_marker(conn, viewer.member_id, thread.id),
        unread_by_thread(conn, viewer, [thread.id]).get(thread.id, 0))


@blp.route("/threads/<thread_id>/read-marker")
class ReadMarker(MethodView):
    @blp.errors(404, member_only=True)
    @blp.response(200, MarkerSchema)
    def get(self, thread_id: str) -> dict[str, Any]:
        return _marker(thread_id)

    @blp.errors(400, 404, 413, 415, member_only=True)
    @blp.arguments(MarkerUpdateSchema)
    @blp.response(200, MarkerSchema)
    def put(self, args: dict[str, Any], thread_id: str) -> dict[str, Any]:
        """Advance your marker to up_to_seq; it never moves back (see mark-unread)."""
        thread, _, _ = readable_thread(context.db(), context.viewer(), thread_id)
        context.send(reading.mark_thread_read, MarkThreadRead(thread.id, args["up_to_seq"]))
        return _marker(thread_id)


@blp.route("/threads/<thread_id>/mark-unread")
class MarkUnread(MethodView):
    @blp.errors(400, 404, 413, 415, member_only=True)
    @blp.arguments(MarkUnreadSchema)
    @blp.response(200, MarkerSchema)
    def post(self, args: dict[str, Any], thread_id: str) -> dict[str, Any]:
        """Move your marker back so post ``seq`` and everything after it are unread."""
        thread, _, _ = readable_thread(context.db(), context.viewer(), thread_id)
        context.send(reading.mark_unread_from, MarkUnreadFrom(thread.id, args["seq"]))
        return _marker(thread_id)


@blp.route("/conferences/<slug>/mark-read")
class MarkConferenceRead(MethodView):
    @blp.errors(404, 415, member_only=True)
    @blp.response(200, ConferenceReadSchema)
    def post(self, slug: str) -> dict[str, Any]:
        """Mark every thread of the conference read (no request body)."""
        conference, _ = readable_conference(context.db(), context.viewer(), slug)
        moved = context.send(reading.mark_conference_read,
                             reading_commands.MarkConferenceRead(conference.id))
        return {"slug": conference.slug, "threads_marked": moved}


@blp.route("/unread")
class Unread(MethodView):
    @blp.errors(member_only=True)
    @blp.response(200, UnreadSchema)
    def get(self) -> dict[str, Any]:
        """Your unread posts: the total, per conference, and the next one to read."""
        viewer = member()
        conn = context.db()
        unread = [{"slug": s.row.slug, "unread": s.unread}
                  for s in list_conferences(conn, viewer) if s.unread]
        found = get_next_unread(conn, viewer)
        return {
            "total": sum(c["unread"] for c in unread), "conferences": unread,
            "next": ({"thread_id": found.thread_id, "seq": found.seq, "post_id": found.id}
                     if found else None),
        }
