"""A talk's write-up in the browser: the speaker drafts, an organiser reviews.

Approval publishes it on the public blog; a write-up approved before that (or
whose article was unpublished) is proposed for the blog from its page.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from forum.core.errors import InvalidInput
from forum.core.permissions import can_organise
from forum.features.articles import handlers as articles
from forum.features.articles import queries as article_queries
from forum.features.articles.commands import ProposeArticle
from forum.features.rotas import handlers as rotas
from forum.features.rotas.access import may_read_writeup, readable_talk
from forum.features.rotas.commands import (
    ApproveWriteUp,
    SaveWriteUp,
    SendBackWriteUp,
    SubmitWriteUp,
)
from forum.features.rotas.model import COMMENT_MAX
from forum.web import context

bp = Blueprint("writeups", __name__)


@bp.get("/rotas/<slug>/talks/<talk_id>/write-up")
def writeup(slug: str, talk_id: str) -> ResponseReturnValue:
    row, talk, access = readable_talk(context.db(), context.viewer(), slug, talk_id)
    if not may_read_writeup(context.viewer(), talk, access):
        abort(404)
    return render_template("rotas/writeup.html", rota=row, talk=talk,
                           mine=context.viewer().member_id == talk.speaker_id,
                           may_review=can_organise(context.viewer(), access),
                           article=article_queries.get_talk_article(context.db(), talk.id),
                           comment_max=COMMENT_MAX)


@bp.route("/rotas/<slug>/talks/<talk_id>/write-up/edit", methods=["GET", "POST"])
def edit(slug: str, talk_id: str) -> ResponseReturnValue:
    row, talk, access = readable_talk(context.db(), context.viewer(), slug, talk_id)
    viewer = context.viewer()
    if request.method == "GET":
        if viewer.member_id != talk.speaker_id and not can_organise(viewer, access):
            abort(404)
        return render_template("rotas/writeup_edit.html", rota=row, talk=talk)
    form = request.form
    try:
        expected = int(form["revision"]) if form.get("revision") else None
    except ValueError:
        raise InvalidInput("revision must be a whole number", field="revision") from None
    context.send(rotas.save_writeup, SaveWriteUp(
        row.id, talk_id, form.get("title", ""), form.get("body", ""), expected))
    flash("The write-up is saved.")
    return redirect(url_for("writeups.writeup", slug=row.slug, talk_id=talk_id))


@bp.post("/rotas/<slug>/talks/<talk_id>/write-up/<action>")
def review(slug: str, talk_id: str, action: str) -> ResponseReturnValue:
    """Submit (the speaker); send back with a comment, or approve (an organiser)."""
    row, _, _ = readable_talk(context.db(), context.viewer(), slug, talk_id)
    commands: dict[str, Any] = {
        "submit": lambda: (rotas.submit_writeup, SubmitWriteUp(row.id, talk_id),
                           "Sent for review. An organiser will approve it or send it back."),
        "send-back": lambda: (rotas.send_back_writeup, SendBackWriteUp(
            row.id, talk_id, request.form.get("comment", "")), "Sent back with your comment."),
        "approve": lambda: (rotas.approve_writeup, ApproveWriteUp(row.id, talk_id),
                            "Approved and published on the blog."),
        "propose": lambda: (articles.propose_article, ProposeArticle("talk", talk_id),
                            "Proposed for the blog: a reviewer will publish it."),
    }
    if action not in commands:
        abort(404)
    handler, command, said = commands[action]()
    result = context.send(handler, command)
    flash(said)
    if action == "approve":
        return redirect(url_for("blog.article", slug=result))
    if action == "propose":
        return redirect(url_for("articles.draft", article_id=result))
    return redirect(url_for("writeups.writeup", slug=row.slug, talk_id=talk_id))
