"""Threads and their posts: read a thread, page through its posts, reply."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from forum.core.permissions import can_moderate
from forum.features.threads import handlers as threads
from forum.features.threads.access import readable_thread
from forum.features.threads.commands import PostReply
from forum.features.threads.documents import post_document, thread_detail
from forum.features.threads.queries import get_post, list_posts
from forum.features.threads.schemas import (
    NewPostSchema,
    PostPageArgs,
    PostPageSchema,
    PostSchema,
    ThreadDetailSchema,
)
from forum.web import context
from forum.web.api import paging
from forum.web.api.blueprint import LOCATION, PREFIX, Blueprint, Created

blp = Blueprint("api_threads", "Threads and their posts, in the order they were written.")
@blp.route("/threads/<thread_id>")
class Thread(MethodView):
    @blp.errors(404)
    @blp.response(200, ThreadDetailSchema)
    def get(self, thread_id: str) -> dict[str, Any]:
        """A thread you may read (404 for one you may not)."""
        return thread_detail(context.db(), context.viewer(),
                             *readable_thread(context.db(), context.viewer(), thread_id))


@blp.route("/threads/<thread_id>/posts")
class ThreadPosts(MethodView):
    @blp.errors(404)
    @blp.arguments(PostPageArgs, location="query")
    @blp.response(200, PostPageSchema)
    def get(self, args: dict[str, Any], thread_id: str) -> dict[str, Any]:
        """The thread's posts by number; reading them here does not move your marker."""
        thread, _, access = readable_thread(context.db(), context.viewer(), thread_id)
        after, limit = args["cursor"] or 0, args["limit"]
        rows = list_posts(context.db(), thread.id, first_seq=after + 1, limit=limit + 1)
        page = rows[:limit]
        moderator = can_moderate(context.viewer(), access)
        return {"items": [post_document(p, moderator=moderator) for p in page],
                "next_cursor": paging.post_cursor(page[-1].seq) if len(rows) > limit else None}

    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(NewPostSchema)
    @blp.response(201, PostSchema, headers=LOCATION)
    def post(self, args: dict[str, Any], thread_id: str) -> Created:
        """Reply to a post of the thread (to its first post when parent_post_id is omitted)."""
        thread, _, access = readable_thread(context.db(), context.viewer(), thread_id)
        parent_id = args["parent_post_id"] or list_posts(
            context.db(), thread.id, limit=1)[0].id
        post_id, _ = context.send(threads.post_reply,
                                  PostReply(thread.id, parent_id, args["body"]))
        post = get_post(context.db(), post_id)
        moderator = can_moderate(context.viewer(), access)
        return (post_document(post, moderator=moderator), 201,
                {"Location": f"{PREFIX}/posts/{post_id}"})
