"""The index follows the log: edits replace, deletes remove, moves and hiding re-index."""

from __future__ import annotations

import threading
import time

from forum.backend import Backend
from forum.core.permissions import ANONYMOUS
from forum.features.articles import handlers as articles
from forum.features.articles.commands import (
    ApproveArticle,
    ProposeArticle,
    ReviseArticle,
    UnpublishArticle,
)
from forum.features.members import handlers as members
from forum.features.members.commands import DeactivateMember, UpdateProfile
from forum.features.rooms import handlers as rooms
from forum.features.rooms.commands import CreateRoom, DeleteMessage, EditMessage, PostMessage
from forum.features.threads import handlers as threads
from forum.features.threads.commands import (
    DeletePost,
    EditPost,
    HidePost,
    MoveThread,
    PostReply,
    UnhidePost,
)
from search import SearchIndexer
from tests.conftest import People
from tests.search.conftest import Places, found, index_all, search


def test_an_edit_replaces_the_words(backend: Backend, people: People, places: Places) -> None:
    thread, post = places.thread["public"], places.post["public"]
    threads.edit_post(backend.services, people.admin,
                      EditPost(thread, post, "now about zqbeekeeping"))
    assert found(backend, ANONYMOUS, "zqbeekeeping") == [f"post:{post}"]
    assert found(backend, ANONYMOUS, "zqpublicunique") == []


def test_a_deleted_post_is_gone(backend: Backend, people: People, places: Places) -> None:
    thread, first = places.thread["public"], places.post["public"]
    reply, _ = threads.post_reply(backend.services, people.staff,
                                  PostReply(thread, first, "a zqreplyword here"))
    assert found(backend, ANONYMOUS, "zqreplyword") == [f"post:{reply}"]
    threads.delete_post(backend.services, people.staff, DeletePost(thread, reply))
    assert found(backend, ANONYMOUS, "zqreplyword") == []


def test_a_hidden_post_is_found_by_nobody_until_unhidden(
        backend: Backend, people: People, places: Places) -> None:
    thread, post = places.thread["private"], places.post["private"]
    threads.hide_post(backend.services, people.other, HidePost(thread, post, "spam"))
    # Not even its moderator: hidden posts are reviewed on the thread page, not searched.
    for viewer in (people.staff, people.other, people.admin):
        assert found(backend, viewer, "zqprivateunique") == []
    threads.unhide_post(backend.services, people.other, UnhidePost(thread, post))
    assert found(backend, people.staff, "zqprivateunique") == [f"post:{post}"]


def test_a_moved_thread_takes_its_access_along(backend: Backend, people: People,
                                                 places: Places) -> None:
    thread, first = places.thread["public"], places.post["public"]
    threads.post_reply(backend.services, people.admin,
                       PostReply(thread, first, "reply zqmovedword"))
    index_all(backend)  # the thread is in the index before it moves
    threads.move_thread(backend.services, people.admin,
                        MoveThread(thread, places.conference["private"]))
    assert found(backend, ANONYMOUS, "zqmovedword") == []
    assert found(backend, ANONYMOUS, "zqpublicunique") == []
    assert len(found(backend, people.staff, "zqmovedword zqpublicunique OR zqmovedword")) == 1
    assert {h.space for h in search(backend, people.staff, "public subject").hits} == {
        places.conference["private"]}


def test_chat_messages_are_found_edited_and_deleted(backend: Backend, people: People) -> None:
    room = rooms.create_room(backend.services, people.staff, CreateRoom(
        "Coffee", "coffee", visibility="internal"))
    message, _ = rooms.post_message(backend.services, people.staff,
                                    PostMessage(room, "zqespresso machine broke"))
    assert found(backend, people.other, "zqespresso type:chat") == [f"chat:{message}"]
    assert found(backend, people.guest, "zqespresso") == []
    rooms.edit_message(backend.services, people.staff,
                       EditMessage(room, message, "zqmoka pot instead"))
    assert found(backend, people.other, "zqespresso") == []
    assert found(backend, people.other, "zqmoka") == [f"chat:{message}"]
    rooms.delete_message(backend.services, people.staff, DeleteMessage(room, message))
    assert found(backend, people.other, "zqmoka") == []


def test_members_are_found_by_name_and_resume_when_signed_in(
        backend: Backend, people: People) -> None:
    members.update_profile(backend.services, people.staff, UpdateProfile(
        "Sam Gardener", bio="I grow zqtomatoes", skills=("kubernetes",)))
    assert found(backend, people.guest, "zqtomatoes") == [f"member:{people.staff.member_id}"]
    assert found(backend, people.guest, "gardener type:member") == [
        f"member:{people.staff.member_id}"]
    assert found(backend, ANONYMOUS, "zqtomatoes") == []
    members.deactivate_member(backend.services, people.admin,
                              DeactivateMember(people.staff.member_id))
    assert found(backend, people.guest, "zqtomatoes") == []


def test_the_index_survives_reopening(backend: Backend, people: People, places: Places) -> None:
    index_all(backend)
    backend.search.close()
    fresh = SearchIndexer(backend.search.index)
    assert fresh.position()[1] == backend.store.head()
    assert found(backend, ANONYMOUS, "zqpublicunique")


def test_a_new_post_is_searchable_within_two_seconds_from_the_runner(
        backend: Backend, people: People, places: Places) -> None:
    # Given the subscriber runner following the log, as `commonroom run` starts it
    runner = backend.runner(poll_interval=0.2)
    runner.start()
    try:
        # When someone replies
        started = time.monotonic()
        threads.post_reply(backend.services, people.staff, PostReply(
            places.thread["public"], places.post["public"], "zqfreshly posted"))
        # Then within two seconds a search finds it
        hits: list[str] = []
        while not hits and time.monotonic() - started < 5:
            with backend.engine.connect() as conn:
                hits = [h.doc_id for h in backend.search.search(conn, ANONYMOUS, "zqfreshly").hits]
            time.sleep(0.05)
        assert hits and time.monotonic() - started < 2.0
    finally:
        runner.stop()
    assert threading.active_count() >= 1


def test_many_events_make_one_commit(backend: Backend, people: People, places: Places) -> None:
    writes: list[int] = []
    index = backend.search.index
    original = index.write

    def counting(puts, removes, checkpoint):  # type: ignore[no-untyped-def]
        writes.append(len(puts))
        original(puts, removes, checkpoint)

    index.write = counting  # type: ignore[method-assign]
    for n in range(30):
        threads.post_reply(backend.services, people.staff, PostReply(
            places.thread["public"], places.post["public"], f"reply {n}"))
    index_all(backend)
    assert len(writes) == 1 and writes[0] >= 30


def test_published_articles_are_found_by_everyone_and_drafts_by_nobody(
        backend: Backend, people: People, places: Places) -> None:
    # Given an article proposed from the private conference's thread (a draft)
    thread = places.thread["private"]
    article_id = articles.propose_article(backend.services, people.other, ProposeArticle(
        "thread", thread, title="Composting at zqscale", summary="How we zqcompost"))
    # Then while it is a draft nobody finds it, not even its proposer
    for viewer in (ANONYMOUS, people.other, people.admin):
        assert found(backend, viewer, "zqcompost") == []
    assert search(backend, people.admin, "zqcompost").total == 0
    # When it is revised and approved, everyone finds it by its words, as an article
    articles.revise_article(backend.services, people.other, ReviseArticle(
        article_id, "Composting at zqscale", "How we zqcompost, revised", "Body zqrevised"))
    articles.approve_article(backend.services, people.other, ApproveArticle(article_id))
    doc = f"article:{article_id}"
    for viewer in (ANONYMOUS, people.guest, people.staff):
        assert found(backend, viewer, "zqcompost") == [doc]
    assert found(backend, ANONYMOUS, "zqrevised type:article") == [doc]
    assert found(backend, ANONYMOUS, "zqscale type:post") == []
    (hit,) = search(backend, ANONYMOUS, "zqscale").hits
    assert (hit.kind, hit.title) == ("article", "Composting at zqscale")
    # And once unpublished it is gone from the index for everyone
    articles.unpublish_article(backend.services, people.other,
                               UnpublishArticle(article_id, "outdated"))
    for viewer in (ANONYMOUS, people.other, people.admin):
        assert found(backend, viewer, "zqcompost") == []
    assert backend.search.index.get(doc) is None
