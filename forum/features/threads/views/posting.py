"""Forms that write: start a thread, reply, edit, remove, and read markers."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from forum.core.errors import Conflict, Forbidden, InvalidInput
from forum.core.permissions import can_edit_post
from forum.core.rows import PAGE_SIZE
from forum.features.conferences.access import readable_conference
from forum.features.reading import handlers as reading
from forum.features.reading.commands import MarkConferenceRead, MarkThreadRead, MarkUnreadFrom
from forum.features.threads import handlers as threads
from forum.features.threads.access import readable_post, readable_thread
from forum.features.threads.commands import DeletePost, EditPost, PostReply, StartThread
from forum.features.threads.queries import get_post, list_posts
from forum.web import context
from forum.web.navigation import safe_next

bp = Blueprint("posting", __name__)


bp.before_request(context.require_member)


def _thread_url(thread_id: str, seq: int) -> str:
    page = (seq - 1) // PAGE_SIZE + 1
    return url_for("pages.thread", thread_id=thread_id, page=page) + f"#p{seq}"


def _int(name: str) -> int:
    try:
        return int(request.form.get(name, ""))
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number", field=name) from None


@bp.route("/c/<slug>/new", methods=["GET", "POST"])
def start_thread(slug: str) -> ResponseReturnValue:
    conference, _ = readable_conference(context.db(), context.viewer(), slug)
    if request.method == "GET":
        return render_template("posting/new_thread.html", conference=conference)
    thread_id, _ = context.send(threads.start_thread, StartThread(
        conference.id, request.form.get("subject", ""), request.form.get("body", "")))
    return redirect(url_for("pages.thread", thread_id=thread_id))


@bp.route("/t/<thread_id>/reply", methods=["GET", "POST"])
def reply(thread_id: str) -> ResponseReturnValue:
    thread, conference, _ = readable_thread(context.db(), context.viewer(), thread_id)
    if request.method == "GET":
        parent = get_post(context.db(), request.args.get("to", ""))
        if parent is None or parent.thread_id != thread.id:
            parent = list_posts(context.db(), thread.id, limit=1)[0]
        # Removed and hidden posts are not quoted (that would show what was taken away).
        quote = request.args.get("quote") == "1" and not (parent.deleted_by or parent.hidden_by)
        return render_template("posting/reply.html", thread=thread, conference=conference,
                               parent=parent, quote=quote)
    _, seq = context.send(threads.post_reply, PostReply(
        thread.id, request.form.get("parent_post_id", ""), request.form.get("body", "")))
    return redirect(_thread_url(thread.id, seq))


@bp.route("/p/<post_id>/edit", methods=["GET", "POST"])
def edit(post_id: str) -> ResponseReturnValue:
    post, thread, conference, access = readable_post(context.db(), context.viewer(), post_id)
    if request.method == "GET":
        # The form shows the post's text: only to those who may edit it (not hidden text).
        if post.deleted_by:
            raise Conflict("that post was removed and cannot be edited")
        if not can_edit_post(context.viewer(), access, post.author_id, locked=thread.locked):
            raise Forbidden("only the author or a moderator may edit this post")
        return render_template("posting/edit.html", post=post, thread=thread,
                               conference=conference)
    context.send(threads.edit_post, EditPost(
        thread.id, post.id, request.form.get("body", ""), _int("revision")))
    flash("Your edit is saved; earlier versions stay in the post's history.")
    return redirect(_thread_url(thread.id, post.seq))


@bp.post("/p/<post_id>/delete")
def delete(post_id: str) -> ResponseReturnValue:
    post, thread, _, _ = readable_post(context.db(), context.viewer(), post_id)
    context.send(threads.delete_post, DeletePost(thread.id, post.id))
    flash("The post was removed.")
    return redirect(_thread_url(thread.id, post.seq))


@bp.post("/t/<thread_id>/read")
def mark_read(thread_id: str) -> ResponseReturnValue:
    thread, _, _ = readable_thread(context.db(), context.viewer(), thread_id)
    context.send(reading.mark_thread_read, MarkThreadRead(thread.id))
    return redirect(safe_next(request.form.get("next"),
                              url_for("pages.thread", thread_id=thread.id)))


@bp.post("/t/<thread_id>/unread")
def mark_unread(thread_id: str) -> ResponseReturnValue:
    thread, conference, _ = readable_thread(context.db(), context.viewer(), thread_id)
    context.send(reading.mark_unread_from, MarkUnreadFrom(thread.id, _int("seq")))
    flash("Marked unread from there on.")
    return redirect(url_for("pages.conference", slug=conference.slug))


@bp.post("/c/<slug>/read")
def mark_conference_read(slug: str) -> ResponseReturnValue:
    conference, _ = readable_conference(context.db(), context.viewer(), slug)
    moved = context.send(reading.mark_conference_read, MarkConferenceRead(conference.id))
    flash(f"Marked {moved} thread{'s' if moved != 1 else ''} read.")
    return redirect(url_for("pages.conference", slug=conference.slug))
