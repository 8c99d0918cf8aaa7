"""Study circles in the browser, without JavaScript: every action is a plain form."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from forum.core import recurrence
from forum.core.errors import InvalidInput
from forum.core.permissions import (
    can_moderate,
    can_post,
    can_start_circle,
)
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
    NameCircleOrganiser,
    RecordCircleSession,
    SetReadingList,
    StartCircle,
)
from forum.features.circles.model import CADENCE_MAX, NOTE_MAX, READING_MAX, TITLE_MAX, is_rule
from forum.features.members.queries import get_member_by_handle
from forum.web import context

bp = Blueprint("circles", __name__)


def reading_items(text: str) -> tuple[tuple[str, str], ...]:
    """One reading a line, 'Title | https://link' (the link may be left out)."""
    items = []
    for line in text.splitlines():
        if line.strip():
            title, _, link = line.partition("|")
            items.append((title.strip(), link.strip()))
    return tuple(items)


@bp.get("/circles")
def index() -> ResponseReturnValue:
    viewer = context.viewer()
    return render_template("circles/index.html",
                           circles=circle_queries.list_circles(context.db(), viewer),
                           may_start=can_start_circle(viewer), cadence_max=CADENCE_MAX)


@bp.post("/circles")
def start() -> ResponseReturnValue:
    form = request.form
    visibility = form.get("visibility", "internal")
    context.send(circles.start_circle, StartCircle(
        form.get("slug", "").strip(), form.get("name", ""), form.get("description", ""),
        form.get("cadence", ""), visibility,
        "invitation" if visibility == "private" else form.get("join", "approval")))
    flash("The circle is started, with a conference of its own.")
    return redirect(url_for("circles.circle", slug=form.get("slug", "").strip().lower()))


@bp.get("/circles/<slug>")
def circle(slug: str) -> ResponseReturnValue:
    row, access = readable_circle(context.db(), context.viewer(), slug)
    viewer, conn = context.viewer(), context.db()
    people = circle_queries.list_members(conn, row.id)
    now = context.backend().store.clock()
    return render_template(
        "circles/circle.html", circle=row, members=people,
        member=any(p.member_id == viewer.member_id for p in people),
        requested=circle_queries.has_requested(conn, row.id, viewer.member_id),
        requests=circle_queries.list_requests(conn, row.id),
        reading=circle_queries.list_reading(conn, row.id),
        sessions=circle_queries.list_sessions(conn, row.id),
        next_dates=recurrence.next_dates(row.cadence, now, 3) if is_rule(row.cadence) else [],
        may_organise=can_moderate(viewer, access) and row.archived_at is None,
        may_contribute=can_post(viewer, access) and row.archived_at is None,
        today=now.date().isoformat(), note_max=NOTE_MAX, title_max=TITLE_MAX,
        cadence_max=CADENCE_MAX, reading_max=READING_MAX)


def _member_id(handle: str) -> str:
    found = get_member_by_handle(context.db(), handle.strip().lstrip("@"))
    if found is None:
        raise InvalidInput(f"no member called {handle.strip()!r}", field="handle")
    return str(found.id)


@bp.post("/circles/<slug>/<action>")
def circle_action(slug: str, action: str) -> ResponseReturnValue:
    """Join (or ask to), leave, archive; the cadence, the reading list, a session's notes,
    adding a member by handle."""
    row, _ = readable_circle(context.db(), context.viewer(), slug)
    form = request.form
    actions: dict[str, Any] = {
        "join": lambda: (circles.join_circle, JoinCircle(row.id, form.get("note", "")),
                         "You are in." if row.join_policy == "open" else
                         "Asked to join: an organiser will answer."),
        "leave": lambda: (circles.leave_circle, LeaveCircle(row.id), "You left the circle."),
        "archive": lambda: (circles.archive_circle, ArchiveCircle(row.id),
                            "Archived: the circle and its notes are kept, read-only."),
        "cadence": lambda: (circles.change_circle_cadence, ChangeCircleCadence(
            row.id, form.get("cadence", "")), "The cadence is changed."),
        "reading": lambda: (circles.set_reading_list, SetReadingList(
            row.id, reading_items(form.get("items", "")), _revision()), "Reading list saved."),
        "sessions": lambda: (circles.record_circle_session, RecordCircleSession(
            row.id, form.get("held_on", ""), form.get("title", ""), form.get("notes", "")),
            "Session notes recorded, as a thread in the circle's conference."),
        "members": lambda: (circles.add_circle_member, AddCircleMember(
            row.id, _member_id(form.get("handle", ""))), "Added to the circle."),
    }
    if action not in actions:
        abort(404)
    handler, command, said = actions[action]()
    context.send(handler, command)
    flash(said)
    return redirect(url_for("circles.circle", slug=row.slug))


def _revision() -> int | None:
    try:
        return int(request.form["revision"]) if request.form.get("revision") else None
    except ValueError:
        raise InvalidInput("revision must be a whole number", field="revision") from None


@bp.post("/circles/<slug>/people/<member_id>/<action>")
def person_action(slug: str, member_id: str, action: str) -> ResponseReturnValue:
    """An organiser approves or declines a request, takes a member off, or names an
    organiser."""
    row, _ = readable_circle(context.db(), context.viewer(), slug)
    actions: dict[str, Any] = {
        "approve": (circles.answer_join_request, AnswerJoinRequest(row.id, member_id, True),
                    "Welcomed into the circle."),
        "decline": (circles.answer_join_request, AnswerJoinRequest(row.id, member_id, False),
                    "Request declined."),
        "remove": (circles.leave_circle, LeaveCircle(row.id, member_id),
                   "Taken off the circle."),
        "organiser": (circles.name_circle_organiser, NameCircleOrganiser(row.id, member_id),
                      "They organise the circle too now."),
    }
    if action not in actions:
        abort(404)
    handler, command, said = actions[action]
    context.send(handler, command)
    flash(said)
    return redirect(url_for("circles.circle", slug=row.slug))
