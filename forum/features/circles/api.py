"""Study circles: the directory, a circle with its members, reading list and sessions,
and joining, leaving, answering requests, the reading list, session notes, archiving."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from forum.core.handlers import Services
from forum.core.permissions import Viewer, can_moderate, can_post
from forum.core.rows import DbRow
from forum.features.circles import handlers as circles
from forum.features.circles import queries as circle_queries
from forum.features.circles.access import readable_circle
from forum.features.circles.commands import (
    AddCircleMember,
    AnswerJoinRequest,
    ArchiveCircle,
    ChangeCircleCadence,
    JoinCircle,
    LeaveCircle,
    RecordCircleSession,
    SetReadingList,
    StartCircle,
)
from forum.features.circles.model import JOINS, VISIBILITIES
from forum.web import context
from forum.web.api.blueprint import Blueprint
from forum.web.api.schemas import PersonSchema, UtcDateTime, strict_int

C = TypeVar("C")

blp = Blueprint("api_circles", "Study circles: members, a cadence, a reading list, sessions.")
JOIN_POLICIES = sorted({j for joins in JOINS.values() for j in joins})


class CircleSchema(Schema):
    id = fields.String(required=True)
    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True, metadata={"description": "Markdown"})
    cadence = fields.String(required=True, metadata={
        "description": "words, or an iCalendar rule (FREQ=…)"})
    visibility = fields.String(required=True, validate=validate.OneOf(VISIBILITIES))
    join = fields.String(required=True, validate=validate.OneOf(JOIN_POLICIES))
    conference_id = fields.String(required=True, metadata={
        "description": "its own conference, where session notes are threads"})
    archived = fields.Boolean(required=True)


class CircleListSchema(Schema):
    items = fields.List(fields.Nested(CircleSchema), required=True)


class CircleMemberSchema(PersonSchema):
    organiser = fields.Boolean(required=True)


class CircleReadingSchema(Schema):
    title = fields.String(required=True)
    link = fields.String(required=True, metadata={"description": "empty when none"})


class CircleSessionSchema(Schema):
    id = fields.String(required=True)
    held_on = fields.String(required=True, metadata={"description": "YYYY-MM-DD"})
    title = fields.String(required=True)
    thread_id = fields.String(required=True, metadata={"description": "its notes"})


class CircleRequestSchema(PersonSchema):
    note = fields.String(required=True)
    requested_at = UtcDateTime(required=True)


class CircleDetailSchema(CircleSchema):
    members = fields.List(fields.Nested(CircleMemberSchema), required=True)
    requests = fields.List(fields.Nested(CircleRequestSchema), required=True, metadata={
        "description": "who asked to join (organisers see them; empty for others)"})
    reading = fields.List(fields.Nested(CircleReadingSchema), required=True)
    reading_revision = fields.Integer(required=True)
    sessions = fields.List(fields.Nested(CircleSessionSchema), required=True)
    may_organise = fields.Boolean(required=True)
    may_contribute = fields.Boolean(required=True)


class NewCircleSchema(Schema):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(load_default="")
    cadence = fields.String(load_default="")
    visibility = fields.String(load_default="internal", metadata={
        "description": "internal or private"})
    join = fields.String(load_default=None, metadata={
        "description": "open or approval (internal; approval if left out), invitation "
                       "(private)"})


class CircleJoinSchema(Schema):
    note = fields.String(load_default="")


class CircleAnswerSchema(Schema):
    approve = fields.Boolean(required=True)


class CircleReadingItemSchema(Schema):
    title = fields.String(required=True)
    link = fields.String(load_default="", metadata={"description": "http(s), or left out"})


class CircleReadingListSchema(Schema):
    items = fields.List(fields.Nested(CircleReadingItemSchema), required=True)
    expected_revision = strict_int(load_default=None, allow_none=True)


class NewCircleSessionSchema(Schema):
    held_on = fields.String(required=True, metadata={"description": "YYYY-MM-DD, not later "
                                                                    "than today"})
    title = fields.String(required=True)
    notes = fields.String(required=True, metadata={"description": "Markdown"})


class CircleCadenceSchema(Schema):
    cadence = fields.String(required=True)


class CircleNewMemberSchema(Schema):
    member_id = fields.String(required=True)


class CircleCreatedSchema(Schema):
    id = fields.String(required=True)


def _circle(row: DbRow) -> dict[str, Any]:
    return {"id": row.id, "slug": row.slug, "name": row.name,
            "description": row.description, "cadence": row.cadence,
            "visibility": row.visibility, "join": row.join_policy,
            "conference_id": row.conference_id, "archived": row.archived_at is not None}


def _person(row: DbRow, **more: Any) -> dict[str, Any]:
    return {"id": row.member_id, "handle": row.handle, "display_name": row.display_name,
            **more}


def _detail(slug: str) -> dict[str, Any]:
    row, access = readable_circle(context.db(), context.viewer(), slug)
    viewer, conn = context.viewer(), context.db()
    organiser = can_moderate(viewer, access)
    return {
        **_circle(row),
        "members": [_person(m, organiser=bool(m.organiser))
                    for m in circle_queries.list_members(conn, row.id)],
        "requests": [_person(r, note=r.note, requested_at=r.requested_at)
                     for r in circle_queries.list_requests(conn, row.id)] if organiser else [],
        "reading": [{"title": r.title, "link": r.link}
                    for r in circle_queries.list_reading(conn, row.id)],
        "reading_revision": row.reading_revision,
        "sessions": [{"id": s.id, "held_on": s.held_on, "title": s.title,
                      "thread_id": s.thread_id}
                     for s in circle_queries.list_sessions(conn, row.id)],
        "may_organise": organiser and row.archived_at is None,
        "may_contribute": can_post(viewer, access) and row.archived_at is None,
    }


def _send(slug: str, handler: Callable[[Services, Viewer, C], object],
          make: Callable[[str], C]) -> dict[str, Any]:
    row, _ = readable_circle(context.db(), context.viewer(), slug)
    context.send(handler, make(row.id))
    return _detail(slug)


@blp.route("/circles")
class Circles(MethodView):
    @blp.errors()
    @blp.response(200, CircleListSchema)
    def get(self) -> dict[str, Any]:
        """The circles you may see: internal ones (staff), private ones you are in."""
        rows = circle_queries.list_circles(context.db(), context.viewer())
        return {"items": [_circle(r) for r in rows]}

    @blp.errors(400, 403, 409, 413, 415, member_only=True)
    @blp.arguments(NewCircleSchema)
    @blp.response(201, CircleCreatedSchema)
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Start a circle (staff); its conference is created with it."""
        if args["join"] is None:
            args["join"] = "invitation" if args["visibility"] == "private" else "approval"
        return {"id": context.send(circles.start_circle, StartCircle(**args))}


@blp.route("/circles/<slug>")
class Circle(MethodView):
    @blp.errors(404)
    @blp.response(200, CircleDetailSchema)
    def get(self, slug: str) -> dict[str, Any]:
        """A circle with its members, reading list and sessions."""
        return _detail(slug)


@blp.route("/circles/<slug>/membership")
class Membership(MethodView):
    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(CircleJoinSchema)
    @blp.response(200, CircleDetailSchema)
    def put(self, args: dict[str, Any], slug: str) -> dict[str, Any]:
        """Join an open circle, or ask to join one whose organisers approve."""
        return _send(slug, circles.join_circle, lambda c: JoinCircle(c, args["note"]))

    @blp.errors(403, 404, 409, member_only=True)
    @blp.response(204)
    def delete(self, slug: str) -> None:
        """Leave the circle (its last organiser names another first). A private
        circle is out of sight once you have left it."""
        row, _ = readable_circle(context.db(), context.viewer(), slug)
        context.send(circles.leave_circle, LeaveCircle(row.id))


@blp.route("/circles/<slug>/requests/<member_id>")
class Requests(MethodView):
    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(CircleAnswerSchema)
    @blp.response(200, CircleDetailSchema)
    def post(self, args: dict[str, Any], slug: str, member_id: str) -> dict[str, Any]:
        """An organiser approves or declines a request to join."""
        return _send(slug, circles.answer_join_request,
                     lambda c: AnswerJoinRequest(c, member_id, args["approve"]))


@blp.route("/circles/<slug>/members")
class Members(MethodView):
    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(CircleNewMemberSchema)
    @blp.response(200, CircleDetailSchema)
    def post(self, args: dict[str, Any], slug: str) -> dict[str, Any]:
        """An organiser adds a member (the way into a private circle)."""
        return _send(slug, circles.add_circle_member,
                     lambda c: AddCircleMember(c, args["member_id"]))


@blp.route("/circles/<slug>/reading-list")
class ReadingList(MethodView):
    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(CircleReadingListSchema)
    @blp.response(200, CircleDetailSchema)
    def put(self, args: dict[str, Any], slug: str) -> dict[str, Any]:
        """Members replace the reading list (409 if it changed since ``expected_revision``)."""
        items = tuple((i["title"], i["link"]) for i in args["items"])
        return _send(slug, circles.set_reading_list, lambda c: SetReadingList(
            c, items, args["expected_revision"]))


@blp.route("/circles/<slug>/cadence")
class Cadence(MethodView):
    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(CircleCadenceSchema)
    @blp.response(200, CircleDetailSchema)
    def put(self, args: dict[str, Any], slug: str) -> dict[str, Any]:
        """Organisers change how often the circle meets."""
        return _send(slug, circles.change_circle_cadence,
                     lambda c: ChangeCircleCadence(c, args["cadence"]))


@blp.route("/circles/<slug>/sessions")
class Sessions(MethodView):
    @blp.errors(400, 403, 404, 409, 413, 415, member_only=True)
    @blp.arguments(NewCircleSessionSchema)
    @blp.response(201, CircleCreatedSchema)
    def post(self, args: dict[str, Any], slug: str) -> dict[str, Any]:
        """Members record a session's notes; answers the notes thread's id."""
        row, _ = readable_circle(context.db(), context.viewer(), slug)
        return {"id": context.send(circles.record_circle_session, RecordCircleSession(
            row.id, args["held_on"], args["title"], args["notes"]))}


@blp.route("/circles/<slug>/archive")
class Archive(MethodView):
    @blp.errors(403, 404, 409, 415, member_only=True)
    @blp.response(200, CircleDetailSchema)
    def post(self, slug: str) -> dict[str, Any]:
        """Organisers archive the circle: read-only from then on."""
        return _send(slug, circles.archive_circle, lambda c: ArchiveCircle(c))
