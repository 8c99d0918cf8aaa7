"""The JSON API of federation's operations: dead letters (administrators) and follow
requests (a public conference's moderators). 404 while federation is off."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app
from flask.views import MethodView
from marshmallow import Schema, fields

from federation.delivery import worker
from federation.follows import handlers as follows
from federation.follows import queries as reads
from federation.follows.commands import AcceptFollow, RejectFollow
from forum.core.permissions import can_administer, can_moderate
from forum.features.conferences.access import readable_conference
from forum.web import context
from forum.web.api.blueprint import Blueprint
from forum.web.api.schemas import UtcDateTime

blp = Blueprint("api_federation", "Fediverse deliveries that failed, and follow requests.")


def _enabled() -> None:
    if not current_app.extensions["commonroom"].config.federation:
        abort(404)


class DeadLetterSchema(Schema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "Create, Announce, …"})
    activity_id = fields.String(required=True)
    inbox = fields.String(required=True)
    host = fields.String(required=True)
    attempts = fields.Integer(required=True)
    last_error = fields.String(required=True, allow_none=True)
    created_at = UtcDateTime(required=True)


class DeadLetterListSchema(Schema):
    items = fields.List(fields.Nested(DeadLetterSchema), required=True)


class FollowerSchema(Schema):
    remote_actor = fields.String(required=True)
    acct = fields.String(required=True)
    name = fields.String(required=True)
    state = fields.String(required=True, metadata={"description": "pending or accepted"})
    requested_at = UtcDateTime(required=True)


class FollowerListSchema(Schema):
    policy = fields.String(required=True, metadata={"description": "automatic or moderated"})
    items = fields.List(fields.Nested(FollowerSchema), required=True)


class DecisionSchema(Schema):
    remote_actor = fields.String(required=True)
    accept = fields.Boolean(required=True, metadata={"description": "false rejects"})


def _admin() -> None:
    _enabled()
    if not can_administer(context.viewer()):
        abort(404)


@blp.route("/federation/dead-letters")
class DeadLetters(MethodView):
    @blp.errors(404, member_only=True)
    @blp.response(200, DeadLetterListSchema)
    def get(self) -> dict[str, Any]:
        """Deliveries that failed for good (administrators)."""
        _admin()
        return {"items": [row._asdict() for row in worker.list_dead_letters(context.db())]}


@blp.route("/federation/dead-letters/<int:delivery_id>/retry")
class RetryDeadLetter(MethodView):
    @blp.errors(404, 415, member_only=True)
    @blp.response(204)
    def post(self, delivery_id: int) -> None:
        """Queue a dead letter again (administrators)."""
        _admin()
        if not worker.retry(context.backend().engine, delivery_id):
            abort(404)


def _moderated(slug: str) -> str:
    _enabled()
    row, access = readable_conference(context.db(), context.viewer(), slug)
    if row.visibility != "public" or not can_moderate(context.viewer(), access):
        abort(404)
    return f"conference:{row.id}"


@blp.route("/conferences/<slug>/fediverse-followers")
class Followers(MethodView):
    @blp.errors(404, member_only=True)
    @blp.response(200, FollowerListSchema)
    def get(self, slug: str) -> dict[str, Any]:
        """A public conference's followers and pending requests (its moderators)."""
        local = _moderated(slug)
        conn = context.db()
        rows = [*reads.list_followers(conn, local, "pending"),
                *reads.list_followers(conn, local, "accepted")]
        return {"policy": reads.get_policy(conn, local), "items": [
            {key: getattr(row, key) for key in FollowerSchema().fields} for row in rows]}

    @blp.errors(400, 403, 404, 409, 413, 415, 422, member_only=True)
    @blp.arguments(DecisionSchema)
    @blp.response(204)
    def post(self, args: dict[str, Any], slug: str) -> None:
        """Accept or reject a follow request (rejecting a follower removes them)."""
        local = _moderated(slug)
        if args["accept"]:
            context.send(follows.accept_follow, AcceptFollow(local, args["remote_actor"]))
        else:
            context.send(follows.reject_follow, RejectFollow(local, args["remote_actor"]))
