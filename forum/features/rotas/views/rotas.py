"""Talk rotas in the browser, without JavaScript: every action is a plain form.

A rota is readable by whoever may read its conference (the one rule); every
page and feed of a rota the viewer may not read answers 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from forum.core.errors import InvalidInput
from forum.core.permissions import can_organise, can_post
from forum.core.rows import DbRow
from forum.features.articles import queries as article_queries
from forum.features.conferences.queries import access_from_row, get_conference
from forum.features.kudos import queries as learning_queries
from forum.features.kudos.model import NOTE_MAX
from forum.features.members.queries import get_member_by_handle
from forum.features.reading.queries import list_conferences
from forum.features.rotas import handlers as rotas
from forum.features.rotas import queries as rota_queries
from forum.features.rotas.access import may_read_writeup, readable_rota, readable_talk
from forum.features.rotas.commands import (
    AnswerSwap,
    CancelSlot,
    CreateRota,
    JoinWaitlist,
    LeaveWaitlist,
    MoveTalk,
    ReleaseTalk,
    RequestSwap,
    ScheduleSlots,
    SignUpForSlot,
    SwapTalks,
)
from forum.features.rotas.model import ABSTRACT_MAX, TITLE_MAX
from forum.web import context

bp = Blueprint("rotas", __name__)


@bp.app_template_filter("local")
def local(moment: datetime | None, timezone: str) -> str:
    """A time as the rota's people read it: 'Fri 14 Mar 2030, 13:00'."""
    if moment is None:
        return ""
    return rota_queries.aware(moment).astimezone(ZoneInfo(timezone)).strftime(
        "%a %d %b %Y, %H:%M")


def _now() -> datetime:
    return context.backend().store.clock()


@bp.get("/rotas")
def index() -> ResponseReturnValue:
    viewer = context.viewer()
    conn = context.db()
    organised = [c for c in list_conferences(conn, viewer)
                 if can_organise(viewer, access_from_row(c.row))]
    return render_template("rotas/index.html", rotas=rota_queries.list_rotas(conn, viewer),
                           may_create=bool(organised))


@bp.route("/rotas/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    if (refused := context.require_member()) is not None:
        return refused
    conn = context.db()
    viewer = context.viewer()
    organised = [c for c in list_conferences(conn, viewer)
                 if can_organise(viewer, access_from_row(c.row))]
    if request.method == "GET":
        return render_template("rotas/new.html", conferences=organised,
                               chosen=request.args.get("conference", ""))
    form = request.form
    context.send(rotas.create_rota, CreateRota(
        form.get("conference_id", ""), form.get("slug", "").strip(), form.get("name", ""),
        form.get("description", ""), form.get("timezone", "UTC").strip() or "UTC"))
    flash("The rota is ready: now add its slots.")
    return redirect(url_for("rotas.rota", slug=form.get("slug", "").strip()))


@bp.get("/rotas/<slug>")
def rota(slug: str) -> ResponseReturnValue:
    row, access = readable_rota(context.db(), context.viewer(), slug)
    viewer = context.viewer()
    conn = context.db()
    slots = rota_queries.list_slots(conn, row.id)
    now = _now()
    past = [s for s in slots if s.ends_at <= now and s.talk is not None][::-1]
    return render_template(
        "rotas/rota.html", rota=row, conference=get_conference(conn, row.conference_id),
        upcoming=[s for s in slots if s.ends_at > now], past=past,
        articles=article_queries.talk_articles(conn, [s.talk.id for s in past if s.talk]),
        next=rota_queries.next_talk(slots, now), now=now,
        may_sign_up=can_post(viewer, access), may_organise=can_organise(viewer, access),
        has_feed=rota_queries.has_calendar_feed(conn, viewer.member_id or ""),
        title_max=TITLE_MAX, abstract_max=ABSTRACT_MAX)


def _slot(row: DbRow, slot_id: str) -> DbRow:
    found = next((s for s in rota_queries.list_slots(context.db(), row.id)
                  if s.slot.id == slot_id), None)
    if found is None:
        abort(404)
    return found


@bp.get("/rotas/<slug>/slots/<slot_id>")
def slot(slug: str, slot_id: str) -> ResponseReturnValue:
    """One slot: sign up for it, or wait for it; organisers assign it."""
    row, access = readable_rota(context.db(), context.viewer(), slug)
    viewer = context.viewer()
    found = _slot(row, slot_id)
    return render_template(
        "rotas/slot.html", rota=row, slot=found, now=_now(),
        may_sign_up=can_post(viewer, access), may_organise=can_organise(viewer, access),
        waiting=any(w.member_id == viewer.member_id for w in found.waiting),
        title_max=TITLE_MAX, abstract_max=ABSTRACT_MAX)


@bp.post("/rotas/<slug>/slots")
def schedule(slug: str) -> ResponseReturnValue:
    row, _ = readable_rota(context.db(), context.viewer(), slug)
    form = request.form
    made = context.send(rotas.schedule_slots, ScheduleSlots(
        row.id, form.get("first_day", ""), form.get("time", ""), form.get("rule", ""),
        _whole("duration_minutes", form.get("duration_minutes", "45")),
        tuple(form.get("skip_dates", "").split()), form.get("holidays", "")))
    flash(f"{made} slot{'s' if made != 1 else ''} added.")
    return redirect(url_for("rotas.rota", slug=row.slug))


def _whole(name: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(f"{name.replace('_', ' ')} must be a whole number",
                           field=name) from None


def _speaker(handle: str) -> str | None:
    handle = handle.strip().lstrip("@")
    if not handle:
        return None
    member = get_member_by_handle(context.db(), handle)
    if member is None:
        raise InvalidInput(f"no member called @{handle}", field="speaker")
    return str(member.id)


@bp.post("/rotas/<slug>/slots/<slot_id>/<action>")
def slot_action(slug: str, slot_id: str, action: str) -> ResponseReturnValue:
    """Sign up, wait, stop waiting, or (organisers) cancel a free slot."""
    row, _ = readable_rota(context.db(), context.viewer(), slug)
    form = request.form
    commands: dict[str, Any] = {
        "sign-up": lambda: (rotas.sign_up_for_slot, SignUpForSlot(
            row.id, slot_id, form.get("title", ""), form.get("abstract", ""),
            _speaker(form.get("speaker", ""))), "The slot is yours. Your talk has a "
            "discussion thread, and you will be reminded a week and a day before."),
        "wait": lambda: (rotas.join_waitlist, JoinWaitlist(
            row.id, slot_id, form.get("title", ""), form.get("abstract", "")),
            "You are on the waiting list: if the slot comes free, it is yours."),
        "stop-waiting": lambda: (rotas.leave_waitlist, LeaveWaitlist(row.id, slot_id),
                                 "You left the waiting list."),
        "cancel": lambda: (rotas.cancel_slot, CancelSlot(row.id, slot_id),
                           "The slot is cancelled."),
    }
    if action not in commands:
        abort(404)
    handler, command, said = commands[action]()
    context.send(handler, command)
    flash(said)
    return redirect(url_for("rotas.rota", slug=row.slug))


@bp.get("/rotas/<slug>/talks/<talk_id>")
def talk(slug: str, talk_id: str) -> ResponseReturnValue:
    row, found, access = readable_talk(context.db(), context.viewer(), slug, talk_id)
    viewer = context.viewer()
    slots = rota_queries.list_slots(context.db(), row.id)
    now = _now()
    return render_template(
        "rotas/talk.html", rota=row, talk=found, now=now,
        mine=viewer.member_id == found.speaker_id, may_organise=can_organise(viewer, access),
        free=[s for s in slots if s.talk is None and s.starts_at > now],
        others=[s for s in slots if s.talk is not None and s.talk.id != found.id
                and s.starts_at > now],
        offers=[s for s in slots if s.talk is not None and s.talk.swap_with == found.id],
        upcoming=rota_queries.aware(found.starts_at) > now,
        may_read_writeup=may_read_writeup(context.viewer(), found, access),
        article=article_queries.get_talk_article(context.db(), found.id),
        kudos=learning_queries.list_kudos(context.db(), "talk", found.id), note_max=NOTE_MAX)


@bp.post("/rotas/<slug>/talks/<talk_id>/<action>")
def talk_action(slug: str, talk_id: str, action: str) -> ResponseReturnValue:
    """Release, move, offer or answer a swap, swap (organisers)."""
    row, found, _ = readable_talk(context.db(), context.viewer(), slug, talk_id)
    form = request.form
    other = form.get("other_talk_id", "")
    commands: dict[str, Any] = {
        "release": lambda: (rotas.release_talk, ReleaseTalk(row.id, talk_id),
                            "The slot is released."),
        "move": lambda: (rotas.move_talk, MoveTalk(row.id, talk_id,
                                                       form.get("slot_id", "")),
                         "The talk has moved."),
        "offer-swap": lambda: (rotas.request_swap, RequestSwap(row.id, talk_id, other),
                               "Swap offered: the other speaker decides."),
        "accept-swap": lambda: (rotas.answer_swap, AnswerSwap(row.id, other, talk_id,
                                                                  True), "Swapped."),
        "decline-swap": lambda: (rotas.answer_swap, AnswerSwap(row.id, other, talk_id,
                                                                   False), "Swap declined."),
        "withdraw-swap": lambda: (rotas.answer_swap, AnswerSwap(
            row.id, talk_id, found.swap_with or "", False), "Swap offer withdrawn."),
        "swap": lambda: (rotas.swap_talks, SwapTalks(row.id, talk_id, other), "Swapped."),
    }
    if action not in commands:
        abort(404)
    handler, command, said = commands[action]()
    context.send(handler, command)
    flash(said)
    if action == "release":
        return redirect(url_for("rotas.rota", slug=row.slug))
    return redirect(url_for("rotas.talk", slug=row.slug, talk_id=talk_id))
