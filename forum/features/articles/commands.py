"""The commands of publishing: one frozen dataclass per thing a person means."""

from __future__ import annotations

from dataclasses import dataclass

from forum.core.commands import Command


@dataclass(frozen=True)
class ProposeArticle(Command):
    """Propose a ``thread`` or one ``post`` (its id in ``source_id``) for the blog.

    The title defaults to the thread's subject; the body is taken from the source."""

    source_kind: str
    source_id: str
    title: str = ""
    summary: str = ""
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReviseArticle(Command):
    article_id: str
    title: str
    summary: str
    body: str
    tags: tuple[str, ...] = ()
    expected_revision: int | None = None


@dataclass(frozen=True)
class SendBackArticle(Command):
    article_id: str
    comment: str


@dataclass(frozen=True)
class ResubmitArticle(Command):
    article_id: str


@dataclass(frozen=True)
class ApproveArticle(Command):
    article_id: str


@dataclass(frozen=True)
class UnpublishArticle(Command):
    article_id: str
    reason: str
