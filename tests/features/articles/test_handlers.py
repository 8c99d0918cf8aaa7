"""Publishing's handlers end to end on a real database: propose, review, publish."""

from __future__ import annotations

import json

from forum.backend import Backend
from forum.core.errors import (
    InvalidInput,
    NotFound,
)
from forum.features.articles import handlers as articles
from forum.features.articles import queries as article_queries
from forum.features.articles.commands import (
    ApproveArticle,
    ProposeArticle,
    ResubmitArticle,
    ReviseArticle,
    SendBackArticle,
    UnpublishArticle,
)
from forum.features.threads import handlers as threads
from forum.features.threads.commands import (
    DeletePost,
    HidePost,
    MoveThread,
)
from tests.conftest import People
from tests.features.world import World, conn, refused


def test_a_thread_is_proposed_reviewed_and_published(backend: Backend, people: People,
                                                     world: World) -> None:
    svc = backend.services
    second, _ = world.reply(people.other, "Me, **too**")
    hidden, _ = world.reply(people.other, "hidden-words")
    threads.hide_post(svc, world.mod, HidePost(world.thread, hidden, "off topic"))
    article_id = articles.propose_article(svc, people.other, ProposeArticle(
        "thread", world.thread, tags=("Learning",)))
    with conn(backend) as c:
        row = article_queries.get_article(c, article_id)
    assert row is not None
    assert (row.status, row.title, row.author_id, row.proposed_by) == (
        "proposed", "Study circle", people.staff.member_id, people.other.member_id)
    assert row.body == "Who is in?\n\n---\n\n**Oli** wrote:\n\nMe, **too**"
    assert "hidden-words" not in row.body and "<strong>too</strong>" in row.html
    assert json.loads(row.tags) == ["learning"]

    articles.send_back_article(svc, world.mod, SendBackArticle(article_id, "Shorter?"))
    articles.revise_article(svc, people.other, ReviseArticle(
        article_id, "Circles", "Why", "Short.", ("learning",), expected_revision=1))
    articles.resubmit_article(svc, people.other, ResubmitArticle(article_id))
    assert articles.approve_article(svc, world.mod, ApproveArticle(article_id)) == "circles"
    with conn(backend) as c:
        row = article_queries.get_article(c, article_id)
        assert [a.id for a in article_queries.list_published(c, tag="learning")] == [article_id]
    assert (row.status, row.slug, row.summary, row.html.strip(), row.revision) == (
        "published", "circles", "Why", "<p>Short.</p>", 2)
    assert row.comment is None and row.reviewed_by == world.mod.member_id

    # A second article with the same title gets the next free address.
    other = articles.propose_article(svc, people.staff, ProposeArticle(
        "post", second, title="Circles"))
    assert articles.approve_article(svc, people.admin, ApproveArticle(other)) == "circles-2"
    articles.unpublish_article(svc, people.admin, UnpublishArticle(other, "Duplicate"))
    with conn(backend) as c:
        gone = article_queries.get_article_by_slug(c, "circles-2")
    assert gone.status == "unpublished" and gone.body == "" and gone.html == ""
    assert gone.unpublish_reason == "Duplicate"


def test_proposing_what_is_not_there_or_not_readable_writes_nothing(
        backend: Backend, people: People, world: World) -> None:
    svc = backend.services
    removed, _ = world.reply(people.other, "oops")
    threads.delete_post(svc, people.other, DeletePost(world.thread, removed))
    refused(backend, NotFound, lambda: articles.propose_article(
        svc, people.staff, ProposeArticle("post", removed)))
    refused(backend, NotFound, lambda: articles.propose_article(
        svc, people.staff, ProposeArticle("thread", "nothing")))
    refused(backend, NotFound, lambda: articles.propose_article(
        svc, people.guest, ProposeArticle("thread", world.thread)))  # guests: internal
    refused(backend, NotFound, lambda: articles.propose_article(
        svc, people.staff, ProposeArticle("talk", "t1")), match="no such talk")
    refused(backend, InvalidInput, lambda: articles.propose_article(
        svc, people.staff, ProposeArticle("digest", "2026-11")), match="digest")
    refused(backend, InvalidInput, lambda: articles.propose_article(
        svc, people.staff, ProposeArticle("room", world.thread)))


def test_review_follows_the_thread_to_its_new_conference(
        backend: Backend, people: People, world: World) -> None:
    svc = backend.services
    article_id = articles.propose_article(svc, people.staff, ProposeArticle(
        "thread", world.thread))
    threads.move_thread(svc, people.admin, MoveThread(world.thread, world.private))
    refused(backend, NotFound, lambda: articles.approve_article(
        svc, people.staff, ApproveArticle(article_id)))  # sam cannot read it there
    articles.approve_article(svc, world.mod, ApproveArticle(article_id))
    refused(backend, NotFound, lambda: articles.approve_article(
        svc, people.admin, ApproveArticle("nothing")))
