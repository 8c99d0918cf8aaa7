"""Threads' handlers end to end on a real database: start, reply, edit, remove, moderate."""

from __future__ import annotations

from sqlalchemy import select

from forum.core.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
)
from forum.features.threads import handlers as threads
from forum.features.threads.commands import (
    DeletePost,
    EditPost,
    HidePost,
    LockThread,
    MoveThread,
    PinThread,
    StartThread,
    UnhidePost,
    UnlockThread,
    UnpinThread,
)
from forum.features.threads.queries import (
    count_threads,
    get_post,
    get_thread,
    list_posts,
    list_reply_tree,
    list_revisions,
    list_threads,
)
from forum.features.threads.tables import post_revisions
from tests.features.world import World, conn, refused


def test_start_and_reply(world: World) -> None:
    p, backend = world.p, world.backend
    post_id, seq = world.reply(p.other, "Me!")
    reply_id, reply_seq = world.reply(p.staff, "Great", parent=post_id)
    assert (seq, reply_seq) == (2, 3)
    with conn(backend) as c:
        row = get_thread(c, world.thread)
        posts = list_posts(c, world.thread)
        tree = list_reply_tree(c, world.thread)
    assert row is not None
    assert (row.subject, row.post_count, row.last_seq, row.author_id) == (
        "Study circle", 3, 3, p.staff.member_id)
    assert [(r.seq, r.body, r.parent_seq, r.author_handle) for r in posts] == [
        (1, "Who is in?", None, "sam"), (2, "Me!", 1, "oli"), (3, "Great", 2, "sam")]
    assert tree == [(1, 0), (2, 1), (3, 2)]
    assert "<p>Who is in?</p>" in posts[0].html  # rendered once, when projected
    assert world.first and reply_id


def test_bad_threads_and_replies_write_nothing(world: World) -> None:
    svc, p, backend = world.svc, world.p, world.backend
    refused(backend, NotFound, lambda: threads.start_thread(
        svc, p.staff, StartThread("nope", "S", "B")))
    refused(backend, NotFound, lambda: threads.start_thread(
        svc, p.guest, StartThread(world.internal, "S", "B")))
    refused(backend, NotFound, lambda: threads.start_thread(
        svc, p.staff, StartThread(world.private, "S", "B")))
    refused(backend, Forbidden, lambda: threads.start_thread(
        svc, p.guest, StartThread(world.public, "S", "B")))
    refused(backend, InvalidInput, lambda: threads.start_thread(
        svc, p.staff, StartThread(world.internal, "", "B")))
    refused(backend, InvalidInput, lambda: threads.start_thread(
        svc, p.staff, StartThread(world.internal, "S", "x" * 50_001)))
    refused(backend, NotFound, lambda: world.reply(p.staff, thread_id="nope"))
    refused(backend, NotFound, lambda: world.reply(p.staff, parent="nope"))
    refused(backend, NotFound, lambda: world.reply(p.guest))
    refused(backend, InvalidInput, lambda: world.reply(p.staff, "\x00"))


def test_edit_and_delete(world: World) -> None:
    svc, p, backend = world.svc, world.p, world.backend
    post_id, _ = world.reply(p.other, "v1")
    threads.edit_post(svc, p.other, EditPost(world.thread, post_id, "v2"))
    threads.edit_post(svc, world.mod, EditPost(world.thread, post_id, "v3",
                                                   expected_revision=2))
    with conn(backend) as c:
        post = get_post(c, post_id)
        history = list_revisions(c, post_id)
    assert post is not None and (post.body, post.revision) == ("v3", 3)
    assert post.edited_at is not None
    assert [(r.revision, r.body, r.editor_id) for r in history] == [
        (1, "v1", p.other.member_id), (2, "v2", p.other.member_id), (3, "v3", world.mod.member_id)]

    error = refused(backend, Conflict, lambda: threads.edit_post(
        svc, p.other, EditPost(world.thread, post_id, "v4", expected_revision=2)))
    assert error.details == {"current_revision": 3}
    refused(backend, Forbidden, lambda: threads.edit_post(
        svc, p.staff, EditPost(world.thread, post_id, "mine")))
    refused(backend, Forbidden, lambda: threads.delete_post(
        svc, p.staff, DeletePost(world.thread, post_id)))

    threads.delete_post(svc, p.other, DeletePost(world.thread, post_id))
    with conn(backend) as c:
        post = get_post(c, post_id)
        kept = c.execute(select(post_revisions.c.body)
                         .where(post_revisions.c.post_id == post_id)).scalars().all()
    assert post is not None and (post.body, post.html, post.deleted_by) == ("", "",
                                                                            p.other.member_id)
    assert kept == ["v1", "v2", "v3"]  # the revisions stay for moderators
    refused(backend, Conflict, lambda: threads.delete_post(
        svc, world.mod, DeletePost(world.thread, post_id)))
    refused(backend, Conflict, lambda: threads.edit_post(
        svc, world.mod, EditPost(world.thread, post_id, "back")))
    refused(backend, Conflict, lambda: world.reply(p.staff, parent=post_id), match="removed")
    refused(backend, NotFound, lambda: threads.edit_post(
        svc, p.staff, EditPost("nope", post_id, "x")))


def test_moderation(world: World) -> None:
    svc, p, backend, tid = world.svc, world.p, world.backend, world.thread
    post_id, _ = world.reply(p.other, "spam")
    threads.hide_post(svc, world.mod, HidePost(tid, post_id, "off topic"))
    with conn(backend) as c:
        post = get_post(c, post_id)
    assert post is not None
    assert (post.hidden_by, post.hidden_reason) == (world.mod.member_id, "off topic")
    refused(backend, Conflict, lambda: threads.hide_post(
        svc, world.mod, HidePost(tid, post_id, "again")))
    threads.unhide_post(svc, world.mod, UnhidePost(tid, post_id))
    with conn(backend) as c:
        post = get_post(c, post_id)
    assert post is not None and (post.hidden_by, post.hidden_reason) == (None, None)
    refused(backend, Conflict, lambda: threads.unhide_post(svc, world.mod,
                                                           UnhidePost(tid, post_id)))

    threads.lock_thread(svc, world.mod, LockThread(tid, "cooling off"))
    threads.pin_thread(svc, world.mod, PinThread(tid))
    with conn(backend) as c:
        row = get_thread(c, tid)
    assert row is not None and (row.locked, row.pinned) == (True, True)
    refused(backend, Forbidden, lambda: world.reply(p.staff, "but"), match="locked")
    world.reply(world.mod, "Closing this.")
    threads.unlock_thread(svc, p.admin, UnlockThread(tid))
    threads.unpin_thread(svc, p.admin, UnpinThread(tid))
    with conn(backend) as c:
        row = get_thread(c, tid)
    assert row is not None and (row.locked, row.pinned) == (False, False)
    world.reply(p.staff, "thanks")

    for call in (
        lambda: threads.hide_post(svc, p.staff, HidePost(tid, post_id, "x")),
        lambda: threads.unhide_post(svc, p.staff, UnhidePost(tid, post_id)),
        lambda: threads.lock_thread(svc, p.staff, LockThread(tid)),
        lambda: threads.unlock_thread(svc, p.staff, UnlockThread(tid)),
        lambda: threads.pin_thread(svc, p.staff, PinThread(tid)),
        lambda: threads.unpin_thread(svc, p.staff, UnpinThread(tid)),
        lambda: threads.move_thread(svc, p.staff, MoveThread(tid, world.public)),
    ):
        refused(backend, Forbidden, call)
    refused(backend, NotFound, lambda: threads.lock_thread(svc, p.admin,
                                                           LockThread("nope")))


def test_move_thread(world: World) -> None:
    svc, p, backend, tid = world.svc, world.p, world.backend, world.thread
    refused(backend, NotFound, lambda: threads.move_thread(svc, p.admin,
                                                           MoveThread(tid, "nope")))
    refused(backend, Conflict, lambda: threads.move_thread(
        svc, p.admin, MoveThread(tid, world.internal)))
    threads.move_thread(svc, world.mod, MoveThread(tid, world.private))
    with conn(backend) as c:
        row = get_thread(c, tid)
        assert [r.id for r in list_threads(c, world.private)] == [tid]
        assert count_threads(c, world.internal) == 0
    assert row is not None and row.conference_id == world.private
    # Now it answers to the private conference's rules.
    refused(backend, NotFound, lambda: world.reply(p.other))
    assert world.reply(world.mod)
