"""Read markers end to end on a real database: honest unread counts, next unread."""

from __future__ import annotations

from forum.backend import Backend
from forum.core.errors import (
    Forbidden,
    InvalidInput,
    NotFound,
)
from forum.core.permissions import ANONYMOUS, Viewer
from forum.features.members import handlers as members
from forum.features.members.commands import (
    UpdateProfile,
)
from forum.features.reading import handlers as reading
from forum.features.reading.commands import MarkConferenceRead, MarkThreadRead, MarkUnreadFrom
from forum.features.reading.queries import (
    get_next_unread,
    get_read_marker,
    list_conferences,
    list_readers,
    unread_by_conference,
    unread_by_thread,
)
from forum.features.threads import handlers as threads
from forum.features.threads.commands import (
    DeletePost,
    HidePost,
    StartThread,
)
from forum.features.threads.events import ReplyPosted
from forum.features.threads.queries import (
    list_posts,
)
from tests.features.world import World, conn, refused


def unread(backend: Backend, viewer: Viewer, world: World) -> tuple[int, int]:
    with conn(backend) as c:
        by_thread = unread_by_thread(c, viewer, [world.thread])
        by_conference = unread_by_conference(c, viewer, [world.internal])
    return by_thread.get(world.thread, 0), by_conference.get(world.internal, 0)


def test_unread_counts_and_markers(world: World) -> None:
    svc, p, backend, tid = world.svc, world.p, world.backend, world.thread
    oli = p.other
    assert unread(backend, oli, world) == (1, 1)
    assert unread(backend, p.staff, world) == (0, 0)  # own posts never count
    for n in range(2, 7):
        world.reply(p.staff if n % 2 else p.admin, f"post {n}")
    mine, _ = world.reply(oli, "my own")
    assert unread(backend, oli, world) == (6, 6)

    reading.mark_thread_read(svc, oli, MarkThreadRead(tid, up_to_seq=3))
    assert unread(backend, oli, world) == (3, 3)
    with conn(backend) as c:
        assert get_read_marker(c, oli.member_id, tid) == 3

    reading.mark_unread_from(svc, oli, MarkUnreadFrom(tid, 2))
    assert unread(backend, oli, world) == (5, 5)
    head = backend.store.head()
    reading.mark_thread_read(svc, oli, MarkThreadRead(tid, up_to_seq=1))  # never backwards
    reading.mark_unread_from(svc, oli, MarkUnreadFrom(tid, 4))  # already unread there
    assert backend.store.head() == head

    # Removed and hidden posts are not waiting to be read.
    with conn(backend) as c:
        fourth, fifth = [r.id for r in list_posts(c, tid, seqs=[4, 5])]
    threads.delete_post(svc, world.mod, DeletePost(tid, fourth))
    threads.hide_post(svc, world.mod, HidePost(tid, fifth, "spam"))
    assert unread(backend, oli, world) == (3, 3)

    reading.mark_thread_read(svc, oli, MarkThreadRead(tid))
    assert unread(backend, oli, world) == (0, 0)
    with conn(backend) as c:
        assert get_read_marker(c, oli.member_id, tid) == 7
        assert get_next_unread(c, oli) is None
    assert mine

    refused(backend, InvalidInput, lambda: reading.mark_unread_from(
        svc, oli, MarkUnreadFrom(tid, 99)))
    refused(backend, Forbidden, lambda: reading.mark_thread_read(
        svc, ANONYMOUS, MarkThreadRead(tid)))
    refused(backend, NotFound, lambda: reading.mark_thread_read(
        svc, p.guest, MarkThreadRead(tid)))
    refused(backend, NotFound, lambda: reading.mark_thread_read(
        svc, oli, MarkThreadRead("nope")))


def test_unread_counts_have_no_cap(world: World) -> None:
    stream, author = threads.stream(world.thread), world.p.staff.member_id or ""
    many = [ReplyPosted(world.thread, f"bulk{n}", n, world.first, author, f"post {n}")
            for n in range(2, 252)]
    world.backend.store.append(stream, many, expected_version=1)
    assert unread(world.backend, world.p.other, world) == (251, 251)
    reading.mark_thread_read(world.svc, world.p.other, MarkThreadRead(world.thread, 200))
    assert unread(world.backend, world.p.other, world) == (51, 51)


def test_next_unread_goes_across_conferences_in_log_order(world: World) -> None:
    svc, p, backend = world.svc, world.p, world.backend
    oli = p.other
    public_thread, public_first = threads.start_thread(
        svc, p.staff, StartThread(world.public, "Open day", "Come"))
    private_thread, _ = threads.start_thread(
        svc, p.admin, StartThread(world.private, "Secret", "Hush"))

    def next_unread() -> tuple[str, int] | None:
        with conn(backend) as c:
            row = get_next_unread(c, oli)
        return None if row is None else (row.thread_id, row.seq)

    assert next_unread() == (world.thread, 1)
    reading.mark_thread_read(svc, oli, MarkThreadRead(world.thread))
    assert next_unread() == (public_thread, 1)
    world.reply(p.staff, "later")  # a newer post in the first thread
    reading.mark_thread_read(svc, oli, MarkThreadRead(public_thread))
    assert next_unread() == (world.thread, 2)
    reading.mark_thread_read(svc, oli, MarkThreadRead(world.thread))
    assert next_unread() is None  # the private thread is not oli's to read
    with conn(backend) as c:
        assert get_next_unread(c, world.mod) is not None
        assert get_next_unread(c, ANONYMOUS) is None
        assert unread_by_thread(c, ANONYMOUS, [world.thread]) == {}
    assert private_thread and public_first


def test_mark_conference_read(world: World) -> None:
    svc, p, backend = world.svc, world.p, world.backend
    oli = p.other
    second, _ = threads.start_thread(svc, p.admin, StartThread(world.internal, "Two", "2"))
    world.reply(p.admin, "more")
    threads.start_thread(svc, oli, StartThread(world.internal, "Mine", "mine"))
    reading.mark_thread_read(svc, oli, MarkThreadRead(world.thread, up_to_seq=1))
    with conn(backend) as c:
        summary = {s.row.id: s for s in list_conferences(c, oli)}[world.internal]
    assert (summary.threads, summary.posts, summary.unread) == (3, 4, 2)

    # Three threads: one partly read, one unread, and oli's own (which moves too).
    assert reading.mark_conference_read(svc, oli, MarkConferenceRead(world.internal)) == 3
    assert unread(backend, oli, world) == (0, 0)
    with conn(backend) as c:
        assert get_read_marker(c, oli.member_id, second) == 1
    head = backend.store.head()
    assert reading.mark_conference_read(svc, oli, MarkConferenceRead(world.internal)) == 0
    assert backend.store.head() == head
    refused(backend, NotFound, lambda: reading.mark_conference_read(
        svc, oli, MarkConferenceRead(world.private)))
    refused(backend, Forbidden, lambda: reading.mark_conference_read(
        svc, ANONYMOUS, MarkConferenceRead(world.public)))


def test_who_read_a_post_respects_share_read_history(world: World) -> None:
    svc, p, backend, tid = world.svc, world.p, world.backend, world.thread
    world.reply(p.staff, "second")
    world.reply(p.staff, "third")
    reading.mark_thread_read(svc, p.other, MarkThreadRead(tid, up_to_seq=2))
    reading.mark_thread_read(svc, p.admin, MarkThreadRead(tid))
    reading.mark_thread_read(svc, world.mod, MarkThreadRead(tid))

    def readers(seq: int) -> list[str]:
        with conn(backend) as c:
            return sorted(r.handle for r in list_readers(c, tid, seq))

    assert readers(2) == ["ada", "mo", "oli"]
    assert readers(3) == ["ada", "mo"]
    members.update_profile(svc, world.mod, UpdateProfile("Mo", share_read_history=False))
    assert readers(2) == ["ada", "oli"]
    # Marking unread and reading again does not list anyone twice; the first read counts.
    with conn(backend) as c:
        first_read = {r.handle: r.read_at for r in list_readers(c, tid, 2)}
    reading.mark_unread_from(svc, p.other, MarkUnreadFrom(tid, 1))
    reading.mark_thread_read(svc, p.other, MarkThreadRead(tid))
    assert readers(2) == ["ada", "oli"] and readers(3) == ["ada", "oli"]
    with conn(backend) as c:
        again = {r.handle: r.read_at for r in list_readers(c, tid, 2)}
    assert again["oli"] == first_read["oli"]
