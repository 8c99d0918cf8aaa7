"""The article aggregate: a thread, post or talk on its way to the public blog.

A draft is ``proposed``; a reviewer edits it, ``sent_back`` with a comment
(the proposer revises and resubmits) or approves it (``published``, at a slug
that never changes after); unpublishing is final (``unpublished``: its address
answers 410 Gone). Who may do what is :mod:`forum.permissions`' article rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from forum.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from forum.core.events import Event
from forum.core.permissions import (
    ConferenceAccess,
    Viewer,
    can_propose_article,
    can_review_article,
    can_see_article_draft,
)
from forum.core.text import BODY_MAX, REASON_MAX, SUBJECT_MAX, clean_text
from forum.features.articles.commands import (
    ProposeArticle,
    ReviseArticle,
    SendBackArticle,
    UnpublishArticle,
)
from forum.features.articles.events import (
    ArticleApproved,
    ArticleProposed,
    ArticleResubmitted,
    ArticleRevised,
    ArticleSentBack,
    ArticleUnpublished,
)

SOURCE_KINDS = ("thread", "post", "talk", "digest")
SUMMARY_MAX = 500
TAGS_MAX = 10
TAG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
SLUG_MAX = 80
PROPOSED, SENT_BACK, PUBLISHED, UNPUBLISHED = "proposed", "sent_back", "published", "unpublished"


@dataclass
class ArticleState:
    article_id: str
    status: str = ""
    thread_id: str = ""
    proposed_by: str = ""
    revision: int = 0
    slug: str = ""
    version: int = 0

    @property
    def exists(self) -> bool:
        return self.version > 0


def evolve(state: ArticleState, event: Event) -> ArticleState:
    state.version += 1
    match event:
        case ArticleProposed():
            state.status, state.revision = PROPOSED, 1
            state.thread_id, state.proposed_by = event.thread_id, event.proposed_by
        case ArticleRevised():
            state.revision = event.revision
        case ArticleSentBack():
            state.status = SENT_BACK
        case ArticleResubmitted():
            state.status = PROPOSED
        case ArticleApproved():
            state.status, state.slug = PUBLISHED, event.slug
        case ArticleUnpublished():
            state.status = UNPUBLISHED
    return state


def load(article_id: str, history: Iterable[Event]) -> ArticleState:
    state = ArticleState(article_id)
    for event in history:
        evolve(state, event)
    return state


def check_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Lower-case words joined by '-', each once, at most ten."""
    if isinstance(tags, str):
        raise InvalidInput("tags must be a list of words", field="tags")
    found: list[str] = []
    for raw in tags:
        if not isinstance(raw, str):
            raise InvalidInput("tags must be text", field="tags")
        tag = raw.strip().lower()
        if not tag:
            continue
        if not TAG.match(tag):
            raise InvalidInput(f"a tag is lowercase letters, digits and '-', up to 40: {raw!r}",
                               field="tags")
        if tag not in found:
            found.append(tag)
    if len(found) > TAGS_MAX:
        raise InvalidInput(f"an article has at most {TAGS_MAX} tags", field="tags")
    return tuple(found)


def _text(title: str, summary: str, body: str) -> tuple[str, str, str]:
    return (clean_text(title, "title", maximum=SUBJECT_MAX),
            clean_text(summary, "summary", maximum=SUMMARY_MAX, required=False),
            clean_text(body, "body", maximum=BODY_MAX))


def slugify(title: str) -> str:
    """The words of a title as an address: 'Café, ça va?' → 'cafe-ca-va'."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")
    return slug[:SLUG_MAX].rstrip("-") or "article"


def free_slug(title: str, taken: Callable[[str], bool]) -> str:
    """The title's slug, or with -2, -3 … after it when an earlier article has it."""
    base = slugify(title)
    slug, n = base, 1
    while taken(slug):
        n += 1
        slug = f"{base[:SLUG_MAX - len(str(n)) - 1]}-{n}"
    return slug


def propose(
    command: ProposeArticle, actor: Viewer, source: ConferenceAccess, article_id: str,
    thread_id: str, title: str, body: str, author_id: str,
) -> list[Event]:
    """``title``, ``body`` and ``author_id`` come from the source (the command's title wins)."""
    if command.source_kind not in SOURCE_KINDS:
        raise InvalidInput(f"source_kind must be one of {', '.join(SOURCE_KINDS)}",
                           field="source_kind")
    if not can_propose_article(actor, source) or actor.member_id is None:
        raise NotFound(f"no such {command.source_kind}")
    title, summary, body = _text(command.title.strip() or title, command.summary, body)
    return [ArticleProposed(article_id, command.source_kind, command.source_id, thread_id,
                               title, summary, body, check_tags(command.tags), author_id,
                               actor.member_id)]


def publish_writeup(article_id: str, talk_id: str, thread_id: str, title: str, body: str,
                    speaker_id: str, approved_by: str, slug: str) -> list[Event]:
    """A talk's write-up, approved on its rota, as an article published at once.

    The rota's organisers reviewed it there (they are the moderators of the talk's
    conference, the article's reviewers too), so it is proposed by its speaker and
    approved by that organiser in the same decision."""
    return [ArticleProposed(article_id, "talk", talk_id, thread_id, title, "", body, (),
                               speaker_id, speaker_id),
            ArticleApproved(article_id, slug, approved_by)]


def _visible(state: ArticleState, actor: Viewer, source: ConferenceAccess) -> None:
    """404 unless the actor may see the article at all (a draft is not public)."""
    if not state.exists:
        raise NotFound("no such article")
    if state.status != PUBLISHED and not can_see_article_draft(actor, source, state.proposed_by):
        raise NotFound("no such article")


def _reviewer(state: ArticleState, actor: Viewer, source: ConferenceAccess) -> str:
    _visible(state, actor, source)
    if not can_review_article(actor, source) or actor.member_id is None:
        raise Forbidden("only a moderator of the source's conference may review this article")
    if state.status == UNPUBLISHED:
        raise Conflict("this article was unpublished; it cannot change any more")
    return actor.member_id


def revise(state: ArticleState, command: ReviseArticle, actor: Viewer,
           source: ConferenceAccess) -> list[Event]:
    """Reviewers edit at any time before unpublishing; the proposer until it is published."""
    _visible(state, actor, source)
    if state.status == UNPUBLISHED:
        raise Conflict("this article was unpublished; it cannot change any more")
    reviewer = can_review_article(actor, source)
    if not reviewer and (actor.member_id != state.proposed_by or state.status == PUBLISHED):
        raise Forbidden("only a reviewer may edit a published article")
    if command.expected_revision is not None and command.expected_revision != state.revision:
        raise Conflict(
            f"the article was edited meanwhile (you edited revision {command.expected_revision},"
            f" it is now at {state.revision}); reload and try again",
            current_revision=state.revision)
    title, summary, body = _text(command.title, command.summary, command.body)
    assert actor.member_id is not None
    return [ArticleRevised(state.article_id, title, summary, body,
                              check_tags(command.tags), state.revision + 1, actor.member_id)]


def send_back(state: ArticleState, command: SendBackArticle, actor: Viewer,
              source: ConferenceAccess) -> list[Event]:
    by = _reviewer(state, actor, source)
    if state.status != PROPOSED:
        raise Conflict("only an article waiting for review can be sent back")
    comment = clean_text(command.comment, "comment", maximum=REASON_MAX)
    return [ArticleSentBack(state.article_id, comment, by)]


def resubmit(state: ArticleState, actor: Viewer, source: ConferenceAccess) -> list[Event]:
    _visible(state, actor, source)
    if actor.member_id != state.proposed_by and not can_review_article(actor, source):
        raise Forbidden("only its proposer may send the article for review again")
    if state.status != SENT_BACK:
        raise Conflict("only an article that was sent back can be resubmitted")
    assert actor.member_id is not None
    return [ArticleResubmitted(state.article_id, actor.member_id)]


def approve(state: ArticleState, title: str, actor: Viewer, source: ConferenceAccess,
            slug_taken: Callable[[str], bool]) -> list[Event]:
    """Publish at a slug made from the current title (kept if it is published already)."""
    by = _reviewer(state, actor, source)
    if state.status == PUBLISHED:
        raise Conflict("this article is published already")
    return [ArticleApproved(state.article_id, free_slug(title, slug_taken), by)]


def unpublish(state: ArticleState, command: UnpublishArticle, actor: Viewer,
              source: ConferenceAccess) -> list[Event]:
    by = _reviewer(state, actor, source)
    if state.status != PUBLISHED:
        raise Conflict("only a published article can be unpublished")
    reason = clean_text(command.reason, "reason", maximum=REASON_MAX)
    return [ArticleUnpublished(state.article_id, reason, by)]
