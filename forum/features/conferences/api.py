"""Conferences: the ones you may read, their threads, and starting a thread."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from forum.core.permissions import can_moderate, can_post
from forum.features.conferences.access import readable_conference
from forum.features.conferences.documents import conference_document
from forum.features.conferences.queries import access_from_row
from forum.features.conferences.schemas import ConferenceListSchema, ConferenceSchema
from forum.features.reading.queries import list_conferences, unread_by_thread
from forum.features.threads import handlers as threads
from forum.features.threads.access import readable_thread
from forum.features.threads.commands import StartThread
from forum.features.threads.documents import listed_author, thread_detail, thread_document
from forum.features.threads.schemas import (
    NewThreadSchema,
    ThreadDetailSchema,
    ThreadPageArgs,
    ThreadPageSchema,
)
from forum.web import context
from forum.web.api import paging
from forum.web.api.blueprint import LOCATION, PREFIX, Blueprint, Created

blp = Blueprint("api_conferences", "Conferences you may read, with counts and your unread.")


def _summaries(only_id: str | None = None) -> list[dict[str, Any]]:
    viewer = context.viewer()
    result = []
    for summary in list_conferences(context.db(), viewer):
        if only_id is None or summary.row.id == only_id:
            access = access_from_row(summary.row)
            result.append(conference_document(summary, may_post=can_post(viewer, access),
                                               may_moderate=can_moderate(viewer, access)))
    return result


@blp.route("/conferences")
class Conferences(MethodView):
    @blp.errors()
    @blp.response(200, ConferenceListSchema)
    def get(self) -> dict[str, Any]:
        """Every conference you may read, as a tree (parents before children)."""
        return {"items": _summaries()}


@blp.route("/conferences/<slug>")
class Conference(MethodView):
    @blp.errors(404)
    @blp.response(200, ConferenceSchema)
    def get(self, slug: str) -> dict[str, Any]:
        row, _ = readable_conference(context.db(), context.viewer(), slug)
        return _summaries(row.id)[0]


@blp.route("/conferences/<slug>/threads")
class ConferenceThreads(MethodView):
    @blp.errors(404)
    @blp.arguments(ThreadPageArgs, location="query")
    @blp.response(200, ThreadPageSchema)
    def get(self, args: dict[str, Any], slug: str) -> dict[str, Any]:
        """Threads, pinned first, then by newest post."""
        conference, _ = readable_conference(context.db(), context.viewer(), slug)
        conn = context.db()
        limit = args["limit"]
        rows = paging.list_threads_after(conn, conference.id, args["cursor"], limit + 1)
        page = rows[:limit]
        unread = unread_by_thread(conn, context.viewer(), [t.id for t in page])
        return {
            "items": [thread_document(t, conference, listed_author(t),
                                       unread.get(t.id, 0)) for t in page],
            "next_cursor": paging.thread_cursor(page[-1]) if len(rows) > limit else None,
        }

    @blp.errors(400, 403, 404, 413, 415, member_only=True)
    @blp.arguments(NewThreadSchema)
    @blp.response(201, ThreadDetailSchema, headers=LOCATION)
    def post(self, args: dict[str, Any], slug: str) -> Created:
        """Start a thread; its first post is the body."""
        conference, _ = readable_conference(context.db(), context.viewer(), slug)
        thread_id, _ = context.send(threads.start_thread, StartThread(
            conference.id, args["subject"], args["body"]))
        conn, viewer = context.db(), context.viewer()
        document = thread_detail(conn, viewer, *readable_thread(conn, viewer, thread_id))
        return document, 201, {"Location": f"{PREFIX}/threads/{thread_id}"}
