"""Team-together days: their sessions with places left, and taking or giving back a place."""

from __future__ import annotations

from typing import Any

from flask import abort
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from forum.core.permissions import can_organise
from forum.core.rows import DbRow
from forum.features.members.queries import get_member_by_handle
from forum.features.teamdays import handlers as teamdays
from forum.features.teamdays import queries as teamday_queries
from forum.features.teamdays.access import readable_day
from forum.features.teamdays.commands import AddSession, JoinSession, LeaveSession
from forum.features.teamdays.model import LEVELS
from forum.web import context
from forum.web.api.blueprint import Blueprint
from forum.web.api.schemas import PersonSchema, UtcDateTime, strict_int

blp = Blueprint("api_teamdays", "Team-together days: parallel sessions with places.")


class SessionSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    host = fields.Nested(PersonSchema, required=True)
    room = fields.String(required=True)
    starts_at = UtcDateTime(required=True)
    ends_at = UtcDateTime(required=True)
    level = fields.String(required=True, validate=validate.OneOf(LEVELS))
    capacity = fields.Integer(required=True)
    places_left = fields.Integer(required=True)
    mine = fields.Boolean(required=True, metadata={"description": "you have a place"})
    thread_id = fields.String(required=True, metadata={"description": "its follow-up thread"})


class TeamDaySchema(Schema):
    id = fields.String(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    day = fields.String(required=True, metadata={"description": "YYYY-MM-DD"})
    timezone = fields.String(required=True)
    conference_id = fields.String(required=True)


class TeamDayListSchema(Schema):
    items = fields.List(fields.Nested(TeamDaySchema), required=True)


class TeamDayDetailSchema(TeamDaySchema):
    may_organise = fields.Boolean(required=True)
    sessions = fields.List(fields.Nested(SessionSchema), required=True)


class NewSessionSchema(Schema):
    title = fields.String(required=True)
    host = fields.String(required=True, metadata={"description": "the host's handle"})
    room = fields.String(required=True)
    starts = fields.String(required=True, metadata={"description": "HH:MM, the day's zone"})
    ends = fields.String(required=True)
    level = fields.String(required=True, metadata={"description": ", ".join(LEVELS)})
    capacity = strict_int(required=True)
    description = fields.String(load_default="")


class SessionCreatedSchema(Schema):
    id = fields.String(required=True)


def _day(row: DbRow) -> dict[str, Any]:
    return {"id": row.id, "slug": row.slug, "name": row.name, "day": row.day,
            "timezone": row.timezone, "conference_id": row.conference_id}


@blp.route("/days")
class Days(MethodView):
    @blp.errors()
    @blp.response(200, TeamDayListSchema)
    def get(self) -> dict[str, Any]:
        """The team days you may read, newest first."""
        rows = teamday_queries.list_team_days(context.db(), context.viewer())
        return {"items": [_day(r) for r in rows]}


@blp.route("/days/<slug>")
class Day(MethodView):
    @blp.errors(404)
    @blp.response(200, TeamDayDetailSchema)
    def get(self, slug: str) -> dict[str, Any]:
        """A day with its sessions, places left, and whether you have one."""
        row, access = readable_day(context.db(), context.viewer(), slug)
        viewer = context.viewer()
        conn = context.db()
        mine = teamday_queries.attending(conn, row.id, viewer.member_id)
        sessions = [{
            "id": s.id, "title": s.title, "description": s.description,
            "host": {"id": s.host_id, "handle": s.host_handle, "display_name": s.host_name},
            "room": s.room, "starts_at": s.starts_at, "ends_at": s.ends_at, "level": s.level,
            "capacity": s.capacity, "places_left": s.capacity - s.taken, "mine": s.id in mine,
            "thread_id": s.thread_id} for s in teamday_queries.list_sessions(conn, row.id)]
        return {**_day(row), "may_organise": can_organise(viewer, access),
                "sessions": sessions}


@blp.route("/days/<slug>/sessions")
class Sessions(MethodView):
    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(NewSessionSchema)
    @blp.response(201, SessionCreatedSchema)
    def post(self, args: dict[str, Any], slug: str) -> dict[str, Any]:
        """Organisers add a session (its follow-up thread is started with it)."""
        row, _ = readable_day(context.db(), context.viewer(), slug)
        host = get_member_by_handle(context.db(), args["host"].lstrip("@"))
        if host is None:
            abort(404)
        session_id = context.send(teamdays.add_session, AddSession(
            row.id, args["title"], host.id, args["room"], args["starts"], args["ends"],
            args["level"], args["capacity"], args["description"]))
        return {"id": session_id}


@blp.route("/days/<slug>/sessions/<session_id>/place")
class Place(MethodView):
    @blp.errors(400, 403, 404, 409, 415, member_only=True)
    @blp.response(204)
    def put(self, slug: str, session_id: str) -> None:
        """Take a place (409 when it is full, or you are in another session then)."""
        row, _ = readable_day(context.db(), context.viewer(), slug)
        context.send(teamdays.join_session, JoinSession(row.id, session_id))

    @blp.errors(403, 404, member_only=True)
    @blp.response(204)
    def delete(self, slug: str, session_id: str) -> None:
        """Give your place back."""
        row, _ = readable_day(context.db(), context.viewer(), slug)
        context.send(teamdays.leave_session, LeaveSession(row.id, session_id))
