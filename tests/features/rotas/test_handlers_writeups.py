"""A talk's write-up reaches the public blog: approval on the rota publishes it, in one
transaction; a write-up approved before that (or taken off the blog) is proposed again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from forum.backend import Backend
from forum.core.errors import Conflict, Forbidden, NotFound
from forum.features.articles import handlers as articles
from forum.features.articles import queries as article_queries
from forum.features.articles.commands import ApproveArticle, ProposeArticle, UnpublishArticle
from forum.features.articles.events import ArticleApproved, ArticleProposed
from forum.features.conferences import handlers as conferences
from forum.features.conferences.commands import CreateConference, SetConferenceAcl
from forum.features.rotas import handlers as rotas
from forum.features.rotas import queries as rota_queries
from forum.features.rotas.commands import (
    ApproveWriteUp,
    CreateRota,
    SaveWriteUp,
    ScheduleSlots,
    SignUpForSlot,
    SubmitWriteUp,
)
from forum.features.rotas.events import WriteUpApproved
from tests.conftest import People


def _written_up(backend: Backend, people: People) -> tuple[str, str]:
    """A rota with one given talk whose write-up waits for review: (rota id, talk id)."""
    svc = backend.services
    conference = conferences.create_conference(svc, people.admin, CreateConference(
        "talks", "Talks", "private"))
    conferences.set_conference_acl(svc, people.admin, SetConferenceAcl(
        conference, ((f"member:{people.staff.member_id}", "contributor"),)))
    rota_id = rotas.create_rota(svc, people.admin, CreateRota(
        conference, "fridays", "Friday talks", timezone="Europe/Stockholm"))
    first = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    rotas.schedule_slots(svc, people.admin, ScheduleSlots(
        rota_id, first, "13:00", "FREQ=WEEKLY;COUNT=1"))
    with backend.engine.connect() as conn:
        slot = rota_queries.list_slots(conn, rota_id)[0].slot.id
    talk = rotas.sign_up_for_slot(svc, people.admin, SignUpForSlot(
        rota_id, slot, "Joins", speaker_id=people.staff.member_id))
    rotas.save_writeup(svc, people.staff, SaveWriteUp(
        rota_id, talk, "Joins, explained", "Inner and *outer*."))
    clock = backend.store.clock
    backend.store.clock = lambda: clock() + timedelta(days=5)
    rotas.submit_writeup(svc, people.staff, SubmitWriteUp(rota_id, talk))
    return rota_id, talk


def _refused(backend: Backend, error: type[Exception], call: object, match: str) -> None:
    head = backend.store.head()
    with pytest.raises(error, match=match):
        call()  # type: ignore[operator]
    assert backend.store.head() == head


def test_approval_publishes_the_write_up_in_one_transaction(
        backend: Backend, people: People) -> None:
    rota_id, talk = _written_up(backend, people)
    svc = backend.services
    _refused(backend, Forbidden, lambda: rotas.approve_writeup(
        svc, people.staff, ApproveWriteUp(rota_id, talk)), "organisers")
    head = backend.store.head()
    slug = rotas.approve_writeup(svc, people.admin, ApproveWriteUp(rota_id, talk))
    assert slug == "joins-explained"
    written = backend.store.read_all(head)
    assert [type(r.event) for r in written] == [
        WriteUpApproved, ArticleProposed, ArticleApproved]
    proposed = written[1].event
    assert isinstance(proposed, ArticleProposed)
    assert (proposed.source_kind, proposed.source_id) == ("talk", talk)
    assert proposed.author_id == proposed.proposed_by == people.staff.member_id
    with backend.engine.connect() as conn:
        row = article_queries.get_article_by_slug(conn, slug)
    assert row.status == "published" and "<em>outer</em>" in row.html
    assert row.reviewed_by == people.admin.member_id
    # Already on the blog: proposing it again is refused, and nothing is written.
    _refused(backend, Conflict, lambda: articles.propose_article(
        svc, people.staff, ProposeArticle("talk", talk)), "on the blog already")


def test_unpublished_write_up_goes_through_review_again(
        backend: Backend, people: People) -> None:
    rota_id, talk = _written_up(backend, people)
    svc = backend.services
    _refused(backend, Conflict, lambda: articles.propose_article(
        svc, people.staff, ProposeArticle("talk", talk)), "not approved yet")
    rotas.approve_writeup(svc, people.admin, ApproveWriteUp(rota_id, talk))
    with backend.engine.connect() as conn:
        first = article_queries.get_talk_article(conn, talk)
    articles.unpublish_article(svc, people.admin, UnpublishArticle(first.id, "Outdated"))
    _refused(backend, NotFound, lambda: articles.propose_article(
        svc, people.other, ProposeArticle("talk", talk)), "no such talk")  # outsider
    again = articles.propose_article(svc, people.staff, ProposeArticle("talk", talk))
    _refused(backend, Conflict, lambda: articles.propose_article(
        svc, people.staff, ProposeArticle("talk", talk)), "on its way")
    _refused(backend, Forbidden, lambda: articles.approve_article(
        svc, people.staff, ApproveArticle(again)), "moderator")
    slug = articles.approve_article(svc, people.admin, ApproveArticle(again))
    assert slug == "joins-explained-2"  # the first address stays Gone


def test_a_write_up_approved_before_publishing_existed_is_proposed(
        backend: Backend, people: People) -> None:
    rota_id, talk = _written_up(backend, people)
    svc = backend.services
    version = len(backend.store.read_stream(rotas.stream(rota_id)))
    backend.store.append(rotas.stream(rota_id), [WriteUpApproved(
        rota_id, talk, people.admin.member_id)], expected_version=version)
    with backend.engine.connect() as conn:
        assert article_queries.get_talk_article(conn, talk) is None
    article_id = articles.propose_article(svc, people.staff, ProposeArticle("talk", talk))
    with backend.engine.connect() as conn:
        row = article_queries.get_article(conn, article_id)
    assert (row.status, row.title, row.source_kind) == ("proposed", "Joins, explained", "talk")
    assert articles.approve_article(svc, people.admin, ApproveArticle(article_id)) \
        == "joins-explained"
