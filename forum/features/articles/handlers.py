"""Handlers for publishing: propose, revise, send back, resubmit, approve, unpublish."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from forum.core.errors import Conflict, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.handlers import Services, run
from forum.core.permissions import ConferenceAccess, Viewer
from forum.core.text import BODY_MAX
from forum.features.articles import model as article
from forum.features.articles import queries as article_queries
from forum.features.articles.commands import (
    ApproveArticle,
    ProposeArticle,
    ResubmitArticle,
    ReviseArticle,
    SendBackArticle,
    UnpublishArticle,
)
from forum.features.articles.events import ArticleApproved
from forum.features.articles.model import ArticleState
from forum.features.conferences.queries import access_from_row, conference_access
from forum.features.rotas import queries as rota_queries
from forum.features.threads.queries import (
    get_post,
    get_thread,
    get_thread_in_conference,
    list_posts,
)

POSTS_IN_A_DRAFT = 100


def stream(article_id: str) -> str:
    return f"article-{article_id}"


def _compose(posts: Sequence[Any]) -> str:
    """A thread as one draft: the opening post, then each reply under its author's name.

    Removed and hidden posts are left out; so are posts past the body's limit."""
    parts: list[str] = []
    size = 0
    for post in posts:
        if post.deleted_by or post.hidden_by:
            continue
        part = post.body if not parts else f"---\n\n**{post.author_name}** wrote:\n\n{post.body}"
        if size + len(part) + 2 > BODY_MAX:
            break
        parts.append(part)
        size += len(part) + 2
    return "\n\n".join(parts)


def _source(svc: Services, command: ProposeArticle
            ) -> tuple[ConferenceAccess, str, str, str, str]:
    """The source's (conference access, thread id, title, body, author id)."""
    if command.source_kind == "talk":
        return _talk_source(svc, command.source_id)
    if command.source_kind == "digest":
        raise InvalidInput("a month's digest is published from its page, /learning/digest",
                           field="source_kind")
    with svc.engine.connect() as conn:
        if command.source_kind == "post":
            post = get_post(conn, command.source_id)
            if post is None or post.deleted_by or post.hidden_by:
                raise NotFound("no such post")
            found = get_thread_in_conference(conn, post.thread_id)
            body, author_id = post.body, post.author_id
        else:
            found = get_thread_in_conference(conn, command.source_id)
            body, author_id = "", ""
            if found is not None:
                body = _compose(list_posts(conn, found[0].id, limit=POSTS_IN_A_DRAFT))
                author_id = found[0].author_id
        if found is None:
            raise NotFound(f"no such {command.source_kind}")
        thread, conference = found
        return (access_from_row(conference), thread.id, thread.subject, body,
                author_id)


def _talk_source(svc: Services, talk_id: str) -> tuple[ConferenceAccess, str, str, str, str]:
    """A talk's approved write-up, for one approved before approval published (or whose
    article was unpublished): it goes through review again as an article."""
    with svc.engine.connect() as conn:
        talk = rota_queries.get_talk(conn, talk_id)
        found = get_thread_in_conference(conn, talk.thread_id) if talk else None
        current = article_queries.get_talk_article(conn, talk_id) if talk else None
    if talk is None or found is None:
        raise NotFound("no such talk")
    if talk.writeup_status != "approved":
        raise Conflict("this talk's write-up is not approved yet: it is reviewed on the talk "
                       "rota, and approving it there publishes it")
    if current is not None and current.status != "unpublished":
        raise Conflict("this talk's write-up is on its way to the blog already"
                       if current.status != "published" else
                       f"this talk's write-up is on the blog already, at /blog/{current.slug}")
    return (access_from_row(found[1]), talk.thread_id, talk.writeup_title,
            talk.writeup_body, talk.speaker_id)


def propose_article(svc: Services, actor: Viewer, command: ProposeArticle) -> str:
    """Returns the new article's id."""
    if command.source_kind not in article.SOURCE_KINDS:
        raise InvalidInput(f"source_kind must be one of {', '.join(article.SOURCE_KINDS)}",
                           field="source_kind")
    access, thread_id, title, body, author_id = _source(svc, command)
    article_id = svc.new_id()
    new_events = article.propose(command, actor, access, article_id, thread_id, title, body,
                                 author_id)
    svc.store.append(stream(article_id), new_events, expected_version=0, meta=svc.meta(actor))
    return article_id


def _on_article(svc: Services, actor: Viewer, article_id: str,
                decide: Callable[[ArticleState, ConferenceAccess], Sequence[Event]]) -> None:
    def decide_with_access(state: ArticleState) -> Sequence[Event]:
        if not state.exists:
            raise NotFound("no such article")
        with svc.engine.connect() as conn:
            thread = get_thread(conn, state.thread_id)
            access = conference_access(conn, thread.conference_id) if thread else None
        if access is None:
            raise NotFound("no such article")
        return decide(state, access)

    run(svc, actor, stream(article_id), lambda h: article.load(article_id, h),
        decide_with_access)


def revise_article(svc: Services, actor: Viewer, command: ReviseArticle) -> None:
    _on_article(svc, actor, command.article_id,
                lambda s, a: article.revise(s, command, actor, a))


def send_back_article(svc: Services, actor: Viewer, command: SendBackArticle) -> None:
    _on_article(svc, actor, command.article_id,
                lambda s, a: article.send_back(s, command, actor, a))


def resubmit_article(svc: Services, actor: Viewer, command: ResubmitArticle) -> None:
    _on_article(svc, actor, command.article_id, lambda s, a: article.resubmit(s, actor, a))


def approve_article(svc: Services, actor: Viewer, command: ApproveArticle) -> str:
    """Publishes the article; returns its slug (its address on the blog)."""
    slugs: list[str] = []

    def decide(state: ArticleState, access: ConferenceAccess) -> Sequence[Event]:
        with svc.engine.connect() as conn:
            row = article_queries.get_article(conn, state.article_id)
            title = row.title if row is not None else ""
            new_events = article.approve(
                state, title, actor, access,
                lambda slug: article_queries.slug_taken(conn, slug))
        slugs.extend(e.slug for e in new_events if isinstance(e, ArticleApproved))
        return new_events

    _on_article(svc, actor, command.article_id, decide)
    return slugs[-1]


def unpublish_article(svc: Services, actor: Viewer, command: UnpublishArticle) -> None:
    _on_article(svc, actor, command.article_id,
                lambda s, a: article.unpublish(s, command, actor, a))
