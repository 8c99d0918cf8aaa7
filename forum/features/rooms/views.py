"""Chat rooms and direct conversations in the browser, without JavaScript.

The live client (static/js/rooms.js) enhances these pages over Socket.IO;
every action here is also a plain form.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from forum.core.errors import InvalidInput
from forum.core.permissions import ConferenceAccess, can_edit_post, can_moderate, can_post, can_read
from forum.core.rows import DbRow
from forum.core.text import revision_diffs
from forum.features.conferences.queries import access_from_row, get_conference, moderated_ids
from forum.features.members.queries import get_member_by_handle, get_members, list_members
from forum.features.notifications.queries import get_watch_level
from forum.features.reading.queries import list_conferences
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import (
    AddRoomMember,
    ArchiveRoom,
    CreateRoom,
    DeleteMessage,
    EditMessage,
    JoinRoom,
    LeaveRoom,
    MarkRoomRead,
    MoveMessagesToThread,
    OpenDirectRoom,
    PostMessage,
    React,
    RemoveRoomMember,
    RenameRoom,
    SetRoomTopic,
    UnarchiveRoom,
)
from forum.features.rooms.model import MESSAGE_MAX, REACTIONS, TOPIC_MAX
from forum.features.rooms.queries import (
    get_message,
    get_room,
    get_room_by_slug,
    get_room_marker,
    list_message_revisions,
    list_messages,
    list_rooms,
    reactions_for,
    room_access_of,
    room_access_of_row,
    room_member_ids,
    room_slug,
    room_title,
)
from forum.live.realtime import online_members
from forum.web import context

bp = Blueprint("rooms", __name__)
bp.before_request(context.require_member)

HISTORY = 50  # messages per page of history


def readable_room(slug: str) -> tuple[Any, ConferenceAccess]:
    """The room at ``slug`` if the viewer may read it; 404 otherwise (never 403)."""
    row = get_room_by_slug(context.db(), slug)
    access = room_access_of_row(context.db(), row) if row is not None else None
    if row is None or access is None or not can_read(context.viewer(), access):
        abort(404)
    return row, access


def room_url(row: DbRow, seq: int | None = None) -> str:
    if seq is None or seq > int(row.last_seq) - HISTORY:
        return url_for("rooms.room", slug=row.slug) + (f"#m{seq}" if seq else "")
    return url_for("rooms.room", slug=row.slug, before=seq + HISTORY // 2) + f"#m{seq}"


def _seq_arg(name: str) -> int | None:
    value = request.args.get(name)
    if value is None:
        return None
    try:
        return max(0, int(value))
    except ValueError:
        raise InvalidInput(f"{name} must be a whole number", field=name) from None


@bp.get("/rooms")
def index() -> ResponseReturnValue:
    viewer = context.viewer()
    summaries = list_rooms(context.db(), viewer,
                                   include_archived=request.args.get("archived") == "1")
    statuses = online_members(context.db(), current_app.extensions["commonroom_live"].presence)
    online = [(member, statuses[member.id])
              for member in get_members(context.db(), sorted(statuses))]
    return render_template("rooms/index.html", rooms=summaries, online=online,
                           archived=request.args.get("archived") == "1")


@bp.route("/rooms/new", methods=["GET", "POST"])
def new() -> ResponseReturnValue:
    conn = context.db()
    viewer = context.viewer()
    moderated = [c for c in list_conferences(conn, viewer)
                 if c.row.id in moderated_ids(conn, viewer)]
    if request.method == "GET":
        return render_template("rooms/new.html", conferences=moderated, topic_max=TOPIC_MAX)
    conference_id = request.form.get("conference_id") or None
    visibility = request.form.get("visibility", "internal")
    if conference_id:
        visibility = "conference"
    handles = [h.strip().lstrip("@") for h in request.form.get("members", "").split(",")]
    member_ids = []
    for handle in filter(None, handles):
        row = get_member_by_handle(conn, handle)
        if row is None:
            raise InvalidInput(f"no member called @{handle}", field="members")
        member_ids.append(row.id)
    room_id = context.send(rooms.create_room, CreateRoom(
        request.form.get("name", ""), request.form.get("slug", "").strip(),
        request.form.get("topic", ""), visibility, conference_id, tuple(member_ids)))
    return redirect(url_for("rooms.room", slug=room_slug(context.db(), room_id)))


@bp.route("/messages/new", methods=["GET", "POST"])
def new_direct() -> ResponseReturnValue:
    conn = context.db()
    if request.method == "GET":
        people = [m for m in list_members(conn)
                  if m.active and m.id != context.viewer().member_id]
        return render_template("rooms/direct.html", people=people,
                               chosen=request.args.get("to", ""))
    handles = [h.strip().lstrip("@") for h in request.form.get("to", "").split(",")]
    member_ids = []
    for handle in filter(None, handles):
        row = get_member_by_handle(conn, handle)
        if row is None or not row.active:
            raise InvalidInput(f"no member called @{handle}", field="to")
        member_ids.append(row.id)
    room_id = context.send(rooms.open_direct_room, OpenDirectRoom(tuple(member_ids)))
    return redirect(url_for("rooms.room", slug=room_slug(context.db(), room_id)))


@bp.get("/rooms/<slug>")
def room(slug: str) -> ResponseReturnValue:
    row, access = readable_room(slug)
    viewer = context.viewer()
    conn = context.db()
    before = _seq_arg("before")
    messages = list_messages(conn, row.id, before_seq=before, limit=HISTORY)
    marker = get_room_marker(conn, viewer.member_id, row.id)
    member_ids = room_member_ids(conn, row.id)
    people = get_members(conn, member_ids)
    first_unread = next((m.seq for m in messages
                         if m.seq > marker and m.author_id != viewer.member_id), None)
    older = messages[0].seq if messages and messages[0].seq > 1 else None
    newer = (messages[-1].seq + HISTORY + 1 if before is not None and messages
             and messages[-1].seq < int(row.last_seq) else None)
    page = render_template(
        "rooms/room.html", room=row, title=room_title(conn, row, viewer),
        messages=messages, reactions=reactions_for(conn, [m.id for m in messages]),
        marker=marker, first_unread=first_unread, people=people,
        joined=viewer.member_id in member_ids, older=older, newer=newer,
        latest=not messages or messages[-1].seq >= int(row.last_seq),
        may_post=can_post(viewer, access) and not row.archived,
        may_moderate=can_moderate(viewer, access),
        may_edit={m.id for m in messages if can_edit_post(viewer, access, m.author_id)},
        conference=(get_conference(conn, row.conference_id)
                    if row.conference_id else None),
        palette=REACTIONS, message_max=MESSAGE_MAX, topic_max=TOPIC_MAX,
        postable=[c for c in list_conferences(conn, viewer)
                  if can_post(viewer, access_from_row(c.row))]
        if can_moderate(viewer, access) else [],
        head=context.backend().store.stream_head(rooms.stream(row.id)),
        watch_level=get_watch_level(conn, viewer.member_id, "room", row.id),
    )
    if messages and messages[-1].seq > marker:
        # Showing messages reads them, as a thread page does; never backwards.
        context.send(rooms.mark_room_read, MarkRoomRead(row.id, up_to_seq=messages[-1].seq))
    return page


@bp.post("/rooms/<slug>/messages")
def post(slug: str) -> ResponseReturnValue:
    row, _ = readable_room(slug)
    _, seq = context.send(rooms.post_message, PostMessage(
        row.id, request.form.get("body", ""), request.form.get("reply_to") or None))
    return redirect(room_url(row, seq))


def _message(slug: str, message_id: str) -> tuple[Any, Any, ConferenceAccess]:
    row, access = readable_room(slug)
    message = get_message(context.db(), message_id)
    if message is None or message.room_id != row.id:
        abort(404)
    return row, message, access


@bp.route("/rooms/<slug>/m/<message_id>/edit", methods=["GET", "POST"])
def edit(slug: str, message_id: str) -> ResponseReturnValue:
    row, message, access = _message(slug, message_id)
    if request.method == "GET":
        if message.deleted_by or not can_edit_post(context.viewer(), access, message.author_id):
            abort(404)
        return render_template("rooms/edit.html", room=row, message=message,
                               message_max=MESSAGE_MAX)
    context.send(rooms.edit_message, EditMessage(row.id, message.id,
                                                     request.form.get("body", "")))
    return redirect(room_url(row, message.seq))


@bp.post("/rooms/<slug>/m/<message_id>/delete")
def delete(slug: str, message_id: str) -> ResponseReturnValue:
    row, message, _ = _message(slug, message_id)
    context.send(rooms.delete_message, DeleteMessage(row.id, message.id))
    return redirect(room_url(row, message.seq))


@bp.post("/rooms/<slug>/m/<message_id>/react")
def react(slug: str, message_id: str) -> ResponseReturnValue:
    row, message, _ = _message(slug, message_id)
    context.send(rooms.react, React(row.id, message.id, request.form.get("emoji", "")))
    return redirect(room_url(row, message.seq))


@bp.get("/rooms/<slug>/m/<message_id>/history")
def history(slug: str, message_id: str) -> ResponseReturnValue:
    row, message, access = _message(slug, message_id)
    if message.deleted_by and not can_moderate(context.viewer(), access):
        abort(404)
    revisions = list_message_revisions(context.db(), message.id)
    return render_template("rooms/history.html", room=row, message=message,
                           revisions=revisions, diffs=revision_diffs(revisions))


@bp.post("/rooms/<slug>/move")
def move(slug: str) -> ResponseReturnValue:
    """Moderators turn a stretch of the room into a thread in a conference."""
    row, _ = readable_room(slug)
    thread_id = context.send(rooms.move_messages_to_thread, MoveMessagesToThread(
        row.id, _form_int("first_seq"), _form_int("last_seq"),
        request.form.get("conference_id", ""), request.form.get("subject", "")))
    flash("The messages are a thread now; the room links to it.")
    return redirect(url_for("pages.thread", thread_id=thread_id))


def _form_int(name: str) -> int:
    try:
        return int(request.form.get(name, ""))
    except ValueError:
        raise InvalidInput(f"{name.replace('_', ' ')} must be a message number",
                           field=name) from None


@bp.post("/rooms/<slug>/<action>")
def act(slug: str, action: str) -> ResponseReturnValue:
    """Join, leave, topic, rename, archive, unarchive: one form each on the room page."""
    row, _ = readable_room(slug)
    form = request.form
    commands: dict[str, Any] = {
        "join": lambda: (rooms.join_room, JoinRoom(row.id)),
        "leave": lambda: (rooms.leave_room, LeaveRoom(row.id)),
        "topic": lambda: (rooms.set_room_topic, SetRoomTopic(row.id, form.get("topic", ""))),
        "rename": lambda: (rooms.rename_room, RenameRoom(row.id, form.get("name", ""))),
        "archive": lambda: (rooms.archive_room, ArchiveRoom(row.id)),
        "unarchive": lambda: (rooms.unarchive_room, UnarchiveRoom(row.id)),
        "add": lambda: (rooms.add_room_member, AddRoomMember(row.id, _member_id(
            form.get("handle", "")))),
        "remove": lambda: (rooms.remove_room_member, RemoveRoomMember(
            row.id, form.get("member_id", ""))),
    }
    if action not in commands:
        abort(404)
    handler, command = commands[action]()
    context.send(handler, command)
    if action == "leave" and get_room(context.db(), row.id) is not None:
        access = room_access_of(context.db(), row.id)
        if access is None or not can_read(context.viewer(), access):
            flash("You left the room.")
            return redirect(url_for("rooms.index"))
    return redirect(url_for("rooms.room", slug=row.slug))


def _member_id(handle: str) -> str:
    row = get_member_by_handle(context.db(), handle.strip().lstrip("@"))
    if row is None:
        raise InvalidInput(f"no member called {handle!r}", field="handle")
    return str(row.id)
