"""Moderators' actions (lock, pin, move, hide) and the audit log, a view of the event log."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from forum.features.conferences.queries import moderated_ids
from forum.features.moderation.queries import list_audit_entries
from forum.features.reading.queries import list_conferences
from forum.features.rooms.queries import moderated_room_ids
from forum.features.threads import handlers as threads
from forum.features.threads.access import readable_post, readable_thread
from forum.features.threads.commands import (
    HidePost,
    LockThread,
    MoveThread,
    PinThread,
    UnhidePost,
    UnlockThread,
    UnpinThread,
)
from forum.web import context

bp = Blueprint("moderation", __name__)

FLAGS = {
    "lock": (threads.lock_thread, LockThread, "Thread locked."),
    "unlock": (threads.unlock_thread, UnlockThread, "Thread unlocked."),
    "pin": (threads.pin_thread, PinThread, "Thread pinned."),
    "unpin": (threads.unpin_thread, UnpinThread, "Thread unpinned."),
}


bp.before_request(context.require_member)


@bp.post("/t/<thread_id>/<any(lock, unlock, pin, unpin):action>")
def flag(thread_id: str, action: str) -> ResponseReturnValue:
    thread, _, _ = readable_thread(context.db(), context.viewer(), thread_id)
    handler, command, message = FLAGS[action]
    if action == "lock":
        context.send(handler, LockThread(thread.id, request.form.get("reason", "")))
    else:
        context.send(handler, command(thread.id))
    flash(message)
    return redirect(url_for("pages.thread", thread_id=thread.id))


@bp.route("/t/<thread_id>/move", methods=["GET", "POST"])
def move(thread_id: str) -> ResponseReturnValue:
    thread, conference, _ = readable_thread(context.db(), context.viewer(), thread_id)
    if request.method == "GET":
        targets = [c for c in list_conferences(context.db(), context.viewer())
                   if c.row.id in moderated_ids(context.db(), context.viewer())
                   and c.row.id != conference.id]
        return render_template("moderation/move.html", thread=thread, conference=conference,
                               targets=targets)
    context.send(threads.move_thread,
                 MoveThread(thread.id, request.form.get("to_conference_id", "")))
    flash("Thread moved.")
    return redirect(url_for("pages.thread", thread_id=thread.id))


@bp.post("/p/<post_id>/hide")
def hide(post_id: str) -> ResponseReturnValue:
    post, thread, _, _ = readable_post(context.db(), context.viewer(), post_id)
    context.send(threads.hide_post,
                 HidePost(thread.id, post.id, request.form.get("reason", "")))
    flash("Post hidden.")
    return redirect(url_for("pages.post", post_id=post.id))


@bp.post("/p/<post_id>/unhide")
def unhide(post_id: str) -> ResponseReturnValue:
    post, thread, _, _ = readable_post(context.db(), context.viewer(), post_id)
    context.send(threads.unhide_post, UnhidePost(thread.id, post.id))
    flash("Post shown again.")
    return redirect(url_for("pages.post", post_id=post.id))


@bp.get("/audit")
def audit() -> ResponseReturnValue:
    viewer = context.viewer()
    moderated = moderated_ids(context.db(), viewer)
    moderated_rooms = moderated_room_ids(context.db(), viewer)
    if not moderated and not moderated_rooms:
        abort(404)
    before = request.args.get("before", type=int)
    if before is not None and not 0 < before < 2**63:
        before = None  # not a log position; start from the newest
    entries, older = list_audit_entries(context.db(), moderated, before=before,
                                        admin=viewer.role == "admin",
                                        moderated_rooms=moderated_rooms)
    return render_template("moderation/audit.html", entries=entries, older=older)
