"""Pages for reading: home, conference, thread, post history, readers, profiles, next unread."""

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
    session,
    url_for,
)
from flask.typing import ResponseReturnValue

from forum.core.permissions import (
    ANONYMOUS,
    ConferenceAccess,
    can_edit_post,
    can_moderate,
    can_post,
    can_read,
    can_see_read_history,
)
from forum.core.rows import PAGE_SIZE, DbRow
from forum.core.text import revision_diffs
from forum.features.conferences.access import readable_conference
from forum.features.conferences.queries import access_from_row, tags
from forum.features.kudos import queries as learning_queries
from forum.features.members.queries import get_member_by_handle, list_members
from forum.features.notifications.queries import get_watch_level
from forum.features.reading import handlers as reading
from forum.features.reading.commands import MarkThreadRead
from forum.features.reading.queries import (
    get_next_unread,
    get_read_marker,
    list_conferences,
    list_readers,
    unread_by_thread,
)
from forum.features.rooms.queries import get_next_unread_message, list_rooms, room_slug
from forum.features.rotas import queries as rota_queries
from forum.features.threads.access import readable_post, readable_thread
from forum.features.threads.queries import (
    count_threads,
    list_member_posts,
    list_posts,
    list_reply_tree,
    list_revisions,
    list_threads,
)
from forum.web import context
from forum.web.navigation import page_number
from forum.web.page_cache import PageCache

bp = Blueprint("pages", __name__)




@bp.get("/")
def home() -> ResponseReturnValue:
    viewer = context.viewer()
    summaries = list_conferences(context.db(), viewer)
    rooms = [r for r in list_rooms(context.db(), viewer) if r.joined]
    return render_template("pages/home.html", conferences=summaries, rooms=rooms,
                           total_unread=sum(s.unread for s in summaries)
                           + sum(r.unread for r in rooms))


@bp.get("/next")
def next_unread() -> ResponseReturnValue:
    """FirstClass's space bar: the oldest unread post or message, across everything."""
    if (refused := context.require_member()) is not None:
        return refused
    conn, viewer = context.db(), context.viewer()
    found = get_next_unread(conn, viewer)
    message = get_next_unread_message(conn, viewer)
    if message is not None and (found is None or message.position < found.position):
        # Rooms and threads are walked together, oldest first.
        slug = room_slug(conn, message.room_id)
        return redirect(url_for("rooms.room", slug=slug) + "#first-unread")
    if found is None:
        flash("Nothing unread anywhere. Well read!")
        return redirect(url_for("pages.home"))
    page = (found.seq - 1) // PAGE_SIZE + 1
    return redirect(url_for("pages.thread", thread_id=found.thread_id, page=page)
                    + f"#p{found.seq}")


@bp.get("/c/<slug>")
def conference(slug: str) -> ResponseReturnValue:
    row, access = readable_conference(context.db(), context.viewer(), slug)
    viewer = context.viewer()
    page = page_number()
    conn = context.db()
    threads = list_threads(conn, row.id, offset=(page - 1) * PAGE_SIZE)
    total = count_threads(conn, row.id)
    unread = unread_by_thread(conn, viewer, [t.id for t in threads])
    children = [c for c in list_conferences(conn, viewer) if c.row.parent_id == row.id]
    return render_template(
        "pages/conference.html", conference=row, threads=threads, unread=unread,
        children=children, page=page, pages=max(1, -(-total // PAGE_SIZE)),
        may_post=can_post(viewer, access), may_moderate=can_moderate(viewer, access),
        watch_level=get_watch_level(conn, viewer.member_id, "conference", row.id),
        public=can_read(ANONYMOUS, access),
        rotas=rota_queries.list_rotas(conn, viewer, row.id),
    )


@bp.get("/c/<slug>/about")
def conference_about(slug: str) -> ResponseReturnValue:
    row, access = readable_conference(context.db(), context.viewer(), slug)
    return render_template("pages/conference_about.html", conference=row,
                           acl=access_from_row(row).acl,
                           may_moderate=can_moderate(context.viewer(), access))


def _thread_posts(thread: DbRow, view: str, page: int) -> tuple[list[Any], dict[int, int], int]:
    """The posts on one page of a thread, flat (by number) or as a reply tree."""
    conn = context.db()
    size = PAGE_SIZE
    if view == "tree":
        order = list_reply_tree(conn, thread.id)
        window = order[(page - 1) * size: page * size]
        depth = dict(window)
        by_seq = {p.seq: p for p in list_posts(conn, thread.id, seqs=list(depth))}
        posts = [by_seq[seq] for seq, _ in window if seq in by_seq]
        return posts, depth, len(order)
    posts = list(list_posts(conn, thread.id, first_seq=(page - 1) * size + 1))
    return posts, {}, int(thread.last_seq)


@bp.get("/t/<thread_id>")
def thread(thread_id: str) -> ResponseReturnValue:
    thread, conference, access = readable_thread(context.db(), context.viewer(), thread_id)
    viewer = context.viewer()
    view = "tree" if request.args.get("view") == "tree" else "flat"
    page = page_number()
    if viewer.signed_in or session.get("_flashes"):
        return _render_thread(thread, conference, access, view, page)
    key = (thread.id, thread.version, conference.id, conference.version,
           thread.members_generation, view, page)
    cache: PageCache = current_app.extensions["commonroom_pages"]
    html = cache.get(key)
    if html is None:
        html = _render_thread(thread, conference, access, view, page)
        cache.put(key, html)
    return html


def _render_thread(thread: DbRow, conference: DbRow, access: ConferenceAccess, view: str,
                   page: int) -> str:
    viewer = context.viewer()
    posts, depth, total = _thread_posts(thread, view, page)
    marker = get_read_marker(context.db(), viewer.member_id, thread.id)
    page_html = render_template(
        "pages/thread.html", thread=thread, conference=conference, posts=posts, depth=depth,
        view=view, page=page, pages=max(1, -(-total // PAGE_SIZE)), marker=marker,
        public=can_read(ANONYMOUS, access),
        may_post=can_post(viewer, access, locked=thread.locked),
        may_moderate=can_moderate(viewer, access),
        may_edit={p.id for p in posts if can_edit_post(viewer, access, p.author_id,
                                                        locked=thread.locked)},
        may_see_readers={p.id for p in posts
                         if can_see_read_history(viewer, access, p.author_id)},
        head=(context.backend().store.stream_head(f"thread-{thread.id}")
              if viewer.signed_in else 0),
        watch_level=get_watch_level(context.db(), viewer.member_id, "thread",
                                            thread.id),
        # Kudos are for members: anonymous pages (cached) do not show them.
        kudos=learning_queries.kudos_for(context.db(), "post", [p.id for p in posts])
        if viewer.signed_in else {},
    )
    if viewer.signed_in and posts:
        # Opening a page reads it, as in FirstClass; the marker only moves forward.
        last_shown = max(p.seq for p in posts)
        if last_shown > marker:
            context.send(reading.mark_thread_read,
                         MarkThreadRead(thread.id, up_to_seq=last_shown))
    return page_html


@bp.get("/p/<post_id>")
def post(post_id: str) -> ResponseReturnValue:
    post, thread, _, _ = readable_post(context.db(), context.viewer(), post_id)
    page = (post.seq - 1) // PAGE_SIZE + 1
    return redirect(url_for("pages.thread", thread_id=thread.id, page=page) + f"#p{post.seq}")


@bp.get("/p/<post_id>/history")
def post_history(post_id: str) -> ResponseReturnValue:
    post, thread, conference, access = readable_post(context.db(), context.viewer(), post_id)
    viewer = context.viewer()
    if (post.deleted_by or post.hidden_by) and not can_moderate(viewer, access):
        abort(404)
    revisions = list_revisions(context.db(), post.id)
    return render_template("pages/post_history.html", post=post, thread=thread,
                           conference=conference, revisions=revisions,
                           diffs=revision_diffs(revisions))


@bp.get("/p/<post_id>/readers")
def post_readers(post_id: str) -> ResponseReturnValue:
    if (refused := context.require_member()) is not None:
        return refused
    post, thread, conference, access = readable_post(context.db(), context.viewer(), post_id)
    if not can_see_read_history(context.viewer(), access, post.author_id):
        abort(404)
    readers = list_readers(context.db(), thread.id, post.seq)
    return render_template("pages/post_readers.html", post=post, thread=thread,
                           conference=conference, readers=readers)


@bp.get("/members")
def members() -> ResponseReturnValue:
    if (refused := context.require_member()) is not None:
        return refused
    rows = [m for m in list_members(context.db()) if m.active]
    return render_template("pages/members.html", members=rows, tags=tags)


@bp.get("/members/<handle>")
def profile(handle: str) -> ResponseReturnValue:
    viewer = context.viewer()
    member = get_member_by_handle(context.db(), handle)
    if member is None or (not viewer.signed_in and not list_member_posts(
            context.db(), viewer, member.id, limit=1)):
        # Anonymous visitors see only people who write in public conferences.
        abort(404)
    recent = list_member_posts(context.db(), viewer, member.id)
    return render_template("pages/profile.html", member=member, recent=recent,
                           tags=tags)
