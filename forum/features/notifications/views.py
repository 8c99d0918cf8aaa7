"""The notification inbox and the watch-level forms."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from forum.core.errors import InvalidInput
from forum.features.notifications import handlers as notifications
from forum.features.notifications.commands import MarkNotificationsRead, SetWatchLevel
from forum.features.notifications.queries import list_notifications
from forum.web import context
from forum.web.navigation import safe_next

bp = Blueprint("notifications", __name__)
bp.before_request(context.require_member)


@bp.get("/notifications")
def inbox() -> ResponseReturnValue:
    items = list_notifications(context.db(), context.viewer())
    return render_template("notifications/inbox.html", items=items)


@bp.post("/notifications/read")
def read() -> ResponseReturnValue:
    """Mark one notification read (``position``) or all of them; then go where asked."""
    value = request.form.get("position")
    try:
        position = int(value) if value else None
    except ValueError:
        raise InvalidInput("position must be a whole number", field="position") from None
    context.send(notifications.mark_notifications_read, MarkNotificationsRead(position))
    return redirect(safe_next(request.form.get("next"), url_for("notifications.inbox")))


@bp.post("/watch/<target>/<target_id>")
def watch(target: str, target_id: str) -> ResponseReturnValue:
    context.send(notifications.set_watch_level, SetWatchLevel(
        target, target_id, request.form.get("level", "")))
    return redirect(safe_next(request.form.get("next")))
