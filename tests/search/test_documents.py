"""Each event's effect on the index, without an index: given an event, then these changes."""

from __future__ import annotations

from datetime import UTC, datetime

from forum.core.events import Event
from forum.core.eventstore import Recorded
from forum.features.articles.events import (
    ArticleApproved,
    ArticleProposed,
    ArticleRevised,
    ArticleUnpublished,
)
from forum.features.conferences.events import ConferenceAclChanged
from forum.features.members.events import MemberDeactivated, MemberRegistered, ProfileUpdated
from forum.features.reading.events import ThreadRead
from forum.features.rooms.events import MessagePosted, MessagesMoved
from forum.features.threads.events import (
    PostDeleted,
    PostEdited,
    PostHidden,
    ReplyPosted,
    ThreadMoved,
    ThreadStarted,
)
from search.documents import Put, Relocate, Remove, Revise, apply_revision, changes_for

WHEN = datetime(2025, 3, 1, tzinfo=UTC)


def recorded(event: Event) -> Recorded:
    return Recorded(7, "s", 1, event, WHEN)


def places(thread_id: str) -> str | None:
    return {"t1": "c1"}.get(thread_id)


def test_a_thread_is_its_subject_and_its_first_post() -> None:
    thread, post = changes_for(recorded(ThreadStarted("t1", "c1", "Subject", "p1", "m1",
                                                         "Body")), places)
    assert isinstance(thread, Put) and isinstance(post, Put)
    assert (thread.document.id, thread.document.title, thread.document.space) == (
        "thread:t1", "Subject", "c1")
    assert (post.document.id, post.document.body, post.document.seq) == ("post:p1", "Body", 1)


def test_a_reply_lives_where_its_thread_lives() -> None:
    (put,) = changes_for(recorded(ReplyPosted("t1", "p2", 2, "p1", "m2", "see https://x.org")),
                         places)
    assert isinstance(put, Put)
    assert (put.document.space, put.document.container, put.document.has_link) == (
        "c1", "t1", True)


def test_edits_deletes_hiding_and_moves() -> None:
    assert changes_for(recorded(PostEdited("t1", "p1", 2, "new", "m1")), places) == [
        Revise("post:p1", body="new")]
    assert changes_for(recorded(PostDeleted("t1", "p1", "m1")), places) == [
        Remove("post:p1")]
    assert changes_for(recorded(PostHidden("t1", "p1", "spam", "m9")), places) == [
        Revise("post:p1", hidden=True)]
    assert changes_for(recorded(ThreadMoved("t1", "c1", "c2", "m9")), places) == [
        Relocate("t1", "c2")]


def test_chat_lives_in_its_room_and_leaves_with_a_move() -> None:
    (put,) = changes_for(recorded(MessagePosted("r1", "x1", 3, "m1", "hi")), places)
    assert isinstance(put, Put) and put.document.space == "room:r1"
    assert changes_for(recorded(MessagesMoved("r1", ("x1", "x2"), "t9", "m1")), places) == [
        Remove("chat:x1"), Remove("chat:x2")]


def test_a_member_is_found_by_name_and_resume_and_hidden_when_deactivated() -> None:
    (put,) = changes_for(recorded(MemberRegistered("m1", "sam", "Sam", "s@x", "staff", "h")),
                         places)
    assert isinstance(put, Put) and put.document.title == "Sam @sam"
    (revise,) = changes_for(recorded(ProfileUpdated("m1", "Sam Gardener", "bio", ("go",),
                                                       (), (), True)), places)
    assert isinstance(revise, Revise)
    renamed = apply_revision(put.document, revise)
    assert (renamed.title, renamed.body) == ("Sam Gardener @sam", "bio\ngo\n\n")
    assert changes_for(recorded(MemberDeactivated("m1", "m0")), places) == [
        Revise("member:m1", hidden=True)]


def test_events_that_change_no_words_change_nothing() -> None:
    assert changes_for(recorded(ConferenceAclChanged("c1", (), "m0")), places) == []
    assert changes_for(recorded(ThreadRead("m1", "t1", 0, 3)), places) == []


def test_an_article_is_hidden_until_published_and_removed_when_unpublished() -> None:
    (put,) = changes_for(recorded(ArticleProposed(
        "a1", "thread", "t1", "t1", "Title", "Summary", "Body", ("tag",), "m1", "m2")), places)
    assert isinstance(put, Put)
    draft = put.document
    assert (draft.id, draft.kind, draft.space, draft.container, draft.title, draft.hidden) == (
        "article:a1", "article", "published", "a1", "Title", True)
    assert draft.body == "Summary\nBody\ntag"
    (revised,) = changes_for(recorded(ArticleRevised(
        "a1", "New title", "S2", "B2", (), 2, "m2")), places)
    assert isinstance(revised, Revise)
    draft = apply_revision(draft, revised)
    assert (draft.title, draft.body, draft.hidden) == ("New title", "S2\nB2\n", True)
    later = datetime(2025, 4, 1, tzinfo=UTC)
    (approved,) = changes_for(Recorded(8, "s", 2, ArticleApproved("a1", "new-title", "m2"),
                                       later), places)
    assert isinstance(approved, Revise)
    published = apply_revision(draft, approved)
    assert (published.hidden, published.created, published.title) == (False, later, "New title")
    assert changes_for(recorded(ArticleUnpublished("a1", "old", "m2")), places) == [
        Remove("article:a1")]
