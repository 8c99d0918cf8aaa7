"""The events of publishing: frozen dataclasses, named in the past tense.

A released event is never edited. To change one, bump its ``schema_version``
and register an upcaster in :mod:`forum.core.serialization`."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.events import Event, event

#
# An article has a stream of its own (``article-<id>``). Its ``source`` is what
# it was made from: a ``thread``, one ``post`` or (later) a ``talk`` of the talk
# rota; ``thread_id`` is the thread whose conference decides who may review it.


@event
@dataclass(frozen=True)
class ArticleProposed(Event):
    """A member proposed a thread or a post for the public blog; a draft to review."""

    article_id: str
    source_kind: str
    source_id: str
    thread_id: str
    title: str
    summary: str
    body: str
    tags: tuple[str, ...]
    author_id: str
    proposed_by: str


@event
@dataclass(frozen=True)
class ArticleRevised(Event):
    """Title, summary, body and tags as the proposer or a reviewer left them."""

    article_id: str
    title: str
    summary: str
    body: str
    tags: tuple[str, ...]
    revision: int
    by: str


@event
@dataclass(frozen=True)
class ArticleSentBack(Event):
    """A reviewer asked for changes before it can be published."""

    article_id: str
    comment: str
    by: str


@event
@dataclass(frozen=True)
class ArticleResubmitted(Event):
    article_id: str
    by: str


@event
@dataclass(frozen=True)
class ArticleApproved(Event):
    """Published on the blog at ``/blog/<slug>``; the slug never changes after."""

    article_id: str
    slug: str
    by: str


@event
@dataclass(frozen=True)
class ArticleUnpublished(Event):
    """Taken off the blog for good: its address answers 410 Gone from now on."""

    article_id: str
    reason: str
    by: str
