"""People: yourself, and other members' profiles and résumés."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask.views import MethodView

from forum.features.members.documents import me_document, profile_document
from forum.features.members.queries import get_member, get_member_by_handle
from forum.features.members.schemas import MeSchema, ProfileSchema
from forum.features.threads.queries import list_member_posts
from forum.web import context
from forum.web.api.blueprint import Blueprint, member

blp = Blueprint("api_members", "Members: yourself and others' profiles.")


@blp.route("/me")
class Me(MethodView):
    @blp.errors(member_only=True)
    @blp.response(200, MeSchema)
    def get(self) -> dict[str, Any]:
        """The member whose token this is."""
        return me_document(get_member(context.db(), member().member_id or ""))


@blp.route("/members/<handle>")
class Member(MethodView):
    @blp.errors(404)
    @blp.response(200, ProfileSchema)
    def get(self, handle: str) -> dict[str, Any]:
        """A profile with its résumé and recent posts you may read.

        Anonymous callers see only people who write in public conferences.
        """
        viewer = context.viewer()
        conn = context.db()
        row = get_member_by_handle(conn, handle)
        recent = list_member_posts(conn, viewer, row.id) if row else []
        if row is None or (not viewer.signed_in and not recent):
            abort(404)
        return profile_document(row, recent)
