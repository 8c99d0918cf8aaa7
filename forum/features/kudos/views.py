"""Recognising learning in the browser: kudos on posts and talks, "today I learned"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from forum.core.permissions import can_administer, can_post
from forum.features.conferences.queries import access_from_row, get_conference
from forum.features.kudos import handlers as kudos
from forum.features.kudos import queries as learning_queries
from forum.features.kudos.commands import ChooseTilConference, GiveKudos, PostTil, WithdrawKudos
from forum.features.kudos.model import TIL_MAX
from forum.features.reading.queries import list_conferences
from forum.features.rotas import queries as rota_queries
from forum.web import context

bp = Blueprint("learning", __name__)


def _back(target: str, target_id: str) -> str:
    """Where the post or talk is read."""
    if target == "post":
        return url_for("pages.post", post_id=target_id)
    talk = rota_queries.get_talk(context.db(), target_id)
    rota = rota_queries.get_rota(context.db(), talk.rota_id) if talk else None
    if rota is None:
        abort(404)
    return url_for("rotas.talk", slug=rota.slug, talk_id=target_id)


@bp.post("/kudos/<target>/<target_id>", endpoint="kudos")
def give_or_withdraw(target: str, target_id: str) -> ResponseReturnValue:
    """Give kudos (with an optional note) to a post or talk, or take them back."""
    if (refused := context.require_member()) is not None:
        return refused
    if request.form.get("action") == "withdraw":
        context.send(kudos.withdraw_kudos, WithdrawKudos(target, target_id))
        flash("Kudos taken back.")
    else:
        context.send(kudos.give_kudos, GiveKudos(target, target_id,
                                                     request.form.get("note", "")))
        flash("Kudos given. They will hear of it.")
    return redirect(_back(target, target_id))


@bp.get("/til")
def til() -> ResponseReturnValue:
    viewer = context.viewer()
    conn = context.db()
    conference_id = learning_queries.get_til_conference(conn)
    conference = get_conference(conn, conference_id) if conference_id else None
    access = access_from_row(conference) if conference else None
    return render_template(
        "learning/til.html", tils=learning_queries.list_tils(conn, viewer),
        conference=conference, may_post=access is not None and can_post(viewer, access),
        may_choose=can_administer(viewer), til_max=TIL_MAX,
        conferences=list_conferences(conn, viewer) if can_administer(viewer) else [])


@bp.post("/til")
def post_til() -> ResponseReturnValue:
    if (refused := context.require_member()) is not None:
        return refused
    context.send(kudos.post_til, PostTil(request.form.get("body", "")))
    flash("Thanks for sharing what you learned.")
    return redirect(url_for("learning.til"))


@bp.post("/til/conference")
def choose_til_conference() -> ResponseReturnValue:
    if (refused := context.require_member()) is not None:
        return refused
    context.send(kudos.choose_til_conference,
                 ChooseTilConference(request.form.get("conference_id", "")))
    flash("TIL posts go to that conference now.")
    return redirect(url_for("learning.til"))

