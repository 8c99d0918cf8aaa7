"""Kudos on posts and talks, and "today I learned" posts."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask.views import MethodView
from marshmallow import Schema, fields

from forum.core.permissions import can_read
from forum.features.conferences.queries import conference_access
from forum.features.kudos import handlers as kudos
from forum.features.kudos import queries as learning_queries
from forum.features.kudos.commands import GiveKudos, PostTil, WithdrawKudos
from forum.features.rotas import queries as rota_queries
from forum.features.threads.access import readable_post
from forum.web import context
from forum.web.api.blueprint import Blueprint
from forum.web.api.schemas import PersonSchema, UtcDateTime

blp = Blueprint("api_learning", "Kudos on posts and talks; today-I-learned posts.")


class KudosSchema(Schema):
    giver = fields.Nested(PersonSchema, required=True)
    note = fields.String(required=True)
    given_at = UtcDateTime(required=True)


class KudosListSchema(Schema):
    items = fields.List(fields.Nested(KudosSchema), required=True)


class GiveKudosSchema(Schema):
    note = fields.String(load_default="", metadata={"description": "a word of thanks"})


class TilSchema(Schema):
    thread_id = fields.String(required=True)
    subject = fields.String(required=True)
    html = fields.String(required=True)
    author = fields.Nested(PersonSchema, required=True)
    created_at = UtcDateTime(required=True)
    kudos = fields.Integer(required=True)


class TilListSchema(Schema):
    items = fields.List(fields.Nested(TilSchema), required=True)


class NewTilSchema(Schema):
    body = fields.String(required=True, metadata={"description": "Markdown, up to 500"})


class TilCreatedSchema(Schema):
    thread_id = fields.String(required=True)


def _readable_talk(talk_id: str) -> None:
    talk = rota_queries.get_talk(context.db(), talk_id)
    rota = rota_queries.get_rota(context.db(), talk.rota_id) if talk else None
    access = conference_access(context.db(), rota.conference_id) if rota else None
    if access is None or not can_read(context.viewer(), access):
        abort(404)


def _listing(target: str, target_id: str) -> dict[str, Any]:
    rows = learning_queries.list_kudos(context.db(), target, target_id)
    return {"items": [{"giver": {"id": r.member_id, "handle": r.handle,
                                 "display_name": r.display_name},
                       "note": r.note, "given_at": r.given_at} for r in rows]}


class _Kudos(MethodView):
    target = ""

    def _check(self, target_id: str) -> None:
        if self.target == "post":
            readable_post(context.db(), context.viewer(), target_id)
        else:
            _readable_talk(target_id)

    def _get(self, target_id: str) -> dict[str, Any]:
        self._check(target_id)
        return _listing(self.target, target_id)

    def _put(self, args: dict[str, Any], target_id: str) -> None:
        self._check(target_id)
        context.send(kudos.give_kudos, GiveKudos(self.target, target_id, args["note"]))

    def _delete(self, target_id: str) -> None:
        self._check(target_id)
        context.send(kudos.withdraw_kudos, WithdrawKudos(self.target, target_id))


@blp.route("/posts/<post_id>/kudos")
class PostKudos(_Kudos):
    target = "post"

    @blp.errors(404)
    @blp.response(200, KudosListSchema)
    def get(self, post_id: str) -> dict[str, Any]:
        """Who gave kudos to this post, with their notes."""
        return self._get(post_id)

    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(GiveKudosSchema)
    @blp.response(204)
    def put(self, args: dict[str, Any], post_id: str) -> None:
        """Give kudos to the post's author (once; not to yourself)."""
        self._put(args, post_id)

    @blp.errors(403, 404, member_only=True)
    @blp.response(204)
    def delete(self, post_id: str) -> None:
        """Take your kudos back."""
        self._delete(post_id)


@blp.route("/talks/<talk_id>/kudos")
class TalkKudos(_Kudos):
    target = "talk"

    @blp.errors(404)
    @blp.response(200, KudosListSchema)
    def get(self, talk_id: str) -> dict[str, Any]:
        """Who gave kudos to this talk, with their notes."""
        return self._get(talk_id)

    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(GiveKudosSchema)
    @blp.response(204)
    def put(self, args: dict[str, Any], talk_id: str) -> None:
        """Give kudos to the talk's speaker (once; not to yourself)."""
        self._put(args, talk_id)

    @blp.errors(403, 404, member_only=True)
    @blp.response(204)
    def delete(self, talk_id: str) -> None:
        """Take your kudos back."""
        self._delete(talk_id)


@blp.route("/til")
class Til(MethodView):
    @blp.errors()
    @blp.response(200, TilListSchema)
    def get(self) -> dict[str, Any]:
        """The newest "today I learned" posts (if you may read their conference)."""
        rows = learning_queries.list_tils(context.db(), context.viewer())
        return {"items": [{"thread_id": r.id, "subject": r.subject, "html": r.html,
                           "author": {"id": r.author_id, "handle": r.handle,
                                      "display_name": r.display_name},
                           "created_at": r.created_at, "kudos": r.kudos} for r in rows]}

    @blp.errors(400, 403, 404, 413, 415, member_only=True)
    @blp.arguments(NewTilSchema)
    @blp.response(201, TilCreatedSchema)
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Share what you learned today: a short thread in the TIL conference."""
        return {"thread_id": context.send(kudos.post_til, PostTil(args["body"]))}
