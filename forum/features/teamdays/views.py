"""Team-together days in the browser, without JavaScript: every action is a plain form."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from forum.core.errors import InvalidInput
from forum.core.permissions import can_organise, can_post
from forum.features.conferences.queries import access_from_row
from forum.features.members.queries import get_member_by_handle
from forum.features.reading.queries import list_conferences
from forum.features.rotas import queries as rota_queries
from forum.features.teamdays import handlers as teamdays
from forum.features.teamdays import queries as teamday_queries
from forum.features.teamdays.access import readable_day
from forum.features.teamdays.commands import (
    AddSession,
    CreateTeamDay,
    JoinSession,
    LeaveSession,
    PlanFollowUp,
)
from forum.features.teamdays.model import CAPACITY_MAX, LEVELS
from forum.web import context

bp = Blueprint("teamdays", __name__)


@bp.app_template_filter("local_time")
def local_time(moment: datetime, timezone: str) -> str:
    """Only the time of day, as the day's people read it: '10:30'."""
    return rota_queries.aware(moment).astimezone(ZoneInfo(timezone)).strftime("%H:%M")


def _organised() -> list[Any]:
    viewer = context.viewer()
    return [c for c in list_conferences(context.db(), viewer)
            if can_organise(viewer, access_from_row(c.row))]


@bp.get("/days")
def index() -> ResponseReturnValue:
    return render_template("teamdays/index.html",
                           days=teamday_queries.list_team_days(context.db(), context.viewer()),
                           may_create=bool(_organised()))


@bp.route("/days/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    if (refused := context.require_member()) is not None:
        return refused
    if request.method == "GET":
        return render_template("teamdays/new.html", conferences=_organised())
    form = request.form
    context.send(teamdays.create_team_day, CreateTeamDay(
        form.get("conference_id", ""), form.get("slug", "").strip(), form.get("name", ""),
        form.get("day", ""), form.get("description", ""),
        form.get("timezone", "UTC").strip() or "UTC"))
    flash("The day is planned: now add its sessions.")
    return redirect(url_for("teamdays.day", slug=form.get("slug", "").strip()))


@bp.get("/days/<slug>")
def day(slug: str) -> ResponseReturnValue:
    row, access = readable_day(context.db(), context.viewer(), slug)
    viewer = context.viewer()
    conn = context.db()
    sessions = teamday_queries.list_sessions(conn, row.id)
    others = [(d, teamday_queries.list_sessions(conn, d.id))
              for d in teamday_queries.list_team_days(conn, viewer)]
    return render_template(
        "teamdays/day.html", day=row, sessions=sessions,
        mine=teamday_queries.attending(conn, row.id, viewer.member_id),
        attendees=teamday_queries.list_attendees(conn, row.id),
        follow_ups=teamday_queries.list_follow_ups(conn, row.id, viewer),
        may_join=viewer.signed_in, may_organise=can_organise(viewer, access),
        may_host=can_post(viewer, access), others=others, levels=LEVELS,
        capacity_max=CAPACITY_MAX, now=context.backend().store.clock())


@bp.post("/days/<slug>/sessions")
def add_session(slug: str) -> ResponseReturnValue:
    row, _ = readable_day(context.db(), context.viewer(), slug)
    form = request.form
    host = get_member_by_handle(context.db(), form.get("host", "").strip().lstrip("@"))
    if host is None:
        raise InvalidInput(f"no member called {form.get('host', '')!r}", field="host")
    try:
        capacity = int(form.get("capacity", ""))
    except ValueError:
        raise InvalidInput("capacity must be a whole number", field="capacity") from None
    context.send(teamdays.add_session, AddSession(
        row.id, form.get("title", ""), host.id, form.get("room", ""), form.get("starts", ""),
        form.get("ends", ""), form.get("level", ""), capacity, form.get("description", "")))
    flash("Session added, with its follow-up thread.")
    return redirect(url_for("teamdays.day", slug=row.slug))


@bp.post("/days/<slug>/sessions/<session_id>/<action>")
def session_action(slug: str, session_id: str, action: str) -> ResponseReturnValue:
    """Join or leave a session; its host or an organiser links a follow-up session."""
    row, _ = readable_day(context.db(), context.viewer(), slug)
    if action == "join":
        context.send(teamdays.join_session, JoinSession(row.id, session_id))
        flash("You have a place.")
    elif action == "leave":
        context.send(teamdays.leave_session, LeaveSession(row.id, session_id))
        flash("You gave your place back.")
    elif action == "follow-up":
        next_day, _, next_session = request.form.get("next", "").partition(":")
        context.send(teamdays.plan_follow_up, PlanFollowUp(
            row.id, session_id, next_day, next_session))
        flash("Follow-up session linked.")
    else:
        abort(404)
    return redirect(url_for("teamdays.day", slug=row.slug) + f"#session-{session_id}")
