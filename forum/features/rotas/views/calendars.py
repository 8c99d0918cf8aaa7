"""Calendar feeds (.ics) of talks: per rota and per member.

Calendar programs cannot sign in, so feeds authenticate by a secret address:
each member may make one (``/calendar/<token>.ics``), kept only as a hash and
replaced when they make a new one. A rota's feed is open to anyone when its
conference is public; otherwise it needs ``?token=`` of a member who may read
it. Either way the one visibility rule decides, as on every other page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask.typing import ResponseReturnValue

from forum.core.passwords import token_hash
from forum.core.permissions import ANONYMOUS, Viewer, can_read
from forum.features.conferences.queries import conference_access, readable_ids
from forum.features.members.queries import viewer_from_row
from forum.features.rotas import handlers as rotas
from forum.features.rotas import ical
from forum.features.rotas import queries as rota_queries
from forum.features.rotas.commands import IssueCalendarFeed
from forum.web import context

bp = Blueprint("calendars", __name__)
CALENDAR = "text/calendar; charset=utf-8"


def _feed_viewer(token: str | None) -> Viewer:
    if not token:
        return ANONYMOUS
    member = rota_queries.get_member_by_feed_token(context.db(), token_hash(token))
    if member is None:
        abort(404)
    viewer = viewer_from_row(member)
    assert viewer is not None
    return viewer


def _entries(rows: Iterable[Any], stamp: datetime) -> list[ical.Entry]:
    return [ical.Entry(
        uid=f"talk-{t.id}-{t.slot_id}@commonroom",
        starts_at=rota_queries.aware(t.starts_at), ends_at=rota_queries.aware(t.ends_at),
        summary=f"{t.title} — {t.speaker_name}", description=t.abstract,
        url=url_for("rotas.talk", slug=t.rota_slug, talk_id=t.id, _external=True),
        stamp=stamp) for t in rows]


def _ics(name: str, entries: list[ical.Entry]) -> Response:
    return Response(ical.calendar(name, entries), mimetype="text/calendar",
                    headers={"Content-Type": CALENDAR, "Cache-Control": "private, max-age=300"})


@bp.get("/rotas/<slug>/calendar.ics")
def rota_feed(slug: str) -> ResponseReturnValue:
    viewer = _feed_viewer(request.args.get("token"))
    row = rota_queries.get_rota_by_slug(context.db(), slug)
    access = conference_access(context.db(), row.conference_id) if row else None
    if row is None or access is None or not can_read(viewer, access):
        abort(404)
    talks = rota_queries.list_member_talks(context.db(), None, rota_id=row.id)
    return _ics(row.name, _entries(talks, context.backend().store.clock()))


@bp.get("/calendar/<token>.ics")
def member_feed(token: str) -> ResponseReturnValue:
    """The member's own talks, in every rota they may still read."""
    viewer = _feed_viewer(token)
    conn = context.db()
    readable = readable_ids(conn, viewer)
    talks = [t for t in rota_queries.list_member_talks(conn, viewer.member_id or "")
             if t.conference_id in readable]
    return _ics("My talks", _entries(talks, context.backend().store.clock()))


@bp.post("/calendar")
def issue() -> ResponseReturnValue:
    """A new secret calendar address (the old one stops working); shown once."""
    if (refused := context.require_member()) is not None:
        return refused
    token = context.send(rotas.issue_calendar_feed, IssueCalendarFeed())
    return render_template("rotas/calendar.html", token=token)
