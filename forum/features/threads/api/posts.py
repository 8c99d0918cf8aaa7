"""Single posts: read, edit (with the revision you saw), remove, and their history."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask.views import MethodView

from forum.core.permissions import can_moderate
from forum.features.threads import handlers as threads
from forum.features.threads.access import readable_post
from forum.features.threads.commands import DeletePost, EditPost
from forum.features.threads.documents import post_document
from forum.features.threads.queries import list_revisions
from forum.features.threads.schemas import EditPostSchema, PostSchema, RevisionListSchema
from forum.web import context
from forum.web.api.blueprint import Blueprint

blp = Blueprint("api_posts", "Single posts: read, edit, remove, and their revisions.")


def _document(post_id: str) -> dict[str, Any]:
    post, _, _, access = readable_post(context.db(), context.viewer(), post_id)
    return post_document(post, moderator=can_moderate(context.viewer(), access))


@blp.route("/posts/<post_id>")
class Post(MethodView):
    @blp.errors(404)
    @blp.response(200, PostSchema)
    def get(self, post_id: str) -> dict[str, Any]:
        """A post; removed ones are tombstones, hidden ones keep their text for moderators."""
        return _document(post_id)

    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(EditPostSchema)
    @blp.response(200, PostSchema)
    def patch(self, args: dict[str, Any], post_id: str) -> dict[str, Any]:
        """Edit your post (or any, as a moderator); 409 with current_revision if stale."""
        post, thread, _, _ = readable_post(context.db(), context.viewer(), post_id)
        context.send(threads.edit_post, EditPost(
            thread.id, post.id, args["body"], args["expected_revision"]))
        return _document(post_id)

    @blp.errors(403, 404, 409, member_only=True)
    @blp.response(204)
    def delete(self, post_id: str) -> None:
        """Remove your post (or any, as a moderator); it stays as a tombstone."""
        post, thread, _, _ = readable_post(context.db(), context.viewer(), post_id)
        context.send(threads.delete_post, DeletePost(thread.id, post.id))


@blp.route("/posts/<post_id>/revisions")
class Revisions(MethodView):
    @blp.errors(404)
    @blp.response(200, RevisionListSchema)
    def get(self, post_id: str) -> dict[str, Any]:
        """Every version of a post, oldest first (of removed or hidden ones: moderators only)."""
        post, _, _, access = readable_post(context.db(), context.viewer(), post_id)
        if (post.deleted_by or post.hidden_by) and not can_moderate(context.viewer(), access):
            abort(404)
        return {"items": [
            {"revision": r.revision, "body": r.body, "editor_id": r.editor_id,
             "editor_name": r.editor_name, "edited_at": r.edited_at}
            for r in list_revisions(context.db(), post.id)
        ]}
